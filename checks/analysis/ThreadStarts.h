//===- ThreadStarts.h - Where the program starts threads ------------------===//
//
// Which threads may be running when a statement runs: thread starts
// (rules: thread_start, such as pthread_create and std::thread's
// constructor) earlier in the same function, in the callers of this file
// before they call it, or during static initialisation, less those joined
// again (rules: thread_join) before that statement.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_THREADSTARTS_H
#define PROCSHARE_CHECKS_ANALYSIS_THREADSTARTS_H

#include "index/Facts.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include <vector>

namespace procshare {

class ProcessModel;

/// A thread start that may have run: a statement here (the start, or a
/// call that reaches one), or a start in another file of the project.
struct ThreadStart {
  const clang::Stmt *At = nullptr;
  SourcePoint Elsewhere;
  explicit operator bool() const { return At || Elsewhere.valid(); }
};

class ThreadStarts {
public:
  /// \p UseIndex: also the threads the project index knows of (callees of
  /// other files that start one, callers elsewhere that started one). The
  /// summary of a translation unit is made without.
  explicit ThreadStarts(ProcessModel &M, bool UseIndex = true) : M(M), UseIndex(UseIndex) {}

  /// A thread start (directly, or a call of a function that does) that may
  /// have run before \p At in \p FD without being joined: earlier in \p FD,
  /// in a caller before its call of \p FD (in this file, or in another one
  /// as the project index says), or in static initialisation.
  /// \p CallersElsewhere: also what the index says of \p FD's callers in
  /// other files.
  ThreadStart startedBefore(const clang::FunctionDecl *FD, const clang::Stmt *At,
                            unsigned Depth = 0, bool CallersElsewhere = true);

  /// The first thread start in \p FD or in the functions it calls; null if
  /// none.
  const clang::Stmt *startedIn(const clang::FunctionDecl *FD);

  /// True when code of this translation unit starts a thread.
  bool anyStarts() {
    build();
    return !Direct.empty();
  }

private:
  void build();
  /// The thread handle a start or a join names (`&tid`, the std::thread).
  const clang::ValueDecl *handleOf(const clang::FunctionDecl *FD, const clang::Stmt *S);
  bool joinedBetween(const clang::FunctionDecl *FD, const clang::Stmt *Start,
                     const clang::Stmt *At);

  ProcessModel &M;
  bool UseIndex;
  bool Built = false;
  /// Thread starts written in each function (null: global initialisers).
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const clang::Stmt *>> Direct;
  /// Joins written in each function.
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const clang::CallExpr *>> Joins;
  llvm::DenseMap<const clang::FunctionDecl *, const clang::Stmt *> Reached;
};

} // namespace procshare

#endif
