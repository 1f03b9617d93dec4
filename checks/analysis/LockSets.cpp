//===- LockSets.cpp - Which locks are certainly held ----------------------===//

#include "checks/analysis/LockSets.h"
#include "checks/analysis/AstNames.h"
#include "checks/analysis/Dataflow.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procshare {

namespace {

/// The pseudo-lock held on entry to a function its callers call with a lock
/// held (or that requires a capability).
MemLoc callerHeldLock() {
  MemLoc L;
  L.Path = "^held-by-caller";
  return L;
}

bool contains(const LockSet &S, const MemLoc &L) {
  return llvm::is_contained(S, L);
}
void add(LockSet &S, const MemLoc &L) {
  if (!contains(S, L))
    S.push_back(L);
}
bool remove(LockSet &S, const MemLoc &L) {
  auto It = llvm::find(S, L);
  if (It == S.end())
    return false;
  S.erase(It);
  return true;
}

struct State {
  bool Reached = false;
  LockSet Held;     ///< certainly held (must: intersected at joins)
  LockSet Released; ///< released here without being taken here (may)

  bool join(const State &O) {
    if (!O.Reached)
      return false;
    if (!Reached) {
      *this = O;
      return true;
    }
    bool Changed = false;
    size_t Before = Held.size();
    llvm::erase_if(Held, [&](const MemLoc &L) { return !contains(O.Held, L); });
    Changed |= Held.size() != Before;
    for (const MemLoc &L : O.Released)
      if (!contains(Released, L)) {
        Released.push_back(L);
        Changed = true;
      }
    return Changed;
  }
};

} // namespace

struct LockSets::FunctionLocks {
  /// The net effect does not depend on what callers hold: computed from an
  /// empty entry, apart from (and before) the held sets, which do.
  bool EffectDone = false;
  Effect Summary;
  /// The held sets, for a function entered without and with a lock held.
  bool AtDone[2] = {false, false};
  llvm::DenseMap<const Stmt *, LockSet> At[2];
  enum : uint8_t { Unknown, Yes, No } EntryHeld = Unknown;
};

LockSets::LockSets(ProcessModel &M, bool UseIndex) : M(M), UseIndex(UseIndex) {}
LockSets::~LockSets() = default;

namespace {

class LockDataflow {
public:
  LockDataflow(ProcessModel &M, LockSets &LS, const FunctionDecl *FD, const CFG &G)
      : M(M), LS(LS), ME(M.memoryEffects()), FD(FD), G(G) {}

  void solve(bool EntryHeld) {
    State Entry;
    if (EntryHeld)
      Entry.Held.push_back(callerHeldLock());
    solveForward(
        G, In, std::move(Entry),
        [&](const CFGElement &E, State &S) { transfer(E, S, nullptr); },
        [&](const CFGBlock &B, const State &Out, unsigned Index) {
          return edge(B, Out, Index);
        });
  }

  void record(llvm::DenseMap<const Stmt *, LockSet> &At) {
    for (const CFGBlock *B : G) {
      State S = In[B->getBlockID()];
      if (!S.Reached)
        continue;
      for (const CFGElement &E : *B)
        transfer(E, S, &At);
    }
  }

  LockSets::Effect effect() const {
    LockSets::Effect E;
    const State &Exit = In[G.getExit().getBlockID()];
    for (const MemLoc &L : Exit.Held)
      if (!(L == callerHeldLock()))
        E.Acquired.push_back(L);
    E.Released = Exit.Released;
    return E;
  }

private:
  ProcessModel &M;
  LockSets &LS;
  MemoryEffects &ME;
  const FunctionDecl *FD;
  const CFG &G;
  std::vector<State> In;

  static void acquire(State &S, const MemLoc &L) {
    add(S.Held, L);
    remove(S.Released, L); // released earlier on this path, taken back since
  }
  static void release(State &S, const MemLoc &L) {
    if (!remove(S.Held, L))
      add(S.Released, L);
  }

