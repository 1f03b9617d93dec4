//===- ChildWriteNotPropagatedCheck.h - procshare-child-write-not-propagated ===//
//
// Python's most taught multiprocessing pitfall: a child changes a global and
// the parent never sees it. Finds writes made in a forked child to memory the
// parent reads after waiting for it. docs/checks/child-write-not-propagated.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_CHILDWRITENOTPROPAGATEDCHECK_H
#define PROCSHARE_CHECKS_CHILDWRITENOTPROPAGATEDCHECK_H

#include "checks/ProcshareCheck.h"

namespace procshare {

class ChildWriteNotPropagatedCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void checkSite(const ForkRegions &F, ProcessModel &M);
};

} // namespace procshare

#endif
