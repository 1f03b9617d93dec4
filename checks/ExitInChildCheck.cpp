//===- ExitInChildCheck.cpp - procshare-exit-in-child ---------------------===//

#include "checks/ExitInChildCheck.h"


using namespace clang;

namespace procshare {

void ExitInChildCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  // A vfork child is vfork-misuse's business. When every parent path ends
  // the process (daemonization), the child is the program from then on.
  if (F.Site.Rule.Vfork || !F.ParentSurvives)
    return;
  ProcessModel &M = model(Ctx);
  const FunctionDecl *FD = F.Function;
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<const Stmt *> Found;
  for (const auto &[S, Roles] : F.Roles) {
    // Only code the child alone runs: shared code is missing-child-guard's.
    if (!(Roles & RoleChild) || (Roles & (RolePre | RoleParent | RoleFailure)))
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (Callee && M.rules().isExit(ProcessModel::ruleName(Callee)))
        Found.push_back(S);
    } else if (isa<ReturnStmt>(S) && FD->isMain() && !F.Site.ChildElsewhere) {
      // (A spawn helper's child runs another function: its returns end
      // that function, not main.)
      Found.push_back(S);
    }
  }
  if (F.ChildFallsOffEnd && FD->isMain())
    Found.push_back(FD->getBody()); // reported at the closing brace
  sortBySource(Found, SM, [](const Stmt *S) { return S; });

  bool Cxx = Ctx.getLangOpts().CPlusPlus;
  // `_exit` is declared when <unistd.h> is included.
  bool HaveUnderscoreExit =
      !Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("_exit")).empty();
  std::string ForkName = calleeName(F.Site.Call);
  for (const Stmt *S : Found) {
    if (!firstReport(S))
      continue;
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      std::string Name = ProcessModel::ruleName(CE->getDirectCallee());
      bool Quick = StringRef(Name).ends_with("quick_exit");
      auto D = diag(CE->getBeginLoc(),
                    "'%0' in the child created by '%1' runs the %select{atexit "
                    "handlers%select{| and static destructors}3|at_quick_exit "
                    "handlers}2 inherited from the parent%select{ and flushes "
                    "the stdio buffers copied from it|}2; end the child with "
                    "_exit()")
               << Name << ForkName << Quick << Cxx;
      const Expr *Callee = CE->getCallee()->IgnoreImpCasts();
      if (!Quick && HaveUnderscoreExit && !Callee->getBeginLoc().isMacroID() &&
          !Callee->getEndLoc().isMacroID() && !CE->getBeginLoc().isMacroID())
        D << FixItHint::CreateReplacement(Callee->getSourceRange(), "_exit");
    } else {
      SourceLocation Loc = isa<ReturnStmt>(S) ? S->getBeginLoc()
                                              : cast<CompoundStmt>(S)->getRBracLoc();
      diag(Loc,
           "%select{returning from|reaching the end of}0 main in the child "
           "created by '%1' runs the atexit handlers%select{| and static "
           "destructors}2 inherited from the parent and flushes the stdio "
           "buffers copied from it; end the child with _exit()")
          << !isa<ReturnStmt>(S) << ForkName << Cxx;
    }
    noteFork(F);
  }
}

} // namespace procshare
