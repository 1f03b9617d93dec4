//===- LockObjects.cpp - Lock objects, their setup and their uses ---------===//

#include "checks/analysis/LockObjects.h"
#include "checks/analysis/Dataflow.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include <algorithm>

using namespace clang;

namespace procshare {

LockObjects::LockObjects(ProcessModel &M) : M(M) {}
LockObjects::~LockObjects() = default;

std::optional<LockTypeInfo> LockObjects::lockType(QualType T) const {
  if (T.isNull())
    return std::nullopt;
  QualType Cur = T;
  for (unsigned I = 0; I < 8; ++I) {
    const auto *TT = Cur->getAs<TypedefType>();
    if (!TT)
      break;
    std::string Name = ProcessModel::ruleName(TT->getDecl());
    if (const LockTypeRule *R = M.rules().lockType(Name))
      return LockTypeInfo{Name, R->Sharing, R->Remedy};
    Cur = TT->desugar();
  }
  if (const RecordDecl *RD = Cur->getAsRecordDecl()) {
    std::string Name = ProcessModel::ruleName(RD);
    if (const LockTypeRule *R = M.rules().lockType(Name))
      return LockTypeInfo{Name, R->Sharing, R->Remedy};
  }
  return std::nullopt;
}

std::optional<LockObjects::Contained> LockObjects::containedLock(
    QualType T, llvm::function_ref<bool(const LockTypeInfo &, bool)> Want) const {
  const ASTContext &Ctx = M.context();
  std::function<std::optional<Contained>(QualType, unsigned)> Search =
      [&](QualType Ty, unsigned Depth) -> std::optional<Contained> {
    Ty = Ctx.getBaseElementType(Ty);
    if (std::optional<LockTypeInfo> L = lockType(Ty)) {
      if (Want(*L, false))
        return Contained{*L, "", nullptr, false};
      return std::nullopt;
    }
    const RecordDecl *RD = Ty->getAsRecordDecl();
    if (!RD || Depth > 6)
      return std::nullopt;
    RD = RD->getDefinition();
    if (!RD || RD->isInStdNamespace())
      return std::nullopt;
    if (const auto *CXX = dyn_cast<CXXRecordDecl>(RD))
      for (const CXXBaseSpecifier &B : CXX->bases())
        if (auto C = Search(B.getType(), Depth + 1))
          return C;
    for (const FieldDecl *F : RD->fields()) {
      QualType FT = Ctx.getBaseElementType(F->getType());
      if (std::optional<LockTypeInfo> L = lockType(FT)) {
        if (Want(*L, F->hasInClassInitializer()))
          return Contained{*L, "." + F->getNameAsString(), F, F->hasInClassInitializer()};
        continue;
      }
      if (auto C = Search(FT, Depth + 1)) {
        C->Path = "." + F->getNameAsString() + C->Path;
        return C;
      }
    }
    return std::nullopt;
  };
  return Search(T, 0);
}

std::optional<int64_t> LockObjects::namedConstant(llvm::StringRef Name) {
  ASTContext &Ctx = M.context();
  DeclContextLookupResult Found =
      Ctx.getTranslationUnitDecl()->lookup(DeclarationName(&Ctx.Idents.get(Name)));
  for (const NamedDecl *D : Found)
    if (const auto *E = dyn_cast<EnumConstantDecl>(D))
      return E->getInitVal().getExtValue();
  return M.macroValue(Name);
}

Pshared LockObjects::psharedValue(const Expr *Arg, llvm::StringRef SharedValue) {
  std::optional<int64_t> V = M.sharedMemory().constantValue(Arg);
  if (!V)
    return Pshared::Unknown;
  if (SharedValue.empty())
    return *V ? Pshared::Shared : Pshared::Private;
  std::optional<int64_t> S = namedConstant(SharedValue);
  if (!S)
    return Pshared::Unknown;
  return *V == *S ? Pshared::Shared : Pshared::Private;
}

//===----------------------------------------------------------------------===//
// The attribute object of an initialisation, followed through a function.
//===----------------------------------------------------------------------===//

struct LockObjects::AttrFlow {
  struct State {
    bool Reached = false;
    /// Attribute objects that may be process-private here, and the call
    /// that made them so.
    std::vector<std::pair<MemLoc, const CallExpr *>> MayPrivate;
    /// Attribute objects made process-shared on every path here.
    std::vector<MemLoc> MustShared;

