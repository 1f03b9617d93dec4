//===- MissingChildGuardCheck.h - procshare-missing-child-guard -----------===//
//
// The C/C++ counterpart of Python's `if __name__ == "__main__":` guard: a
// child must be fenced off from the parent's code. Finds fork results that
// are discarded, child paths that fall into parent code, return to a caller
// that cannot tell them apart, or loop back to the fork, and forks that run
// during static initialisation. docs/checks/missing-child-guard.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_MISSINGCHILDGUARDCHECK_H
#define PROCSHARE_CHECKS_MISSINGCHILDGUARDCHECK_H

#include "checks/ProcshareCheck.h"

namespace procshare {

class MissingChildGuardCheck : public ProcshareCheck {
public:
  MissingChildGuardCheck(llvm::StringRef Name,
                         clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void checkFunction(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkStaticInit(const clang::VarDecl *VD, clang::ASTContext &Ctx);
  void reportSite(const ForkRegions &F, clang::ASTContext &Ctx);
  /// Report child paths whose last call goes to a function defined in
  /// another file, which may never return.
  const bool StrictUnknownCalls;
};

} // namespace procshare

#endif
