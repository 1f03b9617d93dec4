//===- StdioBuffers.h - Output that may still sit in stdio buffers --------===//
//
// Which buffered streams (stdout, FILE* variables, std::cout, std::ofstream)
// hold output that has not been flushed when a statement runs: written on
// every path to it, earlier in the function or in a caller of this file
// before it called the function, with no flush since (fflush(NULL), fflush(stream), fclose, std::endl,
// std::flush, a function of this file that flushes on every path). Each
// function is solved once, with the effects of its callees as summaries.
// Streams whose buffering the program sets itself (setvbuf) and stderr are
// never reported.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_STDIOBUFFERS_H
#define PROCSHARE_CHECKS_ANALYSIS_STDIOBUFFERS_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include <memory>
#include <vector>

namespace clang {
class CFGElement;
}

namespace procshare {

class ProcessModel;

/// A stream: the declaration naming it, or StdioBuffers::stdoutKey().
using StreamKey = const void *;

/// A pending write: the stream and the statement that wrote to it.
struct PendingWrite {
  StreamKey Stream;
  const clang::Stmt *Write;
};

class StdioBuffers {
public:
  /// \p UseIndex: calls of functions of other files write and flush what
  /// the project index says. A unit's summary is made without (one file
  /// deep; whether a function may flush is closed over the call graph by the
  /// index itself).
  explicit StdioBuffers(ProcessModel &M, bool UseIndex = true);
  ~StdioBuffers();

  static StreamKey stdoutKey();
  /// "stdout", or the name of the variable.
  std::string name(StreamKey K) const;

  /// True for a C++ file stream (std::ofstream), which fflush() does not
  /// flush; false for stdout (std::cout writes through it) and FILE*.
  bool isFileStreamObject(StreamKey K) const;

  /// The streams that hold unflushed output when \p S runs in \p FD (on
  /// every path through \p FD; through any caller of this file).
  std::vector<PendingWrite> pendingAt(const clang::FunctionDecl *FD,
                                      const clang::Stmt *S, unsigned Depth = 0);

  /// What one statement does to the buffers.
  struct Effect {
    enum Kind { None, Write, Flush, FlushAll } K = None;
    StreamKey Stream = nullptr;
  };
  Effect effectOf(const clang::Stmt *S);

  /// True when \p FD, or what it calls in this file, may flush stdio: an
  /// exit-like call (exit flushes every stream) or a flush.
  bool mayFlush(const clang::FunctionDecl *FD);

  /// What a call of \p FD leaves in the buffers when it returns: the write
  /// that left stdout's output pending on every path (null if none), and
  /// whether every path flushed every stream.
  struct ReturnEffect {
    const clang::Stmt *PendingStdout = nullptr;
    bool FlushesAll = false;
  };
  ReturnEffect returnEffect(const clang::FunctionDecl *FD);

private:
  struct State;
  struct FunctionResult;
  FunctionResult &solve(const clang::FunctionDecl *FD);
  void transfer(const clang::CFGElement &E, State &S, const clang::FunctionDecl *FD);
  StreamKey streamOf(const clang::Expr *E);
  void findManaged();

  ProcessModel &M;
  bool UseIndex;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<FunctionResult>> Results;
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<PendingWrite>> AtEntry;
  llvm::DenseMap<const clang::FunctionDecl *, int> Flushes; // -1 computing, 0, 1
  llvm::DenseSet<StreamKey> Managed;
  bool ManagedFound = false;
};

} // namespace procshare

#endif
