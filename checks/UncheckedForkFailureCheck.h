//===- UncheckedForkFailureCheck.h - procshare-unchecked-fork-failure -----===//
//
// A fork result that may be -1 (the fork failed) reaching kill, killpg,
// waitpid and the like, or stored where other code signals it, with no
// failure check on the way: kill(-1, sig) signals every process the user may
// signal. docs/checks/unchecked-fork-failure.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_UNCHECKEDFORKFAILURECHECK_H
#define PROCSHARE_CHECKS_UNCHECKEDFORKFAILURECHECK_H

#include "checks/ProcshareCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace procshare {

class UncheckedForkFailureCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  void reportSite(const ForkRegions &F, clang::ASTContext &Ctx);
  /// Calls of pid_use functions in this file whose pid argument names \p D
  /// and is not tested against a bound in a condition around the call.
  std::vector<const clang::CallExpr *> unguardedUsesOf(const clang::ValueDecl *D,
                                                       clang::ASTContext &Ctx);
  llvm::DenseSet<const clang::Stmt *> Reported;
  bool UsesCollected = false;
  std::vector<std::pair<const clang::CallExpr *, const clang::ValueDecl *>> PidUses;
};

} // namespace procshare

#endif