    const CallExpr *privateSetup(const MemLoc &L, bool &Found) const {
      for (const auto &[Loc, Call] : MayPrivate)
        if (Loc == L) {
          Found = true;
          return Call;
        }
      Found = false;
      return nullptr;
    }
    bool mayBePrivate(const MemLoc &L) const {
      bool Found;
      privateSetup(L, Found);
      return Found;
    }
    bool mustBeShared(const MemLoc &L) const { return llvm::is_contained(MustShared, L); }
    void makePrivate(const MemLoc &L, const CallExpr *By) {
      llvm::erase(MustShared, L);
      for (auto &[Loc, Call] : MayPrivate)
        if (Loc == L) {
          Call = By;
          return;
        }
      MayPrivate.push_back({L, By});
    }
    void makeShared(const MemLoc &L) {
      llvm::erase_if(MayPrivate, [&](const auto &P) { return P.first == L; });
      if (!mustBeShared(L))
        MustShared.push_back(L);
    }
    void forget(const MemLoc &L) {
      llvm::erase_if(MayPrivate, [&](const auto &P) { return P.first == L; });
      llvm::erase(MustShared, L);
    }
    bool join(const State &O) {
      if (!O.Reached)
        return false;
      if (!Reached) {
        *this = O;
        return true;
      }
      bool Changed = false;
      for (const auto &P : O.MayPrivate)
        if (!mayBePrivate(P.first)) {
          MayPrivate.push_back(P);
          Changed = true;
        }
      size_t Before = MustShared.size();
      llvm::erase_if(MustShared, [&](const MemLoc &L) { return !O.mustBeShared(L); });
      return Changed || MustShared.size() != Before;
    }
  };

  AttrFlow(LockObjects &LO, const FunctionDecl *FD, const CFG &G)
      : LO(LO), M(LO.M), ME(M.memoryEffects()), FD(FD), G(G) {}

  void solve(State Entry) {
    solveForward(G, In, std::move(Entry),
                 [&](const CFGElement &E, State &S) { transfer(E, S); });
  }

  /// The state just before \p Target runs; unreached if it is not in the
  /// CFG.
  State before(const Stmt *Target) {
    for (const CFGBlock *B : G) {
      State S = In[B->getBlockID()];
      if (!S.Reached)
        continue;
      for (const CFGElement &E : *B) {
        if (auto CS = E.getAs<CFGStmt>(); CS && CS->getStmt() == Target)
          return S;
        transfer(E, S);
      }
    }
    return State();
  }

  const State &exit() const { return In[G.getExit().getBlockID()]; }

private:
  void transfer(const CFGElement &E, State &S) {
    auto CS = E.getAs<CFGStmt>();
    if (!CS)
      return;
    const auto *CE = dyn_cast<CallExpr>(CS->getStmt());
    const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
    if (!Callee)
      return;
    std::string Name = ProcessModel::ruleName(Callee);
    if (const LockAttrRule *Rule = M.rules().lockAttr(Name)) {
      if (Rule->AttrArg >= CE->getNumArgs())
        return;
      std::optional<MemLoc> L = ME.pointeeOf(CE->getArg(Rule->AttrArg));
      if (!L)
        return;
      if (!Rule->SetsPshared) {
        S.makePrivate(*L, CE);
        return;
      }
      if (Rule->PsharedArg >= CE->getNumArgs()) {
        S.forget(*L);
        return;
      }
      switch (LO.psharedValue(CE->getArg(Rule->PsharedArg), Rule->SharedValue)) {
      case Pshared::Shared:
        S.makeShared(*L);
        break;
      case Pshared::Private:
        S.makePrivate(*L, CE);
        break;
      case Pshared::Unknown:
        S.forget(*L);
        break;
      }
      return;
    }
    const FunctionDecl *Def = MemoryEffects::calleeWithBody(CE);
    const SourceManager &SM = M.context().getSourceManager();
    bool Visible = Def && Def != FD && !SM.isInSystemHeader(Def->getLocation());
    // The POSIX attribute calls that are not about pshared (settype,
    // setrobust, destroy) and the lock initialisations themselves leave the
    // attribute object as it is; another function given it may set anything.
    if (!Visible && llvm::StringRef(Name).starts_with("pthread_"))
      return;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      if (!CE->getArg(I)->getType()->isPointerType())
        continue;
      std::optional<MemLoc> L = ME.pointeeOf(CE->getArg(I));
      if (!L)
        continue;
      AttrEffect Effect = Visible && I < Def->getNumParams() ? LO.attrEffect(Def, I)
                          : !Def                               ? LO.attrEffect(Callee, I)
                                                               : AttrEffect::Unknown;
      switch (Effect) {
      case AttrEffect::None:
        break;
      case AttrEffect::MakesPrivate:
        S.makePrivate(*L, CE);
        break;
      case AttrEffect::MakesShared:
        S.makeShared(*L);
        break;
      case AttrEffect::Unknown:
        if (S.mayBePrivate(*L))
          S.forget(*L);
        break;
      }
    }
  }

