//===- SharedMemory.cpp - Where memory comes from -------------------------===//

#include "checks/analysis/SharedMemory.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procshare {
namespace {

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

/// \p O as the result of the allocation call \p CE, which makes a new
/// mapping each time when \p Fresh.
static SharedOrigin anchored(SharedOrigin O, const CallExpr *CE, bool Fresh) {
  O.Anchor = CE;
  O.Fresh = Fresh;
  O.ViaStorage = O.ViaField = false;
  return O;
}

void setOrigin(SharedOrigin *Into, const SharedOrigin &From) {
  SharedOrigin Was = *Into;
  *Into = From;
  Into->Element |= Was.Element;
  Into->ViaStorage |= Was.ViaStorage;
  Into->ViaField |= Was.ViaField;
  // Values of two allocations joined: neither is the one mapping behind it.
  if (Was && Was.Anchor != From.Anchor)
    Into->Fresh = false;
}

SharedMemory::SharedMemory(ProcessModel &M, bool Summary) : M(M), Summary(Summary) {}

void SharedMemory::defer(llvm::StringRef Usr) {
  if (Deps && !llvm::is_contained(*Deps, Usr))
    Deps->push_back(Usr.str());
}

Provenance SharedMemory::ofPointerDeferring(const Expr *E, SharedOrigin *Source,
                                            std::vector<std::string> &Out) {
  Deps = &Out;
  Provenance P = of(E, 0, Source);
  Deps = nullptr;
  return P;
}

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

Provenance SharedMemory::ofCall(const CallExpr *CE, SharedOrigin *Source) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return Provenance::Unknown;
  std::string Name = ProcessModel::ruleName(Callee);
  if (const SharedAllocRule *Rule = M.rules().sharedAlloc(Name)) {
    // (shmat may attach a segment other processes attached before.)
    if (Rule->FlagsArg < 0) {
      if (Source)
        setOrigin(Source, anchored(SharedOrigin{CE, {}, false}, CE, false));
      return Provenance::Shared;
    }
    if (unsigned(Rule->FlagsArg) >= CE->getNumArgs())
      return Provenance::Unknown;
    std::optional<int64_t> Flags = constantValue(CE->getArg(Rule->FlagsArg));
    if (!Flags)
      return Provenance::Unknown;
    for (const std::string &F : Rule->SharedFlags)
      if (std::optional<int64_t> V = M.macroValue(F); V && *V && (*Flags & *V) == *V) {
        if (Source) {
          std::optional<int64_t> Anonymous = M.macroValue("MAP_ANONYMOUS");
          bool Fresh = Anonymous && *Anonymous && (*Flags & *Anonymous);
          setOrigin(Source, anchored(SharedOrigin{CE, {}, false}, CE, Fresh));
        }
        return Provenance::Shared;
      }
    return Provenance::Private; // MAP_PRIVATE
  }
  if (M.rules().isPrivateAlloc(Name))
    return Provenance::Private;
  // A function of another file: what the project index says it returns
  // (a summary leaves that to the index).
  if (Summary && !Callee->hasBody() && !Callee->getBuiltinID() &&
      Callee->isExternallyVisible() && !M.usr(Callee).empty() &&
      !M.context().getSourceManager().isInSystemHeader(
          M.context().getSourceManager().getExpansionLoc(
              Callee->getCanonicalDecl()->getLocation()))) {
    defer(M.usr(Callee));
    return Provenance::Deferred;
  }
  if (const FunctionFacts *F = M.external(Callee, returnsAspect())) {
    // (An element of shared memory the callee selects, fio's
    // tnumber_to_td(i), is marked: it may be each process's own.)
    if (F->Returns == Provenance::Shared && Source)
      setOrigin(Source, anchored(SharedOrigin{CE, F->ReturnsFrom, F->FileBacked,
                                              F->ReturnsElement},
                                 CE, F->ReturnsFresh));
    return F->Returns;
  }
  // A function of this translation unit: what it returns.
  const FunctionDecl *Def = nullptr;
  if (!Callee->hasBody(Def) || !Def)
    return Provenance::Unknown;
  SharedOrigin Inner;
  Provenance P = ofReturn(Def, &Inner);
  if (P == Provenance::Shared && Source) {
    // The call here, with the mapping the function makes.
    if (!Inner.Call)
      Inner.Call = CE;
    setOrigin(Source, anchored(Inner, CE, Inner.Fresh && !Inner.ViaStorage));
  }
  return P;
}

