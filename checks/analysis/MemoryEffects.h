//===- MemoryEffects.h - What code writes and reads -----------------------===//
//
// Names places in memory (a variable, a member through `this`, an element
// behind a pointer) and finds what a statement writes and reads: assignments,
// ++/--, mutating methods of standard containers and strings, library calls
// that write through a pointer argument (rules: write_through), and the
// effects of functions of the translation unit called there. Each function's
// effects on memory outside its own locals are summarised once and mapped
// into the caller's terms at each call (this, parameters, lambda captures).
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_MEMORYEFFECTS_H
#define PROCSHARE_CHECKS_ANALYSIS_MEMORYEFFECTS_H

#include "index/Facts.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>
#include <vector>

namespace clang {
class CFG;
class ParentMap;
} // namespace clang

namespace procshare {

class ProcessModel;

/// A place in memory: a root (a variable, or `this`) and an access path of
/// segments ".field", "[]" (an element of an array the root contains) and
/// "*" (through a pointer: other memory).
struct MemLoc {
  const clang::VarDecl *Var = nullptr; ///< canonical; null for `this`
  std::string Path;
  /// The variable or field holding the pointer first dereferenced ("*"), to
  /// ask where that memory comes from.
  const clang::ValueDecl *PointerDecl = nullptr;

  bool isThis() const { return !Var; }
  bool throughPointer() const { return Path.find('*') != std::string::npos; }
  bool sameRoot(const MemLoc &O) const { return Var == O.Var; }
  /// This place contains \p O, or is \p O (a prefix of its path).
  bool covers(const MemLoc &O) const;
  /// Either contains the other.
  bool overlaps(const MemLoc &O) const { return covers(O) || O.covers(*this); }
  /// Reading this place reads \p O (or part of it): \p O is within it, not
  /// behind a pointer it holds (reading `p` does not read `p->n`), or it is
  /// within \p O.
  bool readSees(const MemLoc &O) const {
    if (O.covers(*this))
      return true;
    return covers(O) && (O.Path.size() == Path.size() || O.Path[Path.size()] != '*');
  }
  bool operator==(const MemLoc &O) const { return Var == O.Var && Path == O.Path; }
  /// "results", "stats.count", "p->hits", "*out", "handled" (a member).
  std::string display() const;
};

/// A write found in a function summary.
struct MemWrite {
  MemLoc Loc;
  const clang::Stmt *At = nullptr; ///< the writing statement (in the callee)
  SourcePoint Elsewhere; ///< the write, in a function of another file
};

/// What one function writes and reads outside its own locals, including
/// through the functions it calls.
struct MemorySummary {
  std::vector<MemWrite> Writes;
  std::vector<MemLoc> Reads;
};

class MemoryEffects {
public:
  /// \p UseIndex: calls of functions of other files have the effects the
  /// project index gives them. A unit's summary is made without (the index
  /// closes global writes over the call graph itself).
  explicit MemoryEffects(ProcessModel &M, bool UseIndex = true);

  /// The place an lvalue denotes, when it can be named.
  std::optional<MemLoc> locationOf(const clang::Expr *E) const;
  /// The place a pointer value points to (`&x` is x, `buf` is buf[],
  /// `p` is *p).
  std::optional<MemLoc> pointeeOf(const clang::Expr *E) const;

  /// The writes \p S performs itself (not inside a callee). \p S is one CFG
  /// element: an assignment, ++/--, a mutating method call, a write-through
  /// library call.
  void directWrites(const clang::Stmt *S, llvm::SmallVectorImpl<MemLoc> &Out) const;
  /// The reads \p S performs itself: a value loaded from a place, an array
  /// passed on, a standard object used.
  void directReads(const clang::Stmt *S, const clang::ParentMap &PM,
                   llvm::SmallVectorImpl<MemLoc> &Out) const;

  /// The writes and reads of a call to a function of this translation unit
  /// (or a lambda), in the caller's terms. Empty for other calls.
  void callWrites(const clang::CallExpr *CE, std::vector<MemWrite> &Out);
  void callReads(const clang::CallExpr *CE, std::vector<MemLoc> &Out);

  /// The function a call runs when its body is here (a lambda's call
  /// operator included); null otherwise.
  static const clang::FunctionDecl *calleeWithBody(const clang::CallExpr *CE);
  /// The function whose effects callWrites/callReads give for \p CE: one
  /// with a body here, or one of another file the project index summarises.
  const clang::FunctionDecl *summarisedCallee(const clang::CallExpr *CE) const;

  const MemorySummary &summary(const clang::FunctionDecl *FD);

  /// \p L, a place in \p Callee's terms (its `this`, its parameters), as
  /// seen by the caller of \p CE.
  std::optional<MemLoc> mapIntoCaller(const MemLoc &L, const clang::CallExpr *CE,
                                      const clang::FunctionDecl *Callee) const;
  /// A place the project index names in the terms of \p Callee, a function
  /// of another file, as seen by the caller of \p CE. A global this file
  /// does not declare cannot be named: with \p Opaque it becomes a place of
  /// its own (a lock all callers share), else none.
  std::optional<MemLoc> mapIntoCaller(const IndexPlace &P, const clang::CallExpr *CE,
                                      const clang::FunctionDecl *Callee, bool Opaque = false) const;
  /// The globals (whole variables) the branch conditions of \p G that
  /// \p Keep accepts read.
  void conditionGlobals(const clang::CFG &G, llvm::DenseSet<const clang::VarDecl *> &Out,
                        llvm::function_ref<bool(const clang::Stmt *)> Keep) const;
  /// The same for the branches and loops of a body, on its AST.
  void conditionGlobals(const clang::Stmt *Body,
                        llvm::DenseSet<const clang::VarDecl *> &Out) const;

  /// \p L, a place in \p FD's terms, as the index names it (a parameter, the
  /// object, a global); none for a local.
  std::optional<IndexPlace> indexPlace(const MemLoc &L, const clang::FunctionDecl *FD) const;

private:
  bool keepInSummary(const MemLoc &L, const clang::FunctionDecl *FD) const;

  ProcessModel &M;
  bool UseIndex;
  enum class Visit : uint8_t { InProgress, Done };
  struct Entry {
    Visit State;
    MemorySummary Summary;
  };
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<Entry>> Summaries;
};

} // namespace procshare

#endif
