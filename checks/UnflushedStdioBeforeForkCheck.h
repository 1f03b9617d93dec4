//===- UnflushedStdioBeforeForkCheck.h - procshare-unflushed-stdio-before-fork -===//
//
// Output written to a buffered stream (printf, fprintf to a FILE*, std::cout)
// and not flushed when fork() copies the buffer into the child: when the
// child flushes its copy (exit, returning from main, fflush) the output is
// written twice if the stream is a pipe or a file.
// docs/checks/unflushed-stdio-before-fork.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_UNFLUSHEDSTDIOBEFOREFORKCHECK_H
#define PROCSHARE_CHECKS_UNFLUSHEDSTDIOBEFOREFORKCHECK_H

#include "checks/ForkSiteCheck.h"

namespace procshare {

class UnflushedStdioBeforeForkCheck : public ForkSiteCheck {
public:
  using ForkSiteCheck::ForkSiteCheck;

private:
  void checkForkSite(const ForkRegions &F, clang::ASTContext &Ctx) override;
  /// Where the child may flush its copy of \p Stream; null if nowhere.
  const clang::Stmt *childFlush(const ForkRegions &F, StreamKey Stream,
                                clang::ASTContext &Ctx);
};

} // namespace procshare

#endif