Aspect SharedMemory::returnsAspect() const {
  return Q == ProvenanceQuestion::IsShared    ? Aspect::ReturnsShared
         : Q == ProvenanceQuestion::IsPrivate ? Aspect::ReturnsPrivate
                                              : Aspect::Returns;
}
Aspect SharedMemory::globalAspect() const {
  return Q == ProvenanceQuestion::IsShared    ? Aspect::GlobalShared
         : Q == ProvenanceQuestion::IsPrivate ? Aspect::GlobalPrivate
                                              : Aspect::Global;
}

Provenance SharedMemory::ofReturn(const FunctionDecl *Def, SharedOrigin *Source) {
  return memoized(ReturnMemo[unsigned(Q)], Def, Source, [&](SharedOrigin &From) {
    ReturnCollector C;
    C.TraverseStmt(Def->getBody());
    std::optional<Provenance> P;
    for (const Expr *V : C.Values)
      if (!isNull(V, M.context()))
        P = combineProvenance(P, of(V, 0, &From));
    return P.value_or(Provenance::Unknown);
  });
}

Provenance SharedMemory::ofDecl(const ValueDecl *D, SharedOrigin *Source,
                                ProvenanceQuestion Ask) {
  return asking(Ask, Source, [&](SharedOrigin *S) { return declOf(D, S); });
}

Provenance SharedMemory::declOf(const ValueDecl *D, SharedOrigin *Source) {
  D = cast<ValueDecl>(D->getCanonicalDecl());
  return memoized(DeclMemo[unsigned(Q)], D, Source, [&](SharedOrigin &From) {
    std::optional<Provenance> P;
    if (const auto *PVD = dyn_cast<ParmVarDecl>(D)) {
      // Through parameters when every call in the translation unit passes
      // the same kind of memory.
      const auto *FD = dyn_cast<FunctionDecl>(PVD->getDeclContext());
      unsigned Index = PVD->getFunctionScopeIndex();
      if (FD && !FD->isExternallyVisible() && !M.index().AddressTaken.lookup(FD))
        for (const ProcessModel::CallSite &Site : M.callSites(FD)) {
          if (Index >= Site.Call->getNumArgs())
            continue;
          Provenance Arg = of(Site.Call->getArg(Index), 0, &From);
          // Every call must agree: a parameter is shared only when all
          // callers pass shared memory.
          P = !P || *P == Arg ? Arg : Provenance::Unknown;
        }
      // A function other files call: private memory when every call in the
      // project passes private memory. Shared memory from its callers is not
      // claimed: which object each process is handed is the callers' choice
      // (fio hands each job process its own element of a shared segment).
      // (Not asked when the question is whether it is shared: private or
      // unknown, the answer is no, and a file whose analysis did not read
      // the fact is not analysed again when it changes.)
      if (FD && FD->isExternallyVisible() && !Summary && Q != ProvenanceQuestion::IsShared &&
          !M.index().AddressTaken.lookup(FD))
        if (const FunctionFacts *F = M.indexed(FD, Aspect::ParamsPrivate);
            F && Index < F->Params.size() && F->Params[Index] == Provenance::Private)
          P = Provenance::Private;
    } else if (const auto *VD = dyn_cast<VarDecl>(D);
               Summary && (isa<FieldDecl>(D) || (VD && VD->hasGlobalStorage() &&
                                                 !VD->isStaticLocal())) &&
               !M.usr(D).empty()) {
      // A global or a field: what the whole project assigns to it.
      defer(M.usr(D));
      return Provenance::Deferred;
    } else if (!M.index().AddressTaken.lookup(D)) {
      auto AIt = M.index().Assigned.find(D);
      if (AIt != M.index().Assigned.end())
        for (const Expr *V : AIt->second)
          if (!isNull(V, M.context()))
            P = combineProvenance(P, of(V, 0, &From));
      // What the other files of the project assign to it.
      if (!Summary)
        if (const IndexGlobal *G = M.indexedGlobal(D, globalAspect())) {
          if (G->Escapes)
            return Provenance::Unknown;
          if (G->Value == Provenance::Shared && !From)
            From = SharedOrigin{nullptr, G->Source, G->FileBacked, G->Element};
          else if (G->Value == Provenance::Shared && G->Element)
            From.Element = true;
          P = combineProvenance(P, G->Value);
        }
    }
    // Kept in storage another process or a later call may reach.
    const auto *VD = dyn_cast<VarDecl>(D);
    From.ViaField |= isa<FieldDecl>(D);
    From.ViaStorage |= From.ViaField || (VD && VD->hasGlobalStorage());
    return P.value_or(Provenance::Unknown);
  });
}

