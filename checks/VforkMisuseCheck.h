//===- VforkMisuseCheck.h - procshare-vfork-misuse ------------------------===//
//
// In the child of vfork(), which borrows the parent's memory and stack until
// it execs or exits, anything but keeping the pid, exec*() and _exit():
// the same rule as Clang's unix.Vfork, on the process regions instead of the
// path-sensitive analyzer. docs/checks/vfork-misuse.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_VFORKMISUSECHECK_H
#define PROCSHARE_CHECKS_VFORKMISUSECHECK_H

#include "checks/ForkSiteCheck.h"

namespace procshare {

class VforkMisuseCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
};

} // namespace procshare

#endif
