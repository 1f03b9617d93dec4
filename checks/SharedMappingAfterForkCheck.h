//===- SharedMappingAfterForkCheck.h - procshare-shared-mapping-after-fork -===//
//
// Python's "create the shared object in the parent, before starting the
// process": an anonymous shared mapping, a private System V segment, a pipe
// or a socket pair made after fork() connects only the processes forked
// after it. Made in the child (or in the parent once the child exists) and
// used by the other process, it is two unrelated objects.
// docs/checks/shared-mapping-after-fork.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_SHAREDMAPPINGAFTERFORKCHECK_H
#define PROCSHARE_CHECKS_SHAREDMAPPINGAFTERFORKCHECK_H

#include "checks/ForkSiteCheck.h"

namespace procshare {

class SharedMappingAfterForkCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
  /// The rule when \p CE makes an IPC object only later children inherit.
  const InheritedIpcRule *makesInheritedIpc(const clang::CallExpr *CE,
                                            clang::ASTContext &Ctx);
};

} // namespace procshare

#endif