  /// The lock a lock-rule call operates on: the object for a method, else
  /// the lock argument (what it points to, or the variable for an fd).
  std::optional<MemLoc> lockOperand(const CallExpr *CE, const LockRule *Rule) const {
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      const Expr *Obj = MC->getImplicitObjectArgument();
      if (!Obj)
        return std::nullopt;
      const auto *Callee = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens());
      return Callee && Callee->isArrow() ? ME.pointeeOf(Obj) : ME.locationOf(Obj);
    }
    unsigned Index = Rule ? Rule->LockArg : 0;
    if (CE->getNumArgs() == 0) {
      // shm_lock()/shm_unlock(): a project's one global lock.
      MemLoc Global;
      Global.Path = "^argumentless-lock";
      return Global;
    }
    if (Index >= CE->getNumArgs())
      return std::nullopt;
    const Expr *Arg = CE->getArg(Index);
    return Arg->getType()->isPointerType() ? ME.pointeeOf(Arg) : ME.locationOf(Arg);
  }

  /// The locks named by a thread-safety attribute's arguments, in the
  /// caller's terms; the object itself when it names none.
  template <typename AttrT>
  void capabilities(const CallExpr *CE, const FunctionDecl *Callee, const AttrT *A,
                    llvm::SmallVectorImpl<MemLoc> &Out) const {
    if (A->args_size() == 0) {
      if (isa<CXXMethodDecl>(Callee))
        if (auto L = ME.mapIntoCaller(MemLoc(), CE, Callee))
          Out.push_back(*L);
      return;
    }
    for (const Expr *Arg : A->args()) {
      std::optional<MemLoc> L = Arg->getType()->isPointerType() ? ME.pointeeOf(Arg)
                                                                : ME.locationOf(Arg);
      if (L)
        if (auto Mapped = ME.mapIntoCaller(*L, CE, Callee))
          Out.push_back(*Mapped);
    }
  }

  /// fcntl(fd, F_SETLK/F_SETLKW, &fl): the lock type assigned to fl.l_type
  /// last before the call decides between taking and releasing.
  std::optional<bool> fcntlLocks(const CallExpr *CE) const {
    if (CE->getNumArgs() < 3)
      return std::nullopt;
    std::optional<int64_t> Cmd = M.sharedMemory().constantValue(CE->getArg(1));
    if (!Cmd || (Cmd != M.macroValue("F_SETLK") && Cmd != M.macroValue("F_SETLKW")))
      return std::nullopt;
    std::optional<MemLoc> Lock = ME.pointeeOf(CE->getArg(2));
    if (!Lock)
      return true;
    const SourceManager &SM = M.context().getSourceManager();
    const Expr *LastType = nullptr;
    SourceLocation LastLoc;
    for (const CFGBlock *B : G)
      for (const CFGElement &E : *B)
        if (auto CS = E.getAs<CFGStmt>())
          if (const auto *BO = dyn_cast<BinaryOperator>(CS->getStmt());
              BO && BO->getOpcode() == BO_Assign &&
              SM.isBeforeInTranslationUnit(BO->getBeginLoc(), CE->getBeginLoc()))
            if (const auto *ME2 = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
                ME2 && ME2->getMemberDecl()->getName() == "l_type")
              if (auto Base = ME.locationOf(ME2->getBase()); Base && *Base == *Lock &&
                  (!LastType || SM.isBeforeInTranslationUnit(LastLoc, BO->getBeginLoc()))) {
                LastType = BO->getRHS();
                LastLoc = BO->getBeginLoc();
              }
    if (!LastType)
      return true; // cannot tell: taken, so as not to claim a race
    std::optional<int64_t> Type = M.sharedMemory().constantValue(LastType);
    return !(Type && Type == M.macroValue("F_UNLCK"));
  }

  void call(const CallExpr *CE, State &S) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return;
    std::string Name = ProcessModel::ruleName(Callee);
    if (const LockRule *Rule = M.rules().lock(Name)) {
      std::optional<MemLoc> L = lockOperand(CE, Rule);
      if (!L)
        return;
      LockKind Kind = Rule->Kind;
      if (Rule->UnlockIfArg >= 0 && unsigned(Rule->UnlockIfArg) < CE->getNumArgs()) {
        std::optional<int64_t> V =
            M.sharedMemory().constantValue(CE->getArg(Rule->UnlockIfArg));
        std::optional<int64_t> Flag = M.macroValue(Rule->UnlockFlag);
        if (V && Flag && (*Flag ? (*V & *Flag) == *Flag : *V == 0))
          Kind = LockKind::Release;
      }
      if (Kind == LockKind::Acquire)
        acquire(S, *L);
      else if (Kind == LockKind::Release)
        release(S, *L);
      return; // try_acquire: on its success edge
    }
    if (Name == "fcntl") {
      if (std::optional<bool> Takes = fcntlLocks(CE))
        if (std::optional<MemLoc> L = ME.locationOf(CE->getArg(0)))
          *Takes ? acquire(S, *L) : release(S, *L);
      return;
    }
    llvm::SmallVector<MemLoc, 2> Caps;
    if (const auto *A = Callee->getAttr<AcquireCapabilityAttr>()) {
      capabilities(CE, Callee, A, Caps);
      for (const MemLoc &L : Caps)
        acquire(S, L);
      return;
    }
    if (const auto *A = Callee->getAttr<ReleaseCapabilityAttr>()) {
      capabilities(CE, Callee, A, Caps);
      for (const MemLoc &L : Caps)
        release(S, L);
      return;
    }
    // A function of another file: its net effect, as the index has it.
    if (const FunctionFacts *F = LS.usesIndex() ? M.external(Callee, Aspect::Locks) : nullptr) {
      for (const IndexPlace &P : F->Releases)
        if (auto Mapped = ME.mapIntoCaller(P, CE, Callee, /*Opaque=*/true))
          release(S, *Mapped);
      for (const IndexPlace &P : F->Acquires)
        if (auto Mapped = ME.mapIntoCaller(P, CE, Callee, /*Opaque=*/true))
          acquire(S, *Mapped);
      return;
    }
    // A function of this translation unit: its net effect.
    const FunctionDecl *Def = MemoryEffects::calleeWithBody(CE);
    if (!Def || Def == FD)
      return;
    const LockSets::Effect &E = LS.effect(Def);
    for (const MemLoc &L : E.Released)
      if (auto Mapped = ME.mapIntoCaller(L, CE, Def))
        release(S, *Mapped);
    for (const MemLoc &L : E.Acquired)
      if (auto Mapped = ME.mapIntoCaller(L, CE, Def))
        acquire(S, *Mapped);
  }

  /// A variable initialised by a lock guard: std::lock_guard and the like,
  /// or a class whose constructor takes a lock. The guard variable itself
  /// stands for the lock until its destructor runs.
  bool isGuard(const VarDecl *VD) const {
    const Expr *Init = VD->getInit();
    if (!Init)
      return false;
    const auto *CCE = dyn_cast<CXXConstructExpr>(Init->IgnoreImplicit());
    if (!CCE || !CCE->getConstructor())
      return false;
    for (const Expr *Arg : CCE->arguments()) {
      std::string T = Arg->getType().getUnqualifiedType().getAsString();
      if (llvm::StringRef(T).contains("defer_lock_t") ||
          llvm::StringRef(T).contains("try_to_lock_t"))
        return false;
    }
    const CXXConstructorDecl *Ctor = CCE->getConstructor();
    if (M.rules().isLockGuard(ProcessModel::ruleName(Ctor->getParent())))
      return CCE->getNumArgs() > 0;
    const FunctionDecl *Def = nullptr;
    return Ctor->hasBody(Def) && Def && Def != FD &&
           !LS.effect(Def).Acquired.empty();
  }

  void transfer(const CFGElement &E, State &S, llvm::DenseMap<const Stmt *, LockSet> *At) {
    if (auto Dtor = E.getAs<CFGAutomaticObjDtor>()) {
      MemLoc Guard;
      Guard.Var = Dtor->getVarDecl()->getCanonicalDecl();
      remove(S.Held, Guard);
      return;
    }
    auto CS = E.getAs<CFGStmt>();
    if (!CS)
      return;
    const Stmt *St = CS->getStmt();
    if (At)
      At->try_emplace(St, S.Held);
    if (const auto *CE = dyn_cast<CallExpr>(St)) {
      call(CE, S);
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(St))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && isGuard(VD)) {
          MemLoc Guard;
          Guard.Var = VD->getCanonicalDecl();
          acquire(S, Guard);
        }
  }

  /// On the edge where a try-lock in the branch condition succeeded, its
  /// lock is held.
  State edge(const CFGBlock &B, const State &Out, unsigned Index) const {
    State E = Out;
    const Expr *Cond = branchCondition(B);
    if (!Cond)
      return E;
    bool Negated = false;
    const Expr *X = ignoreParenCastsAndHints(Cond);
    std::optional<int64_t> Compared; // `call == C` / `call != C`
    bool Equal = true;
    while (true) {
      if (const auto *UO = dyn_cast<UnaryOperator>(X); UO && UO->getOpcode() == UO_LNot) {
        Negated = !Negated;
        X = ignoreParenCastsAndHints(UO->getSubExpr());
        continue;
      }
      if (const auto *BO = dyn_cast<BinaryOperator>(X);
          BO && (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE)) {
        Compared = M.sharedMemory().constantValue(BO->getRHS());
        Equal = BO->getOpcode() == BO_EQ;
        X = ignoreParenCastsAndHints(BO->getLHS());
        if (!Compared)
          return E;
      }
      break;
    }
    const auto *CE = dyn_cast<CallExpr>(X);
    const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
    const LockRule *Rule = Callee ? M.rules().lock(ProcessModel::ruleName(Callee)) : nullptr;
    if (!Rule || Rule->Kind != LockKind::TryAcquire)
      return E;
    // Which truth value of the condition means "the call succeeded".
    bool SuccessTruth;
    if (Compared) {
      if (*Compared != 0)
        return E; // `== EBUSY` says nothing certain about success
      // call == 0 is true exactly when a zero-success call succeeded.
      SuccessTruth = Equal == Rule->SuccessIsZero;
    } else {
      SuccessTruth = !Rule->SuccessIsZero; // plain truth: the result != 0
    }
    if (Negated)
      SuccessTruth = !SuccessTruth;
    if ((Index == 0) == SuccessTruth)
      if (std::optional<MemLoc> L = lockOperand(CE, Rule))
        add(E.Held, *L);
    return E;
  }
};

} // namespace

