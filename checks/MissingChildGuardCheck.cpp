//===- MissingChildGuardCheck.cpp - procshare-missing-child-guard ---------===//

#include "checks/MissingChildGuardCheck.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

MissingChildGuardCheck::MissingChildGuardCheck(StringRef Name,
                                               tidy::ClangTidyContext *Context)
    : ProcshareCheck(Name, Context),
      StrictUnknownCalls(Options.get("StrictUnknownCalls", false)) {}

void MissingChildGuardCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  ProcshareCheck::storeOptions(Opts);
  Options.store(Opts, "StrictUnknownCalls", StrictUnknownCalls);
}

void MissingChildGuardCheck::registerMatchers(MatchFinder *Finder) {
  registerFunctionsMatcher(Finder);
}

void MissingChildGuardCheck::check(const MatchFinder::MatchResult &Result) {
  if (!forEachFunction(Result,
                       [&](const FunctionDecl *FD) { checkFunction(FD, *Result.Context); }))
    return;
  for (const VarDecl *VD : model(*Result.Context).index().GlobalInits)
    checkStaticInit(VD, *Result.Context);
}

void MissingChildGuardCheck::checkFunction(const FunctionDecl *FD,
                                           ASTContext &Ctx) {
  if (FD->isDependentContext() || !FD->hasBody())
    return;
  ProcessModel &M = model(Ctx);
  if (!M.mayFork(FD))
    return;
  if (FD->hasAttr<ConstructorAttr>())
    if (const CallExpr *Fork = M.firstForkReachedFrom(FD)) {
      diag(Fork->getBeginLoc(),
           "'%0' runs before main() in every program that links this code, "
           "because %1 is a constructor function; fork from main() or from an "
           "explicit start-up call instead")
          << calleeName(Fork) << FD;
      if (FD->getBody()->getBeginLoc() != Fork->getBeginLoc())
        diag(FD->getLocation(), "%0 is declared as a constructor here",
             DiagnosticIDs::Note)
            << FD;
    }
  for (const ForkRegions &F : M.forks(FD))
    reportSite(F, Ctx);
}

namespace {
/// The first call in an initialiser that forks, directly or through a
/// function or constructor of this translation unit.
class ForkInInit : public RecursiveASTVisitor<ForkInInit> {
public:
  explicit ForkInInit(ProcessModel &M) : M(M) {}
  const CallExpr *Found = nullptr;
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      if (M.rules().fork(ProcessModel::ruleName(Callee)))
        Found = CE;
      else if (Callee->hasBody())
        Found = M.firstForkReachedFrom(Callee);
    }
    return !Found;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (const CXXConstructorDecl *Ctor = CE->getConstructor())
      if (Ctor->hasBody())
        Found = M.firstForkReachedFrom(Ctor);
    return !Found;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

private:
  ProcessModel &M;
};
} // namespace

void MissingChildGuardCheck::checkStaticInit(const VarDecl *VD, ASTContext &Ctx) {
  if (VD->getDeclContext()->isDependentContext() || !VD->getInit() ||
      isa<ParmVarDecl>(VD))
    return;
  ProcessModel &M = model(Ctx);
  ForkInInit Finder(M);
  Finder.TraverseStmt(const_cast<Expr *>(VD->getInit()));
  if (!Finder.Found)
    return;
  diag(Finder.Found->getBeginLoc(),
       "'%0' runs before main() in every program that links this code, "
       "because it is reached from the initialiser of %1; fork from main() or "
       "from an explicit start-up call instead")
      << calleeName(Finder.Found) << VD;
  diag(VD->getLocation(), "%0 is initialised here, during static initialisation",
       DiagnosticIDs::Note)
      << VD;
}

