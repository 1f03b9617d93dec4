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

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include <vector>

namespace procshare {

class ProcessModel;

class ThreadStarts {
public:
  explicit ThreadStarts(ProcessModel &M) : M(M) {}

  /// A statement that starts a thread (directly, or a call of a function of
  /// this file that does) and may have run before \p At in \p FD without
  /// being joined: earlier in \p FD, in a caller of this file before its
  /// call of \p FD, or in static initialisation. Null when none is visible.
  const clang::Stmt *startedBefore(const clang::FunctionDecl *FD,
                                   const clang::Stmt *At, unsigned Depth = 0);

  /// The first thread start in \p FD or in the functions of this file it
  /// calls; null if none.
  const clang::Stmt *startedIn(const clang::FunctionDecl *FD);

private:
  void build();
  /// The thread handle a start or a join names (`&tid`, the std::thread).
  const clang::ValueDecl *handleOf(const clang::FunctionDecl *FD, const clang::Stmt *S);
  bool joinedBetween(const clang::FunctionDecl *FD, const clang::Stmt *Start,
                     const clang::Stmt *At);

  ProcessModel &M;
  bool Built = false;
  /// Thread starts written in each function (null: global initialisers).
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const clang::Stmt *>> Direct;
  /// Joins written in each function.
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const clang::CallExpr *>> Joins;
  llvm::DenseMap<const clang::FunctionDecl *, const clang::Stmt *> Reached;
};

} // namespace procshare

#endif