/// Whether every caller holds a lock at its call is a property of the
/// callers' graph: a function is called with a lock held when each of its
/// call sites holds one, given what its own callers hold. This is solved for
/// all the functions the answer depends on at once, as the greatest fixpoint
/// (a recursive call made with the lock still held keeps it held), so the
/// answer does not depend on which function was asked about first.
bool LockSets::entryHeld(const FunctionDecl *FD) {
  // Functions whose answer needs no other: attribute, callers this file
  // cannot see, no callers, called from a global's initialiser.
  auto Base = [&](const FunctionDecl *F) -> std::optional<bool> {
    if (F->hasAttr<RequiresCapabilityAttr>())
      return true;
    if (F->isExternallyVisible() || M.index().AddressTaken.lookup(F))
      return false;
    llvm::ArrayRef<ProcessModel::CallSite> Sites = M.callSites(F);
    if (Sites.empty())
      return false;
    for (const ProcessModel::CallSite &Site : Sites)
      if (!Site.Caller || !Site.Caller->hasBody())
        return false;
    return std::nullopt;
  };
  auto Decided = [&](const FunctionDecl *F) -> std::optional<bool> {
    FunctionLocks &L = analyze(F);
    if (L.EntryHeld != FunctionLocks::Unknown)
      return L.EntryHeld == FunctionLocks::Yes;
    if (std::optional<bool> B = Base(F)) {
      L.EntryHeld = *B ? FunctionLocks::Yes : FunctionLocks::No;
      return B;
    }
    return std::nullopt;
  };
  if (std::optional<bool> D = Decided(FD))
    return *D;
  // The undecided functions the answer depends on: FD and its callers'
  // callers, transitively.
  llvm::SmallVector<const FunctionDecl *, 16> Open = {FD};
  llvm::DenseMap<const FunctionDecl *, bool> Value; // assumed held, until shown not
  Value[FD] = true;
  for (size_t I = 0; I < Open.size(); ++I)
    for (const ProcessModel::CallSite &Site : M.callSites(Open[I])) {
      const FunctionDecl *Caller = Site.Caller->getDefinition();
      if (!Decided(Caller) && Value.try_emplace(Caller, true).second)
        Open.push_back(Caller);
    }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const FunctionDecl *F : Open) {
      if (!Value[F])
        continue;
      for (const ProcessModel::CallSite &Site : M.callSites(F)) {
        const FunctionDecl *Caller = Site.Caller->getDefinition();
        std::optional<bool> CallerHeld = Decided(Caller);
        bool Entry = CallerHeld ? *CallerHeld : Value.lookup(Caller);
        const auto &At = heldGiven(Caller, Entry);
        auto It = At.find(Site.Call);
        if (It == At.end() || It->second.empty()) {
          Value[F] = false;
          Changed = true;
          break;
        }
      }
    }
  }
  for (const FunctionDecl *F : Open)
    analyze(F).EntryHeld = Value[F] ? FunctionLocks::Yes : FunctionLocks::No;
  return Value[FD];
}

