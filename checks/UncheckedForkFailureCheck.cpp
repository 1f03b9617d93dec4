//===- UncheckedForkFailureCheck.cpp - procshare-unchecked-fork-failure ---===//

#include "checks/UncheckedForkFailureCheck.h"
#include "checks/analysis/AstNames.h"

#include "clang/AST/ParentMap.h"

using namespace clang;

namespace procshare {


void UncheckedForkFailureCheck::onStartOfTranslationUnit() {
  ForkSiteCheck::onStartOfTranslationUnit();
  UsesCollected = false;
  PidUses.clear();
}

std::vector<const CallExpr *>
UncheckedForkFailureCheck::unguardedUsesOf(const ValueDecl *D, ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  if (!UsesCollected) {
    UsesCollected = true;
    for (const auto &[Callee, Sites] : M.index().Calls) {
      if (!Callee)
        continue;
      int Arg = rules().pidUseArg(ProcessModel::ruleName(Callee));
      if (Arg < 0)
        continue;
      for (const ProcessModel::CallSite &Site : Sites)
        if (unsigned(Arg) < Site.Call->getNumArgs())
          if (const ValueDecl *Named = namedDecl(Site.Call->getArg(Arg)))
            PidUses.push_back({Site.Call, Named, Site.Caller});
    }
  }
  std::vector<const CallExpr *> Out;
  for (const PidUse &U : PidUses) {
    if (U.Pid != D)
      continue;
    // Guarded: an if, loop or ?: condition around the call tests the pid.
    bool Guarded = false;
    const ParentMap *PM = U.Caller ? M.parents(U.Caller) : nullptr;
    for (const Stmt *P = PM ? PM->getParent(U.Call) : nullptr; P && !Guarded;
         P = PM->getParent(P)) {
      if (const auto *If = dyn_cast<IfStmt>(P))
        Guarded = mentions(If->getCond(), D);
      else if (const auto *W = dyn_cast<WhileStmt>(P))
        Guarded = mentions(W->getCond(), D);
      else if (const auto *CO = dyn_cast<ConditionalOperator>(P))
        Guarded = mentions(CO->getCond(), D);
      else if (const auto *BO = dyn_cast<BinaryOperator>(P); BO && BO->isLogicalOp())
        Guarded = mentions(BO->getLHS(), D);
    }
    if (!Guarded)
      Out.push_back(U.Call);
  }
  return Out;
}

void UncheckedForkFailureCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  const ParentMap *PM = M.parents(F.Function);
  if (!PM)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  std::string ForkName = calleeName(F.Site.Call);
  auto NoteFork = [&] {
    diag(F.Site.Call->getBeginLoc(),
         "'%0' returns -1 here when it fails, and nothing on the way rules "
         "that out",
         DiagnosticIDs::Note)
        << ForkName;
  };

  // 1. A pid argument that is -1 on the failure path.
  std::vector<std::pair<const CallExpr *, const Expr *>> Uses;
  for (const auto &[Arg, Roles] : F.ForkValueArgs) {
    if (!(Roles & RoleFailure))
      continue;
    const auto *Call = dyn_cast_or_null<CallExpr>(PM->getParent(Arg));
    const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
    if (!Callee)
      continue;
    int Index = rules().pidUseArg(ProcessModel::ruleName(Callee));
    if (Index >= 0 && unsigned(Index) < Call->getNumArgs() && Call->getArg(Index) == Arg)
      Uses.push_back({Call, Arg});
  }
  sortBySource(Uses, SM, [](const auto &P) { return P.first; });
  for (auto [Call, Arg] : Uses) {
    if (!firstReport(Call))
      continue;
    std::string Name = Call->getDirectCallee()->getNameAsString();
    bool Waits = M.rules().isWait(Name);
    diag(Call->getBeginLoc(),
         "'%0' may be given -1 from a failed '%1': %select{it then acts on "
         "every process the user may signal|it then waits for any child "
         "instead}2; check the result of '%1' for -1 before using it")
        << Name << ForkName << Waits << Arg->getSourceRange();
    NoteFork();
  }

  // 2. The fork result stored where other code signals it, in a function
  //    that never tells the failure from the parent.
  if (F.NonLocalPidStores.empty())
    return;
  for (const auto &[S, Roles] : F.Roles) {
    bool P = Roles & RoleParent, Fl = Roles & RoleFailure;
    if (P != Fl)
      return; // somewhere the failure is told apart: checked
  }
  for (const auto &[Store, Roles] : F.NonLocalPidStores) {
    if (!(Roles & RoleFailure) || !firstReport(Store))
      continue;
    const ValueDecl *D = namedDecl(Store->getLHS());
    if (!D)
      continue;
    std::vector<const CallExpr *> Later = unguardedUsesOf(D, Ctx);
    llvm::erase_if(Later, [&](const CallExpr *C) {
      return F.ForkValueArgs.count(C->getArg(rules().pidUseArg(
          ProcessModel::ruleName(C->getDirectCallee()))));
    });
    if (Later.empty())
      continue;
    diag(Store->getOperatorLoc(),
         "%0 keeps the result of '%1' without a check for -1, and it is later "
         "given to '%2'; a failed '%1' leaves -1 there, and %2(-1, ...) acts "
         "on every process the user may signal")
        << D << ForkName << Later.front()->getDirectCallee()->getName();
    diag(Later.front()->getBeginLoc(), "%0 is given to '%1' here", DiagnosticIDs::Note)
        << D << Later.front()->getDirectCallee()->getName();
  }
}

} // namespace procshare
