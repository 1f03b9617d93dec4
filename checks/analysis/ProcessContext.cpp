//===- ProcessContext.cpp - Which processes run a statement ---------------===//
//
// ProcessModel's questions about concurrency: whether several processes run
// a statement (its fork regions, the callers of its function, the project
// index), whether one runs at a time (a child that runs alone, a parent
// after its wait), relative to a mapping made after some processes existed,
// and the spawn helpers that run a callback in a child and wait for it.
//
//===----------------------------------------------------------------------===//

#include "checks/analysis/ProcessModel.h"

#include "clang/AST/Expr.h"

using namespace clang;

namespace procshare {

ProcessModel::ProcessContext
ProcessModel::processContext(const FunctionDecl *FD, const Stmt *S, unsigned Depth,
                             bool CallersElsewhere) {
  FD = definitionOf(FD);
  if (!FD)
    return ProcessContext::Unknown;
  // Code after a call that never returns runs in no process.
  if (FD->hasBody() && !live(FD, S))
    return ProcessContext::Single;
  if (mayFork(FD)) {
    RoleSet Roles = 0;
    for (const ForkRegions &F : forks(FD))
      Roles |= F.rolesOf(S);
    if (Roles)
      return Roles & (RoleChild | RoleParent) ? ProcessContext::Several
                                              : ProcessContext::Single;
  }
  const CallExpr *Via = nullptr;
  bool WaitedEntry = false;
  if (isChildEntry(FD, &Via)) {
    // A helper that waits for its child runs it alone: several processes
    // run the callback only where they run the helper's call.
    const FunctionDecl *Helper = Via ? Via->getDirectCallee() : nullptr;
    if (!Helper || !waitsForChild(Helper))
      return ProcessContext::Several;
    WaitedEntry = true;
  }
  if (FD->isMain() && !WaitedEntry)
    return ProcessContext::Single; // the program starts as one process
  if (Depth > 4)
    return ProcessContext::Unknown;
  // Handed to helpers that wait: as the calls of the helpers are. The
  // function runs nowhere else when it is named only there.
  bool HelpersSingle = WaitedEntry;
  if (WaitedEntry) {
    std::vector<std::pair<const CallExpr *, unsigned>> Uses = index().FunctionArgs.lookup(FD);
    HelpersSingle = !FD->isExternallyVisible() && index().AddressUses.lookup(FD) == Uses.size();
    for (auto [CE, Arg] : Uses) {
      const FunctionDecl *Helper = CE->getDirectCallee();
      if (!Helper || !llvm::is_contained(childCallbacks(Helper), Arg) || !waitsForChild(Helper)) {
        HelpersSingle = false;
        continue;
      }
      ProcessContext C = ProcessContext::Unknown;
      for (const CallSite &Site : callSites(Helper))
        if (Site.Call == CE && Site.Caller)
          C = processContext(Site.Caller, CE, Depth + 1, CallersElsewhere);
      if (C == ProcessContext::Several)
        return ProcessContext::Several;
      HelpersSingle &= C == ProcessContext::Single;
    }
  }
  llvm::ArrayRef<CallSite> Sites = callSites(FD);
  if (WaitedEntry && Sites.empty())
    return HelpersSingle ? ProcessContext::Single : ProcessContext::Unknown;
  bool AllSingle = !Sites.empty() && (!WaitedEntry || HelpersSingle);
  for (const CallSite &Site : Sites) {
    ProcessContext C = Site.Caller
                           ? processContext(Site.Caller, Site.Call, Depth + 1, CallersElsewhere)
                           : ProcessContext::Unknown;
    if (C == ProcessContext::Several)
      return ProcessContext::Several;
    AllSingle &= C == ProcessContext::Single;
  }
  if (AllSingle && !FD->isExternallyVisible() && !index().AddressTaken.lookup(FD))
    return ProcessContext::Single;
  // Callers in other files, as the project index resolved them.
  if (const FunctionFacts *F = CallersElsewhere ? indexed(FD, Aspect::Context) : nullptr) {
    if (F->Context == ProcessContextFact::Several)
      return ProcessContext::Several;
    if (F->Context == ProcessContextFact::Single && (Sites.empty() || AllSingle) &&
        !index().AddressTaken.lookup(FD))
      return ProcessContext::Single;
  }
  return ProcessContext::Unknown;
}

bool ProcessModel::isChildEntry(const FunctionDecl *FD, const CallExpr **Via) {
  FD = definitionOf(FD);
  if (!FD)
    return false;
  if (auto It = ChildEntries.find(FD); It != ChildEntries.end()) {
    if (Via)
      *Via = It->second.second;
    return It->second.first;
  }
  ChildEntries[FD] = {false, nullptr}; // (recursion: not known to be one)
  std::pair<bool, const CallExpr *> Found = {R->isChildEntry(ruleName(FD)), nullptr};
  if (!Found.first)
    for (auto [CE, Arg] : index().FunctionArgs.lookup(FD)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (Callee && definitionOf(Callee) != FD &&
          llvm::is_contained(childCallbacks(Callee), Arg)) {
        Found = {true, CE};
        break;
      }
    }
  ChildEntries[FD] = Found;
  if (Via)
    *Via = Found.second;
  return Found.first;
}

ProcessModel::ProcessContext ProcessModel::concurrentContext(const FunctionDecl *FD,
                                                            const Stmt *S) {
  ProcessContext C = processContext(FD, S);
  FD = definitionOf(FD);
  if (C != ProcessContext::Several || !FD || !mayFork(FD) || !FD->getBody())
    return C;
  // Code a child runs alone, and code the parent runs only once it has
  // waited for the child, run in one process at a time, as the function's
  // own code does: their context is the function's.
  bool Ordered = false;
  for (const ForkRegions &F : forks(FD)) {
    RoleSet R = F.rolesOf(S);
    if (!(R & (RoleChild | RoleParent)))
      continue;
    if (R == RoleChild ? childRunsAlone(F) : parentRunsAfterChild(F, S))
      Ordered = true;
    else
      return C;
  }
  return Ordered ? processContext(FD, FD->getBody()) : C;
}

ProcessModel::ProcessContext ProcessModel::concurrentContext(const FunctionDecl *FD,
                                                            const Stmt *S,
                                                            const SharedOrigin &Source) {
  ProcessContext C = concurrentContext(FD, S);
  // (Memory reached through a field may be one other processes reach.)
  if (C == ProcessContext::Single || !Source.Fresh || Source.ViaField || !Source.Anchor)
    return C;
  const FunctionDecl *Maker = callerOf(Source.Anchor);
  if (!Maker)
    return C;
  llvm::SmallVector<const FunctionDecl *, 4> Chain;
  unsigned Steps = 0;
  std::optional<ProcessContext> Since =
      sinceMapping(FD, S, Maker, Source.Anchor, Chain, Steps);
  return Since == ProcessContext::Single ? ProcessContext::Single : C;
}

std::optional<ProcessModel::ProcessContext>
ProcessModel::sinceMapping(const FunctionDecl *FD, const Stmt *S, const FunctionDecl *Maker,
                           const CallExpr *Map,
                           llvm::SmallVectorImpl<const FunctionDecl *> &Chain,
                           unsigned &Steps) {
  FD = definitionOf(FD);
  if (!FD || !FD->getBody() || Chain.size() > 8 || ++Steps > 256)
    return std::nullopt;
  // The processes FD's own forks make: those forked after the mapping hold
  // it, unless one runs at a time (a child alone, a parent after the wait).
  if (mayFork(FD))
    for (const ForkRegions &F : forks(FD)) {
      RoleSet R = F.rolesOf(S);
      if (!(R & (RoleChild | RoleParent)))
        continue;
      if (FD == Maker && !reaches(FD, Map, F.Site.Call))
        continue; // forked before the mapping: each process maps its own
      if (R == RoleChild ? childRunsAlone(F) : parentRunsAfterChild(F, S))
        continue;
      return ProcessContext::Several;
    }
  if (FD == Maker) {
    if (dominates(FD, Map, S))
      return ProcessContext::Single;
    return std::nullopt; // a path may reach S with a mapping made before
  }
  // A recursive call runs where the outer call of FD runs, which the walk
  // is already asking about.
  if (llvm::is_contained(Chain, FD))
    return ProcessContext::Single;
  // Another function: every way it runs must come from the maker, after the
  // mapping. Other files, and pointers to it, may run it from anywhere.
  if (FD->isMain() || FD->isExternallyVisible())
    return std::nullopt;
  const TUIndex &I = index();
  std::vector<std::pair<const CallExpr *, unsigned>> Uses = I.FunctionArgs.lookup(FD);
  if (I.AddressUses.lookup(FD) != Uses.size())
    return std::nullopt;
  Chain.push_back(FD);
  auto Through = [&](const CallExpr *Call,
                     const FunctionDecl *Caller) -> std::optional<ProcessContext> {
    return Caller ? sinceMapping(Caller, Call, Maker, Map, Chain, Steps) : std::nullopt;
  };
  auto Done = [&](std::optional<ProcessContext> C) {
    Chain.pop_back();
    return C;
  };
  bool Any = false;
  // Handed to a helper that runs it in a child and waits for it: the child
  // runs alone, where the helper's call runs.
  for (auto [CE, Arg] : Uses) {
    const FunctionDecl *Helper = CE->getDirectCallee();
    if (!Helper || !llvm::is_contained(childCallbacks(Helper), Arg) || !waitsForChild(Helper))
      return Done(std::nullopt);
    std::optional<ProcessContext> C = Through(CE, callerOf(CE));
    if (C != ProcessContext::Single)
      return Done(C);
    Any = true;
  }
  for (const CallSite &Site : callSites(FD)) {
    std::optional<ProcessContext> C = Through(Site.Call, Site.Caller);
    if (C != ProcessContext::Single)
      return Done(C);
    Any = true;
  }
  return Done(Any ? std::optional(ProcessContext::Single) : std::nullopt);
}

const FunctionDecl *ProcessModel::callerOf(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return nullptr;
  for (const CallSite &Site : callSites(Callee))
    if (Site.Call == CE)
      return Site.Caller;
  return nullptr;
}

bool ProcessModel::parentRunsAfterChild(const ForkRegions &F, const Stmt *S) {
  // Every parent path to S has waited since the fork, and no path forks
  // again before waiting (then a wait reaps one of several children).
  return !(F.rolesOf(S) & RoleChild) && !(F.unwaitedRolesOf(S) & RoleParent) &&
         !F.ParentReforksBeforeWait && !F.Site.Rule.Vfork;
}

bool ProcessModel::childRunsAlone(const ForkRegions &F) {
  auto [It, New] = Alone.try_emplace(&F, false);
  if (!New)
    return It->second;
  if (F.Site.Rule.Vfork || !F.ParentWaitsBeforeReturn || F.ParentReforksBeforeWait)
    return false;
  MemoryEffects &ME = memoryEffects();
  llvm::SmallVector<MemLoc, 4> Locs;
  auto OwnLocal = [](const MemLoc &L) {
    return L.Var && !L.throughPointer() && !L.Var->hasGlobalStorage();
  };
  for (auto [S, Unwaited] : F.UnwaitedRoles) {
    if (!(Unwaited & RoleParent))
      continue;
    Locs.clear();
    ME.directWrites(S, Locs);
    if (!llvm::all_of(Locs, OwnLocal))
      return false;
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && CE != F.Site.Call && !mayWait(CE)) {
      std::vector<MemWrite> W;
      ME.callWrites(CE, W);
      if (!llvm::all_of(W, [&](const MemWrite &X) { return OwnLocal(X.Loc); }))
        return false;
    }
  }
  return Alone[&F] = true;
}