LockSets::FunctionLocks &LockSets::analyze(const FunctionDecl *FD) {
  auto &Slot = Functions[FD];
  if (!Slot)
    Slot = std::make_unique<FunctionLocks>();
  return *Slot;
}

const LockSets::Effect &LockSets::effect(const FunctionDecl *FD) {
  FunctionLocks &F = analyze(FD);
  if (!F.EffectDone) {
    F.EffectDone = true; // also guards recursion: no effect known so far
    if (const CFG *G = M.cfg(FD)) {
      LockDataflow D(M, *this, FD, *G);
      D.solve(/*EntryHeld=*/false);
      Effect E = D.effect();
      analyze(FD).Summary = std::move(E);
    }
  }
  return analyze(FD).Summary;
}

const llvm::DenseMap<const Stmt *, LockSet> &
LockSets::heldGiven(const FunctionDecl *FD, bool EntryHeld) {
  FunctionLocks *F = &analyze(FD);
  if (!F->AtDone[EntryHeld]) {
    F->AtDone[EntryHeld] = true;
    if (const CFG *G = M.cfg(FD)) {
      LockDataflow D(M, *this, FD, *G);
      D.solve(EntryHeld);
      llvm::DenseMap<const Stmt *, LockSet> At;
      D.record(At);
      F = &analyze(FD); // the map may have grown meanwhile
      F->At[EntryHeld] = std::move(At);
    }
  }
  return F->At[EntryHeld];
}

const LockSet *LockSets::heldAt(const FunctionDecl *FD, const Stmt *S) {
  const FunctionDecl *Def = nullptr;
  if (!FD->hasBody(Def) || !Def)
    return nullptr;
  const auto &At = heldGiven(Def, entryHeld(Def));
  auto It = At.find(S);
  return It == At.end() ? nullptr : &It->second;
}

} // namespace procshare