  LockObjects &LO;
  ProcessModel &M;
  MemoryEffects &ME;
  const FunctionDecl *FD;
  const CFG &G;
  std::vector<State> In;
};

LockObjects::AttrEffect LockObjects::attrEffect(const FunctionDecl *Callee, unsigned Param) {
  if (!Callee->hasBody()) {
    // A function of another file.
    if (const FunctionFacts *F = M.external(Callee, Aspect::Attr))
      for (auto [P, E] : F->AttrEffects)
        if (P == Param && E >= 0 && E <= 2)
          return AttrEffect(E);
    return AttrEffect::Unknown;
  }
  auto Key = std::make_pair(Callee, Param);
  auto [It, Inserted] = AttrEffects.try_emplace(Key, AttrEffect::Unknown);
  if (!Inserted)
    return It->second; // done, or recursion (Unknown)
  const CFG *G = M.cfg(Callee);
  const ParmVarDecl *PVD = Param < Callee->getNumParams() ? Callee->getParamDecl(Param) : nullptr;
  AttrEffect Result = AttrEffect::Unknown;
  if (G && PVD && PVD->getType()->isPointerType()) {
    MemLoc P;
    P.Var = PVD->getCanonicalDecl();
    P.Path = "*";
    AttrFlow FromNothing(*this, Callee, *G);
    FromNothing.solve({});
    AttrFlow FromPrivate(*this, Callee, *G);
    AttrFlow::State Entry;
    Entry.MayPrivate.push_back({P, nullptr});
    FromPrivate.solve(Entry);
    if (FromNothing.exit().mayBePrivate(P))
      Result = AttrEffect::MakesPrivate; // initialises it and may leave it so
    else if (FromPrivate.exit().mustBeShared(P))
      Result = AttrEffect::MakesShared;
    else if (FromPrivate.exit().mayBePrivate(P))
      Result = AttrEffect::None; // some path leaves it as it was
  }
  AttrEffects[Key] = Result;
  return Result;
}

void LockObjects::classify(LockInit &I) {
  const CallExpr *C = I.Call;
  const LockInitRule &Rule = *I.Rule;
  if (Rule.AttrArg >= 0) {
    if (unsigned(Rule.AttrArg) >= C->getNumArgs())
      return;
    const Expr *A = C->getArg(Rule.AttrArg);
    std::optional<int64_t> V = M.sharedMemory().constantValue(A);
    if (A->IgnoreParenCasts()->isNullPointerConstant(M.context(),
                                                     Expr::NPC_ValueDependentIsNotNull) ||
        (V && *V == 0)) {
      I.State = Pshared::Private;
      I.Why = LockInit::DefaultAttributes;
      return;
    }
    std::optional<MemLoc> L = M.memoryEffects().pointeeOf(A);
    const CFG *G = I.Function ? M.cfg(I.Function) : nullptr;
    if (!L || !G)
      return;
    AttrFlow Flow(*this, I.Function, *G);
    Flow.solve({});
    AttrFlow::State S = Flow.before(C);
    bool Found = false;
    const CallExpr *Setup = S.privateSetup(*L, Found);
    if (Found) {
      I.State = Pshared::Private;
      I.Why = LockInit::AttributesNotShared;
      I.AttrSetup = Setup;
    } else if (S.mustBeShared(*L)) {
      I.State = Pshared::Shared;
      I.Why = LockInit::SharedSetting;
    }
    return;
  }
  if (Rule.PsharedArg >= 0) {
    if (unsigned(Rule.PsharedArg) >= C->getNumArgs())
      return;
    I.State = psharedValue(C->getArg(Rule.PsharedArg), Rule.SharedValue);
    I.Why = I.State == Pshared::Private  ? LockInit::PrivateArgument
            : I.State == Pshared::Shared ? LockInit::SharedSetting
                                         : LockInit::Undecided;
    return;
  }
  I.State = Pshared::Private;
  I.Why = LockInit::DefaultAttributes;
}