bool ProcessModel::waitsForChild(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  if (!FD)
    return false;
  if (!FD->hasBody()) {
    const FunctionFacts *F = external(FD, Aspect::Child);
    return F && F->ChildWaited;
  }
  if (!mayFork(FD) || forks(FD).empty())
    return false;
  // (A helper that forks again before it waits runs several children at
  // once: one wait reaps one of them.)
  return llvm::all_of(forks(FD), [](const ForkRegions &F) {
    return F.ParentWaitsBeforeReturn && !F.ParentReforksBeforeWait;
  });
}

std::vector<unsigned> ProcessModel::childCallbacks(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  if (!FD)
    return {};
  if (!FD->hasBody()) {
    const FunctionFacts *F = external(FD, Aspect::Child);
    return F ? F->ChildCallbacks : std::vector<unsigned>();
  }
  auto [It, New] = Callbacks.try_emplace(FD);
  if (!New)
    return It->second.value_or(std::vector<unsigned>()); // known, or recursion
  std::vector<unsigned> Out;
  auto ParamOf = [&](const Expr *E) -> int {
    E = E->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_Deref)
      E = UO->getSubExpr()->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl()); P && P->getDeclContext() == FD)
        return int(P->getFunctionScopeIndex());
    return -1;
  };
  auto Add = [&](int P) {
    if (P >= 0 && !llvm::is_contained(Out, unsigned(P)))
      Out.push_back(unsigned(P));
  };
  if (mayFork(FD)) {
    // A function parameter called in code only a child runs, which never
    // comes back to the caller (the helper's child ends).
    for (const ForkRegions &F : forks(FD)) {
      if (F.Site.ChildElsewhere || F.Site.Rule.Vfork ||
          (F.Escape && F.Escape->K == ChildEscape::ReturnsToCaller))
        continue;
      for (const auto &[S, Roles] : F.Roles)
        if (const auto *CE = dyn_cast<CallExpr>(S); CE && Roles == RoleChild &&
                                                    !CE->getDirectCallee())
          Add(ParamOf(CE->getCallee()));
    }
    // Handed on to another such helper.
    for (const CallExpr *CE : callsIn(FD)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (!Callee || definitionOf(Callee) == FD)
        continue;
      for (unsigned J : childCallbacks(Callee))
        if (J < CE->getNumArgs())
          Add(ParamOf(CE->getArg(J)));
    }
  }
  llvm::sort(Out);
  Callbacks[FD] = Out;
  return Out;
}

} // namespace procshare
