//===- ExitInChildCheck.h - procshare-exit-in-child -----------------------===//
//
// exit(), std::exit and quick_exit, or returning from main, in a forked child
// that has not exec'd: the parent's atexit handlers and static destructors
// run in the child and the stdio buffers copied from the parent are flushed
// again. docs/checks/exit-in-child.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_EXITINCHILDCHECK_H
#define PROCSHARE_CHECKS_EXITINCHILDCHECK_H

#include "checks/ForkSiteCheck.h"

namespace procshare {

class ExitInChildCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
};

} // namespace procshare

#endif