//===----------------------------------------------------------------------===//
// The index of initialisations and uses.
//===----------------------------------------------------------------------===//

void LockObjects::index() {
  if (Indexed)
    return;
  Indexed = true;
  const Rules &R = M.rules();
  for (const auto &[Callee, Sites] : M.index().Calls) {
    if (!Callee || Sites.empty())
      continue;
    std::string Name = ProcessModel::ruleName(Callee);
    const LockInitRule *InitRule = R.lockInit(Name);
    const LockRule *LockR = InitRule ? nullptr : R.lock(Name);
    int UseArg = InitRule || LockR ? -1 : R.lockUseArg(Name);
    if (!InitRule && !LockR && UseArg < 0) {
      indexExternal(Callee);
      continue;
    }
    for (const ProcessModel::CallSite &Site : Sites) {
      const CallExpr *CE = Site.Call;
      if (InitRule) {
        if (InitRule->LockArg >= CE->getNumArgs())
          continue;
        QualType T = CE->getArg(InitRule->LockArg)->getType();
        std::optional<LockTypeInfo> Type =
            T->isPointerType() ? lockType(T->getPointeeType()) : std::nullopt;
        if (!Type)
          continue;
        LockInit I;
        I.Call = CE;
        I.Function = Site.Caller;
        I.Rule = InitRule;
        I.Type = *Type;
        Inits.push_back(I);
        continue;
      }
      auto U = std::make_unique<LockUse>();
      U->Call = CE;
      U->Function = Site.Caller;
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
        U->Object = MC->getImplicitObjectArgument();
      } else {
        unsigned Arg = LockR ? LockR->LockArg : unsigned(UseArg);
        if (Arg >= CE->getNumArgs())
          continue;
        U->Object = CE->getArg(Arg);
      }
      if (!U->Object)
        continue;
      QualType T = U->Object->getType();
      U->ObjectIsPointer = T->isPointerType();
      std::optional<LockTypeInfo> Type =
          lockType(U->ObjectIsPointer ? T->getPointeeType() : T);
      if (!Type)
        continue; // flock's fd, a project's argument-less lock
      U->Type = *Type;
      U->Takes = LockR && LockR->Kind != LockKind::Release;
      if (Site.Caller)
        UsesByFunction[Site.Caller].push_back(U.get());
      Uses.push_back(std::move(U));
    }
  }
  // Lock guards take the lock they are given, until the end of their scope.
  for (const auto &[CCE, Caller] : M.index().LockGuards) {
    const Expr *Arg = CCE->getArg(0);
    std::optional<LockTypeInfo> Type = lockType(Arg->getType());
    if (!Type)
      continue;
    auto U = std::make_unique<LockUse>();
    U->Call = CCE;
    U->Function = Caller;
    U->Object = Arg;
    U->ObjectIsPointer = false;
    U->Takes = true;
    U->Type = *Type;
    if (Caller)
      UsesByFunction[Caller].push_back(U.get());
    Uses.push_back(std::move(U));
  }
  // Classified after the whole index exists: helpers' summaries use it.
  for (LockInit &I : Inits)
    if (!I.Elsewhere.valid())
      classify(I);
  const SourceManager &SM = M.context().getSourceManager();
  auto Order = [&](const auto &A, const auto &B) {
    return SM.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
  };
  llvm::sort(Inits, [&](const LockInit &A, const LockInit &B) { return Order(A.Call, B.Call); });
  for (auto &[FD, List] : UsesByFunction)
    llvm::sort(List, [&](const LockUse *A, const LockUse *B) { return Order(A->Call, B->Call); });
}

