//===- UnlockedSharedRmwCheck.h - procshare-unlocked-shared-rmw -----------===//
//
// Python's `counter.value += 1` from several processes without a Lock: a
// read-modify-write of memory shared between processes, with neither a lock
// held nor an atomic operation. docs/checks/unlocked-shared-rmw.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_UNLOCKEDSHAREDRMWCHECK_H
#define PROCSHARE_CHECKS_UNLOCKEDSHAREDRMWCHECK_H

#include "checks/ProcshareCheck.h"

namespace procshare {

class UnlockedSharedRmwCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void checkFunction(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void report(const clang::Expr *Update, const clang::Expr *Target,
              const clang::FunctionDecl *FD, bool TestThenSet,
              clang::ASTContext &Ctx);
};

} // namespace procshare

#endif
