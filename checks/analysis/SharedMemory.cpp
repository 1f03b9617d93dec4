//===- SharedMemory.cpp - Where memory comes from -------------------------===//

#include "checks/analysis/SharedMemory.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace procshare {
namespace {

Provenance combine(std::optional<Provenance> A, Provenance B) {
  if (!A)
    return B;
  if (*A == Provenance::Shared || B == Provenance::Shared)
    return Provenance::Shared; // shared anywhere: a shared pointer
  if (*A == Provenance::Private && B == Provenance::Private)
    return Provenance::Private;
  return Provenance::Unknown;
}

bool isNull(const Expr *E, ASTContext &Ctx) {
  return E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) !=
         Expr::NPCK_NotNull;
}

class ReturnCollector : public RecursiveASTVisitor<ReturnCollector> {
public:
  std::vector<const Expr *> Values;
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const Expr *V = RS->getRetValue())
      Values.push_back(V);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};

} // namespace

SharedMemory::SharedMemory(ProcessModel &M, const Preprocessor *PP)
    : M(M), PP(PP) {}

std::optional<int64_t> SharedMemory::constantValue(const Expr *E) {
  if (E->isValueDependent())
    return std::nullopt;
  Expr::EvalResult Res;
  if (E->EvaluateAsInt(Res, M.context()))
    return Res.Val.getInt().getExtValue();
  // A variable whose only value is its initialiser.
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      const ValueDecl *D = VD->getCanonicalDecl();
      const ProcessModel::TUIndex &I = M.index();
      auto It = I.Assigned.find(D);
      if (It != I.Assigned.end() && It->second.size() == 1 && VD->getInit() &&
          !I.AddressTaken.lookup(D) && !isa<ParmVarDecl>(VD))
        if (VD->getInit() != E)
          return constantValue(VD->getInit());
    }
  return std::nullopt;
}

/// The value of a flag macro such as MAP_SHARED: from the preprocessor when
/// it is defined as a number, else the Linux value for the flags procshare
/// knows.
static std::optional<int64_t> macroValue(const Preprocessor *PP, StringRef Name) {
  if (PP) {
    const IdentifierTable &Table = PP->getIdentifierTable();
    auto It = Table.find(Name);
    if (It != Table.end() && It->second)
      if (const MacroInfo *MI = PP->getMacroInfo(It->second))
        if (MI->getNumTokens() == 1 && MI->tokens().front().is(tok::numeric_constant)) {
          // getSpelling, not the token's literal data: tokens of a
          // precompiled preamble (clangd) carry none.
          bool Invalid = false;
          std::string Spelling = PP->getSpelling(MI->tokens().front(), &Invalid);
          uint64_t V;
          if (!Invalid && !StringRef(Spelling).getAsInteger(0, V))
            return int64_t(V);
        }
  }
  if (Name == "MAP_SHARED")
    return 0x01;
  if (Name == "MAP_SHARED_VALIDATE")
    return 0x03;
  return std::nullopt;
}

Provenance SharedMemory::ofCall(const CallExpr *CE, const CallExpr **Source) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return Provenance::Unknown;
  std::string Name = ProcessModel::ruleName(Callee);
  if (const SharedAllocRule *Rule = M.rules().sharedAlloc(Name)) {
    if (Rule->FlagsArg < 0) {
      if (Source)
        *Source = CE;
      return Provenance::Shared;
    }
    if (unsigned(Rule->FlagsArg) >= CE->getNumArgs())
      return Provenance::Unknown;
    std::optional<int64_t> Flags = constantValue(CE->getArg(Rule->FlagsArg));
    if (!Flags)
      return Provenance::Unknown;
    for (const std::string &F : Rule->SharedFlags)
      if (std::optional<int64_t> V = macroValue(PP, F); V && *V && (*Flags & *V) == *V) {
        if (Source)
          *Source = CE;
        return Provenance::Shared;
      }
    return Provenance::Private; // MAP_PRIVATE
  }
  if (M.rules().isPrivateAlloc(Name))
    return Provenance::Private;
  // A function of this translation unit: what it returns.
  const FunctionDecl *Def = nullptr;
  if (!Callee->hasBody(Def) || !Def)
    return Provenance::Unknown;
  auto [It, Inserted] = ReturnMemo.try_emplace(Def, Visit::InProgress, Provenance::Unknown);
  if (!Inserted)
    return It->second.second;
  ReturnCollector C;
  C.TraverseStmt(Def->getBody());
  std::optional<Provenance> P;
  for (const Expr *V : C.Values)
    if (!isNull(V, M.context()))
      P = combine(P, of(V, 0, Source));
  Provenance Result = P.value_or(Provenance::Unknown);
  ReturnMemo[Def] = {Visit::Done, Result};
  return Result;
}

