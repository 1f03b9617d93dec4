//===- ChildWriteNotPropagatedCheck.h - procshare-child-write-not-propagated ===//
//
// Python's most taught multiprocessing pitfall: a child changes a global and
// the parent never sees it. Finds writes made in a forked child to memory the
// parent reads after waiting for it. docs/checks/child-write-not-propagated.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_CHILDWRITENOTPROPAGATEDCHECK_H
#define PROCSHARE_CHECKS_CHILDWRITENOTPROPAGATEDCHECK_H

#include "checks/ForkSiteCheck.h"

namespace procshare {

class ChildWriteNotPropagatedCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
};

} // namespace procshare

#endif
