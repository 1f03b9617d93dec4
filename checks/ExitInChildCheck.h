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

#include "checks/ProcshareCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace procshare {

class ExitInChildCheck : public ProcshareCheck {
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