void MissingChildGuardCheck::reportSite(const ForkRegions &F, ASTContext &Ctx) {
  const CallExpr *Call = F.Site.Call;
  std::string Name = calleeName(Call);
  const FunctionDecl *FD = F.Function;
  auto NoteFork = [&] {
    diag(Call->getBeginLoc(), "'%0' creates the child here", DiagnosticIDs::Note)
        << Name;
  };

  // (A spawn helper comes back only in the parent: its result is only the
  // parent's to keep.)
  if (F.Site.ResultDiscarded && !F.Site.ChildElsewhere) {
    diag(Call->getBeginLoc(),
         "result of '%0' is discarded, so parent and child both run the code "
         "that follows%select{|, and in this loop every child forks again}1; "
         "branch on the returned pid and end the child with _exit() or exec*()")
        << Name << F.Reforks;
    return;
  }
  const std::optional<ChildEscape> &Escape =
      F.Escape || !StrictUnknownCalls ? F.Escape : F.EscapeAfterUnknownCall;
  if (!Escape)
    return;
  const ChildEscape &E = *Escape;
  SourceLocation ChildLoc =
      E.ChildStmt ? E.ChildStmt->getBeginLoc() : Call->getBeginLoc();

  switch (E.K) {
  case ChildEscape::LoopsToFork:
    diag(Call->getBeginLoc(),
         "the child created by '%0' stays in the loop and forks again (up to "
         "2^N processes); end the child with _exit() or exec*()")
        << Name;
    if (E.ChildStmt)
      diag(ChildLoc, "the child continues the loop from here", DiagnosticIDs::Note);
    return;

  case ChildEscape::FallsIntoParent: {
    if (E.OnlyIfExecFails && E.Exec) {
      auto D = diag(E.Exec->getBeginLoc(),
                    "if '%0' fails, the child created by '%1' continues into "
                    "code the parent runs; call _exit(127) after the exec")
               << calleeName(E.Exec) << Name;
      // Fix-it: `_exit(127);` after an exec that is a statement of its own.
      const ParentMap *PM = model(Ctx).parents(FD);
      const SourceManager &SM = Ctx.getSourceManager();
      if (PM && isa_and_nonnull<CompoundStmt>(PM->getParent(E.Exec)) &&
          !E.Exec->getBeginLoc().isMacroID() && !E.Exec->getEndLoc().isMacroID()) {
        SourceLocation AfterSemi = Lexer::findLocationAfterToken(
            E.Exec->getEndLoc(), tok::semi, SM, Ctx.getLangOpts(),
            /*SkipTrailingWhitespaceAndNewLine=*/false);
        if (AfterSemi.isValid())
          D << FixItHint::CreateInsertion(AfterSemi, " _exit(127);");
      }
    } else {
      diag(ChildLoc,
           "the child created by '%0' leaves its branch here and runs code the "
           "parent runs; end the child with _exit() or exec*()")
          << Name;
    }
    NoteFork();
    if (E.ParentStmt)
      diag(E.ParentStmt->getBeginLoc(), "the child reaches this parent code",
           DiagnosticIDs::Note);
    return;
  }

  case ChildEscape::ReturnsToCaller: {
    // Children may return from main: that is the planned exit-in-child's
    // business. A function that hands the pid to its caller is a fork
    // wrapper: the caller branches on it.
    if (FD->isMain() || F.ReturnsPidToCaller || F.StoresPidForCaller)
      return;
    SourceLocation Loc = E.ParentStmt ? E.ParentStmt->getBeginLoc()
                                      : FD->getBody()->getEndLoc();
    if (E.OnlyIfExecFails && E.Exec)
      diag(E.Exec->getBeginLoc(),
           "if '%0' fails, the child created by '%1' returns from %2 and runs "
           "its caller's code; call _exit(127) after the exec")
          << calleeName(E.Exec) << Name << FD;
    else
      diag(Loc,
           "the child created by '%0' returns from %1 and runs its caller's "
           "code; end the child with _exit() or exec*(), or return the pid so "
           "the caller can branch on it")
          << Name << FD;
    NoteFork();
    return;
  }
  }
}

} // namespace procshare
