//===- VforkMisuseCheck.cpp - procshare-vfork-misuse ----------------------===//

#include "checks/VforkMisuseCheck.h"

#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace procshare {

void VforkMisuseCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  if (!F.Site.Rule.Vfork)
    return; // a fork() child has memory of its own
  ProcessModel &M = model(Ctx);
  const Rules &R = rules();
  const Expr *Site = F.Site.Call;
  auto IsSite = [&](const Expr *E) { return E && E->IgnoreParenCasts() == Site; };
  enum What { Call, Store, Return, Alloc };
  std::vector<std::pair<const Stmt *, What>> Found;
  walkChild(M, F, [&](const Stmt *S) {
    std::optional<What> Bad;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      std::string Name = Callee ? ProcessModel::ruleName(Callee) : "";
      if (CE != Site && !R.isExec(Name) && !R.isTerminate(Name))
        Bad = Call;
    } else if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if ((BO->getOpcode() == BO_Assign && !IsSite(BO->getRHS())) ||
          BO->isCompoundAssignmentOp())
        Bad = Store;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      if (UO->isIncrementDecrementOp())
        Bad = Store;
    } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (VD->getInit() && !IsSite(VD->getInit()))
            Bad = Store;
    } else if (isa<ReturnStmt>(S)) {
      Bad = Return;
    } else if (isa<CXXNewExpr>(S) || isa<CXXDeleteExpr>(S) || isa<CXXThrowExpr>(S) ||
               (isa<CXXConstructExpr>(S) &&
                !cast<CXXConstructExpr>(S)->getConstructor()->isTrivial())) {
      Bad = Alloc;
    }
    if (!Bad)
      return true;
    Found.push_back({S, *Bad});
    return false; // the first misuse on a path
  }, /*PastExec=*/true); // after a failed exec only _exit() is safe
  if (F.ChildFallsOffEnd)
    Found.push_back({F.Function->getBody(), Return});
  const SourceManager &SM = Ctx.getSourceManager();
  sortBySource(Found, SM, [](const auto &P) { return P.first; });
  std::string Name = calleeName(F.Site.Call);
  for (auto [S, W] : Found) {
    if (!firstReport(S))
      continue;
    SourceLocation Loc = S->getBeginLoc();
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      Loc = CS->getRBracLoc();
    else if (const auto *BO = dyn_cast<BinaryOperator>(S))
      Loc = BO->getOperatorLoc();
    switch (W) {
    case Call:
      diag(Loc, "call to '%0' in the child of '%1', which borrows the parent's "
                "memory and stack until it execs or exits; call only exec*() and "
                "_exit() there, or use posix_spawn()")
          << (cast<CallExpr>(S)->getDirectCallee()
                  ? cast<CallExpr>(S)->getDirectCallee()->getNameAsString()
                  : std::string("a function pointer"))
          << Name;
      break;
    case Store:
      diag(Loc, "the child of '%0' writes to memory it borrows from the parent; "
                "only the pid may be stored before exec*() or _exit(), or use "
                "posix_spawn()")
          << Name;
      break;
    case Return:
      diag(Loc, "%select{returning from|reaching the end of}0 %1 in the child of "
                "'%2' pops the stack frame the parent still needs; end the child "
                "with _exit()")
          << isa<CompoundStmt>(S) << F.Function << Name;
      break;
    case Alloc:
      diag(Loc, "the child of '%0' allocates, constructs or throws in memory it "
                "borrows from the parent; call only exec*() and _exit() there, or "
                "use posix_spawn()")
          << Name;
      break;
    }
    noteFork(F);
  }
}

} // namespace procshare
