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

#include "checks/ForkSiteCheck.h"

namespace procshare {

class UncheckedForkFailureCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;
  void onStartOfTranslationUnit() override;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
  /// Calls of pid_use functions in this file whose pid argument names \p D
  /// and is not tested against a bound in a condition around the call.
  std::vector<const clang::CallExpr *> unguardedUsesOf(const clang::ValueDecl *D,
                                                       clang::ASTContext &Ctx);
  bool UsesCollected = false;
  struct PidUse {
    const clang::CallExpr *Call;
    const clang::ValueDecl *Pid;        ///< what the pid argument names
    const clang::FunctionDecl *Caller;  ///< null in a global's initialiser
  };
  std::vector<PidUse> PidUses;
};

} // namespace procshare

#endif
