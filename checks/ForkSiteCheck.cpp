//===- ForkSiteCheck.cpp - Base of the checks that judge one fork at a time -===//

#include "checks/ForkSiteCheck.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

void ForkSiteCheck::registerMatchers(MatchFinder *Finder) {
  registerFunctionsMatcher(Finder);
}

void ForkSiteCheck::check(const MatchFinder::MatchResult &Result) {
  ProcessModel &M = model(*Result.Context);
  forEachFunction(Result, [&](const FunctionDecl *FD) {
    if (M.mayFork(FD))
      for (const ForkRegions &F : M.forks(FD))
        checkForkSite(F, *Result.Context);
  });
}

void ForkSiteCheck::onStartOfTranslationUnit() {
  ProcshareCheck::onStartOfTranslationUnit();
  Reported.clear();
}

void ForkSiteCheck::noteFork(const ForkRegions &F) {
  diag(F.Site.Call->getBeginLoc(), "'%0' creates the child here", DiagnosticIDs::Note)
      << calleeName(F.Site.Call);
}

} // namespace procshare
