//===- UnsafeCallInThreadedChildCheck.cpp - procshare-unsafe-call-in-threaded-child -===//

#include "checks/UnsafeCallInThreadedChildCheck.h"

#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace procshare {

void UnsafeCallInThreadedChildCheck::onStartOfTranslationUnit() {
  ForkSiteCheck::onStartOfTranslationUnit();
  Summaries.clear();
}

namespace {
/// The rules name of \p D's class or of \p D, whichever the unsafe list has.
bool listedUnsafe(const Rules &R, const NamedDecl *D) {
  if (!D)
    return false;
  if (R.isAsyncSignalUnsafe(ProcessModel::ruleName(D)))
    return true;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(D))
    return R.isAsyncSignalUnsafe(ProcessModel::ruleName(MD->getParent()));
  return false;
}
} // namespace

std::optional<UnsafeCallInThreadedChildCheck::Unsafe>
UnsafeCallInThreadedChildCheck::unsafe(const Stmt *S, ASTContext &Ctx, unsigned Depth) {
  const Rules &R = rules();
  const SourceManager &SM = Ctx.getSourceManager();
  if (const auto *New = dyn_cast<CXXNewExpr>(S)) {
    if (New->getNumPlacementArgs() == 0)
      return Unsafe{nullptr, "operator new"};
    return std::nullopt;
  }
  if (isa<CXXDeleteExpr>(S))
    return Unsafe{nullptr, "operator delete"};
  if (const auto *CCE = dyn_cast<CXXConstructExpr>(S)) {
    const CXXConstructorDecl *Ctor = CCE->getConstructor();
    if (Ctor && CCE->getNumArgs() > 0 && listedUnsafe(R, Ctor))
      return Unsafe{nullptr, ProcessModel::ruleName(Ctor->getParent())};
    return std::nullopt;
  }
  const auto *CE = dyn_cast<CallExpr>(S);
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  if (!Callee)
    return std::nullopt;
  std::string Name = ProcessModel::ruleName(Callee);
  // exec* and _exit end the child's duty; exit is exit-in-child's.
  if (R.isExec(Name) || R.isTerminate(Name) || R.isExit(Name) || R.fork(Name) ||
      R.isAsyncSignalSafe(Name))
    return std::nullopt;
  if (listedUnsafe(R, Callee))
    return Unsafe{nullptr, Name};
  const FunctionDecl *Def = nullptr;
  bool System = SM.isInSystemHeader(Callee->getCanonicalDecl()->getLocation());
  if (!System && Callee->hasBody(Def) && Def) {
    if (Depth < 4)
      if (auto U = firstUnsafeIn(Def, Ctx, Depth + 1))
        return Unsafe{U->Inner, U->What};
    return std::nullopt;
  }
  // A C library function (global namespace, from a system header) not on the
  // async-signal-safe list. Functions of other files of the program, and
  // the C++ library beyond the unsafe list, are not judged.
  if (System && Callee->getDeclContext()->getRedeclContext()->isTranslationUnit() &&
      !isa<CXXMethodDecl>(Callee) && !StringRef(Name).starts_with("__builtin") &&
      !Callee->isInlined())
    return Unsafe{nullptr, Name};
  return std::nullopt;
}

std::optional<UnsafeCallInThreadedChildCheck::Unsafe>
UnsafeCallInThreadedChildCheck::firstUnsafeIn(const FunctionDecl *FD, ASTContext &Ctx,
                                              unsigned Depth) {
  auto [It, New] = Summaries.try_emplace(FD, std::nullopt);
  if (!New)
    return It->second; // known, or being computed (recursion)
  std::optional<Unsafe> Found;
  walkPaths(model(Ctx), FD, nullptr, [&](const Stmt *S) {
    if (Found)
      return false;
    if (auto U = unsafe(S, Ctx, Depth))
      Found = Unsafe{U->Inner ? U->Inner : S, U->What};
    return !Found;
  });
  Summaries[FD] = Found;
  return Found;
}

void UnsafeCallInThreadedChildCheck::checkForkSite(const ForkRegions &F,
                                                   ASTContext &Ctx) {
  if (F.Site.Rule.Vfork)
    return; // a vfork child is vfork-misuse's business
  ProcessModel &M = model(Ctx);
  ThreadStart Thread = M.threadStarts().startedBefore(F.Function, F.Site.Call);
  if (!Thread)
    return;
  std::vector<std::pair<const Stmt *, Unsafe>> Found;
  walkChild(M, F, [&](const Stmt *S) {
    auto U = unsafe(S, Ctx);
    if (!U)
      return true;
    Found.push_back({S, *U});
    return false; // the first unsafe call on each path
  });
  const SourceManager &SM = Ctx.getSourceManager();
  sortBySource(Found, SM, [](const auto &P) { return P.first; });
  std::string ForkName = calleeName(F.Site.Call);
  for (const auto &[S, U] : Found) {
    if (!firstReport(S))
      continue;
    std::string Called;
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && CE->getDirectCallee())
      Called = CE->getDirectCallee()->getNameAsString();
    bool Through = U.Inner && !Called.empty();
    diag(S->getBeginLoc(),
         "%select{'%1'|'%0' calls '%1', which}2 is not async-signal-safe, but the "
         "child of a process with threads may call only async-signal-safe "
         "functions until exec*() or _exit(): a lock another thread held at "
         "'%3' stays locked in the child; prepare what the child needs before "
         "'%3', or use posix_spawn()")
        << Called << U.What << Through << ForkName;
    if (Through)
      diag(U.Inner->getBeginLoc(), "'%0' is called here", DiagnosticIDs::Note) << U.What;
    SourceLocation ThreadLoc =
        Thread.At ? Thread.At->getBeginLoc() : M.location(Thread.Elsewhere);
    if (ThreadLoc.isValid())
      diag(ThreadLoc, "a thread may have been started here before the fork",
           DiagnosticIDs::Note);
    noteFork(F);
  }
}

} // namespace procshare
