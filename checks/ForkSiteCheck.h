//===- ForkSiteCheck.h - Base of the checks that judge one fork at a time -===//
//
// The fork-hygiene checks look at each fork site of each function that may
// fork, on its process regions. This base registers the matcher, walks the
// sites, remembers what was reported in the translation unit (a statement
// can be in the regions of several forks), and writes the note at the fork.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_FORKSITECHECK_H
#define PROCSHARE_CHECKS_FORKSITECHECK_H

#include "checks/ProcshareCheck.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"

namespace procshare {

class ForkSiteCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

protected:
  /// Judges one fork site.
  virtual void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) = 0;

  /// True the first time \p S is reported in this translation unit.
  bool firstReport(const clang::Stmt *S) { return Reported.insert(S).second; }

  /// The note "'fork' creates the child here".
  void noteFork(const ForkRegions &F);

  /// Sorts \p V in source order of Key(element), a statement.
  template <typename T, typename KeyFn>
  static void sortBySource(std::vector<T> &V, const clang::SourceManager &SM, KeyFn Key) {
    llvm::sort(V, [&](const T &A, const T &B) {
      return SM.isBeforeInTranslationUnit(Key(A)->getBeginLoc(), Key(B)->getBeginLoc());
    });
  }

private:
  llvm::DenseSet<const clang::Stmt *> Reported;
};

} // namespace procshare

#endif