void LockObjects::indexExternal(const FunctionDecl *Callee) {
  // Only a function given a pointer to a lock can initialise, take or
  // release one (and only then is the index asked).
  if (Callee->hasBody() || llvm::none_of(Callee->parameters(), [&](const ParmVarDecl *P) {
        return P->getType()->isPointerType() && lockType(P->getType()->getPointeeType());
      }))
    return;
  llvm::ArrayRef<ProcessModel::CallSite> Sites = M.callSites(Callee);
  // The lock is the object a pointer parameter points to.
  auto LockArg = [&](const IndexPlace &P, const CallExpr *CE) -> const Expr * {
    if (P.Param < 0 || P.Path != "*" || unsigned(P.Param) >= CE->getNumArgs())
      return nullptr;
    const Expr *Arg = CE->getArg(P.Param);
    return Arg->getType()->isPointerType() ? Arg : nullptr;
  };
  if (const FunctionFacts *F = M.external(Callee, Aspect::Inits))
    for (const IndexLockInit &Init : F->Inits) {
      const LockTypeRule *TypeRule = M.rules().lockType(Init.Type);
      if (!TypeRule || Init.Lock.Param < 0 || Init.Lock.Path != "*")
        continue;
      IndexRules.push_back(LockInitRule());
      IndexRules.back().LockArg = unsigned(Init.Lock.Param);
      for (const ProcessModel::CallSite &Site : Sites) {
        if (!LockArg(Init.Lock, Site.Call))
          continue;
        LockInit I;
        I.Call = Site.Call;
        I.Function = Site.Caller;
        I.Rule = &IndexRules.back();
        I.Type = LockTypeInfo{Init.Type, TypeRule->Sharing, TypeRule->Remedy};
        I.State = Pshared(std::clamp(Init.State, 0, 2));
        I.Why = LockInit::Reason(std::clamp(Init.Why, 0, int(LockInit::Undecided)));
        I.InnerCallee = Init.Callee;
        I.Elsewhere = Init.At;
        I.ElsewhereAttrSetup = Init.AttrSetup;
        Inits.push_back(I);
      }
    }
  if (const FunctionFacts *F = M.external(Callee, Aspect::Locks))
    for (auto [Places, Takes] : {std::pair(&F->Acquires, true), std::pair(&F->Releases, false)})
      for (const IndexPlace &P : *Places)
        for (const ProcessModel::CallSite &Site : Sites) {
          const Expr *Arg = LockArg(P, Site.Call);
          std::optional<LockTypeInfo> Type =
              Arg ? lockType(Arg->getType()->getPointeeType()) : std::nullopt;
          if (!Type)
            continue;
          auto U = std::make_unique<LockUse>();
          U->Call = Site.Call;
          U->Function = Site.Caller;
          U->Object = Arg;
          U->ObjectIsPointer = true;
          U->Takes = Takes;
          U->Type = *Type;
          if (Site.Caller)
            UsesByFunction[Site.Caller].push_back(U.get());
          Uses.push_back(std::move(U));
        }
}

const std::vector<LockInit> &LockObjects::inits() {
  index();
  return Inits;
}

const std::vector<std::unique_ptr<LockUse>> &LockObjects::uses() {
  index();
  return Uses;
}

llvm::ArrayRef<const LockUse *> LockObjects::usesIn(const FunctionDecl *FD) {
  index();
  auto It = UsesByFunction.find(FD);
  if (It == UsesByFunction.end())
    return {};
  return It->second;
}