Provenance SharedMemory::ofDecl(const ValueDecl *D) {
  D = cast<ValueDecl>(D->getCanonicalDecl());
  auto [It, Inserted] = DeclMemo.try_emplace(D, Visit::InProgress, Provenance::Unknown);
  if (!Inserted)
    return It->second.second;
  Provenance Result = Provenance::Unknown;
  if (const auto *PVD = dyn_cast<ParmVarDecl>(D)) {
    // Through parameters when every call in the translation unit passes
    // the same kind of memory.
    const auto *FD = dyn_cast<FunctionDecl>(PVD->getDeclContext());
    unsigned Index = PVD->getFunctionScopeIndex();
    std::optional<Provenance> P;
    if (FD)
      for (const ProcessModel::CallSite &Site : M.callSites(FD))
        if (Index < Site.Call->getNumArgs())
          P = combine(P, of(Site.Call->getArg(Index), 0, nullptr));
    Result = P.value_or(Provenance::Unknown);
  } else if (!M.index().AddressTaken.lookup(D)) {
    auto AIt = M.index().Assigned.find(D);
    std::optional<Provenance> P;
    if (AIt != M.index().Assigned.end())
      for (const Expr *V : AIt->second)
        if (!isNull(V, M.context()))
          P = combine(P, of(V, 0, nullptr));
    Result = P.value_or(Provenance::Unknown);
  }
  DeclMemo[D] = {Visit::Done, Result};
  return Result;
}

/// Where the object denoted by the lvalue \p E lives.
static Provenance objectOf(SharedMemory &SM, const Expr *E,
                           Provenance (*Pointer)(SharedMemory &, const Expr *)) {
  E = E->IgnoreParenImpCasts();
  if (isa<DeclRefExpr>(E))
    return Provenance::Private; // a named object of this process
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->isArrow() ? Pointer(SM, ME->getBase()) : objectOf(SM, ME->getBase(), Pointer);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = AS->getBase()->IgnoreParens();
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(Base);
        Cast && Cast->getCastKind() == CK_ArrayToPointerDecay)
      return objectOf(SM, Cast->getSubExpr(), Pointer);
    return Pointer(SM, AS->getBase());
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_Deref)
      return Pointer(SM, UO->getSubExpr());
  return Provenance::Unknown;
}

Provenance SharedMemory::of(const Expr *E, unsigned Depth, const CallExpr **Source) {
  if (!E || Depth > 16)
    return Provenance::Unknown;
  E = E->IgnoreParens();
  auto Pointer = [](SharedMemory &SM, const Expr *P) { return SM.ofPointer(P); };
  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    if (Cast->getCastKind() == CK_ArrayToPointerDecay)
      return objectOf(*this, Cast->getSubExpr(), Pointer);
    return of(Cast->getSubExpr(), Depth + 1, Source);
  }
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return ofCall(CE, Source);
  if (const auto *New = dyn_cast<CXXNewExpr>(E)) {
    if (New->getNumPlacementArgs() > 0)
      return of(New->getPlacementArg(0), Depth + 1, Source);
    return Provenance::Private;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() == BO_Assign || BO->getOpcode() == BO_Comma)
      return of(BO->getRHS(), Depth + 1, Source);
    if (BO->isAdditiveOp()) {
      if (BO->getLHS()->getType()->isPointerType())
        return of(BO->getLHS(), Depth + 1, Source);
      if (BO->getRHS()->getType()->isPointerType())
        return of(BO->getRHS(), Depth + 1, Source);
    }
    return Provenance::Unknown;
  }
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
    const Expr *T = CO->getTrueExpr(), *F = CO->getFalseExpr();
    if (isNull(T, M.context()))
      return of(F, Depth + 1, Source);
    if (isNull(F, M.context()))
      return of(T, Depth + 1, Source);
    return combine(of(T, Depth + 1, Source), of(F, Depth + 1, Source));
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      return objectOf(*this, UO->getSubExpr(), Pointer);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      if (VD->getType()->isArrayType())
        return Provenance::Private;
      return ofDecl(VD);
    }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return ofDecl(FD);
  return Provenance::Unknown;
}

Provenance SharedMemory::ofPointer(const Expr *E) { return of(E, 0, nullptr); }

const CallExpr *SharedMemory::sharedSource(const Expr *E) {
  const CallExpr *Source = nullptr;
  return of(E, 0, &Source) == Provenance::Shared ? Source : nullptr;
}

} // namespace procshare
