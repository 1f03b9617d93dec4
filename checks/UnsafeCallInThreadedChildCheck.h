//===- UnsafeCallInThreadedChildCheck.h - procshare-unsafe-call-in-threaded-child -===//
//
// After fork() in a process that has started threads, the child has one
// thread, and the locks the others held (malloc's, stdio's, the locale's)
// stay locked forever: until exec or _exit it may call only
// async-signal-safe functions (POSIX). Reports the first unsafe call on each
// child path. docs/checks/unsafe-call-in-threaded-child.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_UNSAFECALLINTHREADEDCHILDCHECK_H
#define PROCSHARE_CHECKS_UNSAFECALLINTHREADEDCHILDCHECK_H

#include "checks/ForkSiteCheck.h"
#include "llvm/ADT/DenseMap.h"

namespace procshare {

class UnsafeCallInThreadedChildCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;
  void onStartOfTranslationUnit() override;

private:
  /// Why \p S may not run in the child: the unsafe call (itself, or the
  /// first one inside a function of this file it calls); null when safe or
  /// unknown.
  struct Unsafe {
    const clang::Stmt *Inner = nullptr; ///< the unsafe call inside a callee
    std::string What;                   ///< "malloc", "std::string"...
  };
  std::optional<Unsafe> unsafe(const clang::Stmt *S, clang::ASTContext &Ctx,
                               unsigned Depth = 0);
  /// The first unsafe statement \p FD runs before it execs or ends.
  std::optional<Unsafe> firstUnsafeIn(const clang::FunctionDecl *FD,
                                      clang::ASTContext &Ctx, unsigned Depth);
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;

  llvm::DenseMap<const clang::FunctionDecl *, std::optional<Unsafe>> Summaries;
};

} // namespace procshare

#endif