Provenance SharedMemory::ofObject(const Expr *E, SharedOrigin *Source,
                                  ProvenanceQuestion Ask) {
  return asking(Ask, Source, [&](SharedOrigin *S) { return objectOf(E, S); });
}

Provenance SharedMemory::objectOf(const Expr *E, SharedOrigin *Source) {
  E = E->IgnoreParenImpCasts();
  if (isa<DeclRefExpr>(E))
    return Provenance::Private; // a named object of this process
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->isArrow() ? of(ME->getBase(), 0, Source) : objectOf(ME->getBase(), Source);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = AS->getBase()->IgnoreParens();
    const auto *Cast = dyn_cast<ImplicitCastExpr>(Base);
    Provenance P = Cast && Cast->getCastKind() == CK_ArrayToPointerDecay
                       ? objectOf(Cast->getSubExpr(), Source)
                       : of(AS->getBase(), 0, Source);
    return element(P, AS->getIdx(), Source);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_Deref)
      return of(UO->getSubExpr(), 0, Source);
  return Provenance::Unknown;
}

Provenance SharedMemory::of(const Expr *E, unsigned Depth, SharedOrigin *Source) {
  if (!E || Depth > 16)
    return Provenance::Unknown;
  E = E->IgnoreParens();
  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    if (Cast->getCastKind() == CK_ArrayToPointerDecay)
      return objectOf(Cast->getSubExpr(), Source);
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
        return element(of(BO->getLHS(), Depth + 1, Source), BO->getRHS(), Source);
      if (BO->getRHS()->getType()->isPointerType())
        return element(of(BO->getRHS(), Depth + 1, Source), BO->getLHS(), Source);
    }
    return Provenance::Unknown;
  }
  if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
    const Expr *T = CO->getTrueExpr(), *F = CO->getFalseExpr();
    if (isNull(T, M.context()))
      return of(F, Depth + 1, Source);
    if (isNull(F, M.context()))
      return of(T, Depth + 1, Source);
    return combineProvenance(of(T, Depth + 1, Source), of(F, Depth + 1, Source));
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      return objectOf(UO->getSubExpr(), Source);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      if (VD->getType()->isArrayType())
        return Provenance::Private;
      return declOf(VD, Source);
    }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
      return declOf(FD, Source);
  return Provenance::Unknown;
}

Provenance SharedMemory::element(Provenance P, const Expr *Index, SharedOrigin *Source) {
  // Marked in a summary, and where the memory's sharing is another file's
  // fact (a mapping made elsewhere, as the index says): what this file alone
  // shows is judged as without the index.
  if (P == Provenance::Shared && Source && (Summary || Source->Elsewhere.valid()) &&
      !constantValue(Index))
    Source->Element = true;
  return P;
}

Provenance SharedMemory::ofPointer(const Expr *E, SharedOrigin *Source,
                                   ProvenanceQuestion Ask) {
  return asking(Ask, Source, [&](SharedOrigin *S) { return of(E, 0, S); });
}

bool SharedMemory::isFileBackedMapping(const SharedOrigin &Source) {
  if (Source.Elsewhere.valid())
    return Source.ElsewhereFileBacked;
  const CallExpr *Call = Source.Call;
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  const SharedAllocRule *Rule =
      Callee ? M.rules().sharedAlloc(ProcessModel::ruleName(Callee)) : nullptr;
  if (!Rule || Rule->FlagsArg < 0 || unsigned(Rule->FlagsArg) >= Call->getNumArgs())
    return false;
  std::optional<int64_t> Flags = constantValue(Call->getArg(Rule->FlagsArg));
  std::optional<int64_t> Anonymous = M.macroValue("MAP_ANONYMOUS");
  return Flags && Anonymous && !(*Flags & *Anonymous);
}

} // namespace procshare