const std::vector<ReachedUse> &LockObjects::reachedFrom(const FunctionDecl *FD) {
  auto &Slot = Reached[FD];
  if (!Slot)
    Slot = std::make_unique<ReachedEntry>();
  ReachedEntry *Entry = Slot.get(); // on the heap: stays valid in recursion
  if (Entry->Done)
    return Entry->Uses; // computed, or being computed (recursion)
  Entry->Done = true;
  MemoryEffects &ME = M.memoryEffects();
  std::vector<ReachedUse> Out;
  auto Add = [&](MemLoc L, const LockUse *U) {
    for (const ReachedUse &R : Out)
      if (R.Use == U && R.Loc == L)
        return;
    if (Out.size() < 64)
      Out.push_back({std::move(L), U});
  };
  for (const LockUse *U : usesIn(FD))
    if (auto L = lockOf(*U))
      Add(*L, U);
  const Rules &R = M.rules();
  const SourceManager &SM = M.context().getSourceManager();
  for (const CallExpr *CE : M.callsIn(FD)) {
    const FunctionDecl *Def = MemoryEffects::calleeWithBody(CE);
    // Library code (std::mutex::lock's body calls pthread_mutex_lock) and
    // the functions the rules describe are taken as the rules say.
    if (!Def || Def == FD || SM.isInSystemHeader(Def->getLocation()))
      continue;
    std::string Name = ProcessModel::ruleName(Def);
    if (R.lock(Name) || R.lockInit(Name) || R.lockUseArg(Name) >= 0)
      continue;
    for (const ReachedUse &Inner : reachedFrom(Def))
      if (auto L = ME.mapIntoCaller(Inner.Loc, CE, Def))
        Add(*L, Inner.Use);
  }
  Entry->Uses = std::move(Out);
  return Entry->Uses;
}

std::optional<MemLoc> LockObjects::lockOf(const LockUse &U) const {
  MemoryEffects &ME = M.memoryEffects();
  return U.ObjectIsPointer ? ME.pointeeOf(U.Object) : ME.locationOf(U.Object);
}

Provenance LockObjects::placeOf(const MemLoc &L) {
  if (L.isThis() || (!L.Path.empty() && L.Path[0] == '^'))
    return Provenance::Unknown;
  size_t Stars = llvm::count(L.Path, '*');
  if (Stars == 0)
    return L.Var->getType()->isReferenceType() ? Provenance::Unknown : Provenance::Private;
  if (Stars == 1 && L.PointerDecl)
    return M.sharedMemory().ofDecl(L.PointerDecl, nullptr, ProvenanceQuestion::IsPrivate);
  return Provenance::Unknown;
}

bool LockObjects::translationUnitStartsThreads() {
  if (!Threads) {
    // Only the program's own code counts: library headers have inline
    // functions that call pthread_create (libstdc++'s __gthread_create).
    const SourceManager &SM = M.context().getSourceManager();
    auto Mine = [&](SourceLocation L) { return !SM.isInSystemHeader(SM.getExpansionLoc(L)); };
    bool Starts = false;
    const Rules &R = M.rules();
    for (const auto &[Callee, Sites] : M.index().Calls)
      if (Callee && R.isThreadStart(ProcessModel::ruleName(Callee)))
        for (const ProcessModel::CallSite &Site : Sites)
          Starts |= Mine(Site.Call->getBeginLoc());
    for (auto [CCE, Where] : M.index().ThreadConstructions)
      Starts |= Mine(CCE->getBeginLoc());
    // A function shaped like a thread's start routine (`void *f(void *)`)
    // whose address is handed on: another file may start threads with it
    // (haproxy's run_thread_poll_loop, given to setup_extra_threads).
    ASTContext &Ctx = M.context();
    for (const auto &[D, Taken] : M.index().AddressTaken) {
      const auto *FD = dyn_cast<FunctionDecl>(D);
      if (Starts || !Taken || !FD || !Mine(FD->getLocation()) || FD->getNumParams() != 1)
        continue;
      auto IsVoidPtr = [&](QualType T) {
        return Ctx.hasSameUnqualifiedType(T.getCanonicalType(), Ctx.VoidPtrTy);
      };
      Starts = IsVoidPtr(FD->getReturnType()) && IsVoidPtr(FD->getParamDecl(0)->getType());
    }
    Threads = Starts;
  }
  return *Threads;
}

} // namespace procshare
