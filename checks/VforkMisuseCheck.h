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

#include "checks/ProcshareCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace procshare {

class VforkMisuseCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  void reportSite(const ForkRegions &F, clang::ASTContext &Ctx);
  llvm::DenseSet<const clang::Stmt *> Reported;
};

} // namespace procshare

#endif
