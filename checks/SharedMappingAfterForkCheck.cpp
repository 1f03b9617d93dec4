//===- SharedMappingAfterForkCheck.cpp - procshare-shared-mapping-after-fork -===//

#include "checks/SharedMappingAfterForkCheck.h"
#include "checks/analysis/AstNames.h"

#include "clang/AST/ParentMap.h"

using namespace clang;

namespace procshare {

namespace {
/// The place a call's result is kept in (`p = mmap(...)`, `int *p = mmap(...)`).
const ValueDecl *resultHolder(const CallExpr *CE, const ParentMap &PM) {
  const Stmt *S = CE;
  const Stmt *P = PM.getParent(S);
  while (P && (isa<CastExpr>(P) || isa<ParenExpr>(P))) {
    S = P;
    P = PM.getParent(P);
  }
  if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P);
      BO && BO->getOpcode() == BO_Assign && BO->getRHS() == S)
    return namedDecl(BO->getLHS());
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(P))
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit() &&
                                                 VD->getInit()->IgnoreParenCasts() == CE)
        return VD;
  return nullptr;
}

} // namespace

const InheritedIpcRule *
SharedMappingAfterForkCheck::makesInheritedIpc(const CallExpr *CE, ASTContext &Ctx) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  const InheritedIpcRule *R =
      Callee ? rules().inheritedIpc(ProcessModel::ruleName(Callee)) : nullptr;
  if (!R)
    return nullptr;
  ProcessModel &M = model(Ctx);
  auto ArgValue = [&](int Index) -> std::optional<int64_t> {
    Expr::EvalResult Res;
    if (Index < 0 || unsigned(Index) >= CE->getNumArgs())
      return std::nullopt;
    const Expr *A = CE->getArg(Index);
    if (A->isValueDependent() || !A->EvaluateAsInt(Res, Ctx))
      return std::nullopt;
    return Res.Val.getInt().getExtValue();
  };
  if (R->FlagsArg >= 0) {
    std::optional<int64_t> Flags = ArgValue(R->FlagsArg);
    if (!Flags)
      return nullptr;
    for (const std::string &Name : R->Flags) {
      std::optional<int64_t> V = M.macroValue(Name);
      if (!V || (*Flags & *V) != *V)
        return nullptr;
    }
  }
  if (R->KeyArg >= 0) {
    std::optional<int64_t> Key = ArgValue(R->KeyArg), Want = M.macroValue(R->Key);
    if (!Key || !Want || *Key != *Want)
      return nullptr;
  }
  return R;
}

void SharedMappingAfterForkCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  if (F.Site.Rule.Vfork || !F.ChildIsolated)
    return;
  ProcessModel &M = model(Ctx);
  const ParentMap *PM = M.parents(F.Function);
  if (!PM)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  // Objects made by one process alone after the fork.
  struct Made {
    const CallExpr *Call;
    const InheritedIpcRule *Rule;
    const ValueDecl *Holder;
    bool InChild;
  };
  std::vector<Made> Objects;
  for (const auto &[S, Roles] : F.Roles) {
    bool Child = Roles == RoleChild, Parent = Roles == RoleParent;
    const auto *CE = dyn_cast<CallExpr>(S);
    if (!CE || (!Child && !Parent))
      continue;
    const InheritedIpcRule *R = makesInheritedIpc(CE, Ctx);
    if (!R)
      continue;
    const ValueDecl *Holder =
        R->ObjectArg < 0 ? resultHolder(CE, *PM)
        : unsigned(R->ObjectArg) < CE->getNumArgs() ? namedDecl(CE->getArg(R->ObjectArg))
                                                    : nullptr;
    if (Holder)
      Objects.push_back({CE, R, Holder, Child});
  }
  sortBySource(Objects, SM, [](const Made &O) { return O.Call; });

  for (const Made &O : Objects) {
    // Where the other process uses what it holds under that name: in its
    // own code after the fork, or in a function of this file it calls there.
    RoleSet Other = O.InChild ? RoleParent : RoleChild;
    const Stmt *Use = nullptr;
    for (const auto &[S, Roles] : F.Roles) {
      if (Roles != Other)
        continue;
      bool Uses = false;
      if (const auto *E = dyn_cast<Expr>(S); E && (isa<DeclRefExpr>(E) || isa<MemberExpr>(E)))
        Uses = namedDecl(E) == O.Holder;
      else if (const auto *CE = dyn_cast<CallExpr>(S))
        if (const FunctionDecl *Callee = CE->getDirectCallee()) {
          const FunctionDecl *Def = nullptr;
          Uses = Callee->hasBody(Def) && Def && !SM.isInSystemHeader(Def->getLocation()) &&
                 mentions(Def->getBody(), O.Holder);
        }
      if (Uses && (!Use || SM.isBeforeInTranslationUnit(S->getBeginLoc(), Use->getBeginLoc())))
        Use = S;
    }
    if (!Use || !firstReport(O.Call))
      continue;
    std::string Fork = calleeName(F.Site.Call);
    diag(O.Call->getBeginLoc(),
         "'%0' makes %1 in the %select{parent|child}2 after '%3', so the "
         "%select{child|parent}2 does not have it: each process gets its own; "
         "make it before '%3' and let the child inherit it")
        << O.Call->getDirectCallee()->getName() << O.Rule->What << O.InChild << Fork;
    diag(Use->getBeginLoc(), "the %select{child|parent}0 uses %1 here",
         DiagnosticIDs::Note)
        << O.InChild << O.Holder;
    noteFork(F);
  }
}

} // namespace procshare
