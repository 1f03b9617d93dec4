//===- ChildWriteNotPropagatedCheck.cpp - procshare-child-write-not-propagated ===//

#include "checks/ChildWriteNotPropagatedCheck.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace procshare {

namespace {

struct ChildWrite {
  MemLoc Loc;
  const Stmt *At;       ///< the write, or the call that writes
  const Stmt *InCallee; ///< the write inside the called function, if any
  const FunctionDecl *Callee;
  SourcePoint Elsewhere = {}; ///< the write, in a function of another file
};

/// What a parent statement after the fork writes and reads (reads only when
/// it runs after a wait), computed once per statement and shared by the
/// search for every place the child writes.
struct ParentEffects {
  std::vector<MemLoc> Writes, Reads;
};

class ParentEffectCache {
public:
  ParentEffectCache(const ForkRegions &F, const ParentMap &PM, MemoryEffects &ME,
                    const llvm::SmallPtrSetImpl<const FunctionDecl *> &ChildCallees)
      : F(F), PM(PM), ME(ME), ChildCallees(ChildCallees) {}

  const ParentEffects &of(const Stmt *S) {
    auto [It, Inserted] = Cache.try_emplace(S);
    if (!Inserted)
      return It->second;
    ParentEffects E;
    const auto *Call = dyn_cast<CallExpr>(S);
    const FunctionDecl *Callee = Call ? ME.summarisedCallee(Call) : nullptr;
    llvm::SmallVector<MemLoc, 4> Locs;
    ME.directWrites(S, Locs);
    E.Writes.assign(Locs.begin(), Locs.end());
    if (Callee) {
      std::vector<MemWrite> W;
      ME.callWrites(Call, W);
      for (const MemWrite &X : W)
        E.Writes.push_back(X.Loc);
    }
    // Reads inside functions the child calls too are that function using its
    // own process's copy (a logging helper reading a worker id): no evidence
    // that the parent expects the child's value.
    if (F.waitedRolesOf(S) & RoleParent) {
      Locs.clear();
      ME.directReads(S, PM, Locs);
      E.Reads.assign(Locs.begin(), Locs.end());
      if (Callee && !ChildCallees.count(Callee))
        ME.callReads(Call, E.Reads);
    }
    It->second = std::move(E); // nothing above touches the cache
    return It->second;
  }

private:
  const ForkRegions &F;
  const ParentMap &PM;
  MemoryEffects &ME;
  const llvm::SmallPtrSetImpl<const FunctionDecl *> &ChildCallees;
  llvm::DenseMap<const Stmt *, ParentEffects> Cache;
};

/// The first statement on a parent path after the fork that reads \p Loc
/// after waiting for the child, with no parent write of \p Loc before it.
const Stmt *parentReadAfterWait(ProcessModel &M, const ForkRegions &F,
                                ParentEffectCache &Effects, const MemLoc &Loc) {
  const Stmt *Found = nullptr;
  walkPaths(M, F.Function, F.Site.Call, [&](const Stmt *S) {
    RoleSet Roles = F.rolesOf(S);
    if (Found || !(Roles & RoleParent))
      return false; // not the parent's path
    if (Roles & RoleChild)
      return true; // shared with an escaped child: not the parent's own view
    const ParentEffects &PE = Effects.of(S);
    if (llvm::any_of(PE.Reads, [&](const MemLoc &R) { return R.readSees(Loc); })) {
      Found = S;
      return false;
    }
    // A parent write after the fork replaces whatever it would read.
    return llvm::none_of(PE.Writes, [&](const MemLoc &W) { return W.covers(Loc); });
  });
  return Found;
}

} // namespace

void ChildWriteNotPropagatedCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  // vfork children share memory until exec (vfork-misuse's concern); a
  // child the analysis cannot tell apart has no region.
  if (F.Site.Rule.Vfork || !F.ChildIsolated)
    return;
  // A child that calls exec* is preparing to run another program: what it
  // writes is set-up for that (util-linux more's child resets the tty state
  // kept in a struct before exec), never a result meant for the parent.
  for (const auto &[S, Roles] : F.Roles)
    if (const auto *CE = dyn_cast<CallExpr>(S); CE && Roles == RoleChild)
      if (const FunctionDecl *Callee = CE->getDirectCallee())
        if (M.rules().isExec(ProcessModel::ruleName(Callee)))
          return;
  const FunctionDecl *FD = F.Function;
  const CFG *G = M.cfg(FD);
  const ParentMap *PM = M.parents(FD);
  if (!G || !PM)
    return;
  // A child that returns to its caller with nothing here ending it lives on
  // as a process of its own (lighttpd's worker leaves the spawn loop, drops
  // the pid file name and returns 1): what it writes sets itself up, it is
  // no result handed back on exit. (Returning from main ends it.)
  if (!FD->isMain()) {
    bool Returns = F.ChildFallsOffEnd, Ends = false;
    for (const auto &[S, Roles] : F.Roles) {
      if (!(Roles & RoleChild))
        continue;
      Returns |= isa<ReturnStmt>(S);
      if (const auto *CE = dyn_cast<CallExpr>(S); CE && Roles == RoleChild)
        Ends |= M.callEffect(CE, *PM) == CallEffect::Ends;
    }
    if (Returns && !Ends)
      return;
  }
  MemoryEffects &ME = M.memoryEffects();
  SharedMemory &SM = M.sharedMemory();
  const SourceManager &SrcMgr = M.context().getSourceManager();

  // Locals of the forking function that exist before the fork.
  llvm::DenseSet<const VarDecl *> PreFork;
  for (const ParmVarDecl *P : FD->parameters())
    PreFork.insert(P->getCanonicalDecl());
  for (const auto &[S, Roles] : F.Roles)
    if (const auto *DS = dyn_cast<DeclStmt>(S); DS && (Roles & RolePre))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          PreFork.insert(VD->getCanonicalDecl());

  // What the child writes, in source order.
  std::vector<const Stmt *> ChildStmts;
  for (const auto &[S, Roles] : F.Roles)
    if (Roles == RoleChild)
      ChildStmts.push_back(S);
  llvm::sort(ChildStmts, [&](const Stmt *A, const Stmt *B) {
    return SrcMgr.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
  });
  std::vector<ChildWrite> Writes;
  llvm::SmallPtrSet<const FunctionDecl *, 8> ChildCallees;
  llvm::SmallVector<MemLoc, 4> Locs;
  for (const Stmt *S : ChildStmts) {
    Locs.clear();
    ME.directWrites(S, Locs);
    for (const MemLoc &L : Locs)
      Writes.push_back({L, S, nullptr, nullptr});
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const FunctionDecl *Callee = ME.summarisedCallee(CE)) {
        ChildCallees.insert(Callee);
        std::vector<MemWrite> W;
        ME.callWrites(CE, W);
        for (const MemWrite &X : W)
          Writes.push_back({X.Loc, CE, X.At, Callee, X.Elsewhere});
      }
  }

  // Memory that exists in both processes and is not shared.
  const auto *Method = dyn_cast<CXXMethodDecl>(FD);
  auto InBothProcesses = [&](const MemLoc &L) {
    if (L.throughPointer() &&
        !(L.PointerDecl && SM.ofDecl(L.PointerDecl, nullptr, ProvenanceQuestion::IsPrivate) == Provenance::Private))
      return false; // shared memory, or memory the analysis cannot place
    if (L.isThis())
      return Method && Method->isInstance();
    return L.Var->hasGlobalStorage() || PreFork.count(L.Var);
  };

  // Globals the child itself tests in a branch (its loop's `while
  // (!exit_backend)`, in its code or in what it calls) are its own control
  // flags: writing them steers the child, not the parent (fio's connection
  // handler). Computed on first need.
  std::optional<llvm::DenseSet<const VarDecl *>> ChildFlags;
  auto IsChildFlag = [&](const MemLoc &L) {
    if (!L.Var || !L.Path.empty() || !L.Var->hasGlobalStorage())
      return false;
    if (!ChildFlags) {
      ChildFlags.emplace();
      ME.conditionGlobals(*G, *ChildFlags,
                          [&](const Stmt *Cond) { return F.rolesOf(Cond) == RoleChild; });
      // Breadth first, nearest callees first, up to a bound.
      std::vector<const FunctionDecl *> Work(ChildCallees.begin(), ChildCallees.end());
      if (F.Site.ChildEntry)
        Work.push_back(F.Site.ChildEntry); // a spawn helper's child runs it
      llvm::sort(Work, [&](const FunctionDecl *A, const FunctionDecl *B) {
        return SrcMgr.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
      });
      llvm::SmallPtrSet<const FunctionDecl *, 16> Seen(Work.begin(), Work.end());
      for (size_t Next = 0; Next < Work.size() && Next < 256; ++Next) {
        const FunctionDecl *Callee = Work[Next];
        if (SrcMgr.isInSystemHeader(Callee->getLocation()))
          continue;
        if (const CFG *CG = M.cfg(Callee))
          ME.conditionGlobals(*CG, *ChildFlags, [](const Stmt *) { return true; });
        // A function of another file: the globals it tests (its lazily made
        // state, `if (fio_ts) return;`), as the index has them.
        if (const FunctionFacts *Facts = M.external(Callee, Aspect::Memory))
          for (const IndexPlace &P : Facts->Tests)
            if (const VarDecl *V = M.globalVar(P.Global))
              ChildFlags->insert(V->getCanonicalDecl());
        for (const CallExpr *CE : M.callsIn(Callee))
          if (const FunctionDecl *Called = ME.summarisedCallee(CE))
            if (Seen.insert(Called).second)
              Work.push_back(Called);
      }
    }
    return ChildFlags->count(L.Var) > 0;
  };

  // What the child hands on through its exit status (`rc = run();
  // _exit(rc);`: the check's own advice for a small integer), what the
  // parent itself writes after the fork (its own state: stress-ng's
  // `cpu_idx = next(cpu_idx)` in the parent's loop, `rc = WEXITSTATUS(...)`)
  // and the variable that holds the fork result (the child's `pid =
  // getpid()`): none of them is a result the parent waits for.
  std::vector<MemLoc> Owned;
  for (const auto &[S, Roles] : F.Roles) {
    const auto *CE = dyn_cast<CallExpr>(S);
    if (Roles == RoleChild && CE)
      if (const FunctionDecl *Callee = CE->getDirectCallee();
          Callee && (M.rules().isTerminate(ProcessModel::ruleName(Callee)) ||
                     M.rules().isExit(ProcessModel::ruleName(Callee))))
        for (const Expr *Arg : CE->arguments())
          if (std::optional<MemLoc> L = ME.locationOf(Arg->IgnoreParenImpCasts()))
            Owned.push_back(*L);
    if ((Roles & RoleParent) && !(Roles & RoleChild)) {
      Locs.clear();
      ME.directWrites(S, Locs);
      Owned.insert(Owned.end(), Locs.begin(), Locs.end());
      // A call the analysis cannot follow (through a pointer, stress-ng
      // open's `open_funcs[idx](..., &duration, &count)`) handed a place's
      // address may write it: the parent keeps that place up itself.
      // (A library call the rules describe writes only what they say.)
      const FunctionDecl *Direct = CE ? CE->getDirectCallee() : nullptr;
      if (CE && !ME.summarisedCallee(CE) &&
          !(Direct && M.rules().writeThroughArg(ProcessModel::ruleName(Direct)) >= 0))
        for (const Expr *Arg : CE->arguments())
          if (const auto *UO = dyn_cast<UnaryOperator>(Arg->IgnoreParenImpCasts());
              UO && UO->getOpcode() == UO_AddrOf)
            if (std::optional<MemLoc> L = ME.locationOf(UO->getSubExpr()->IgnoreParenImpCasts()))
              Owned.push_back(*L);
    }
  }
  {
    const Stmt *Holder = PM->getParentIgnoreParenImpCasts(const_cast<CallExpr *>(F.Site.Call));
    const VarDecl *Pid = nullptr;
    if (const auto *BO = dyn_cast_or_null<BinaryOperator>(Holder); BO && BO->isAssignmentOp())
      if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        Pid = dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(Holder); DS && DS->isSingleDecl())
      Pid = dyn_cast<VarDecl>(DS->getSingleDecl());
    if (Pid) {
      MemLoc L;
      L.Var = Pid->getCanonicalDecl();
      Owned.push_back(L);
    }
  }
  auto IsOwned = [&](const MemLoc &L) {
    return llvm::any_of(Owned, [&](const MemLoc &O) { return O.overlaps(L); });
  };

  // One finding per place and per child statement (a helper writing several
  // fields is one finding, at the call).
  std::vector<MemLoc> Reported;
  llvm::SmallPtrSet<const Stmt *, 8> ReportedAt;
  ParentEffectCache Effects(F, *PM, ME, ChildCallees);
  for (const ChildWrite &W : Writes) {
    if (!InBothProcesses(W.Loc) || ReportedAt.count(W.At) ||
        llvm::any_of(Reported, [&](const MemLoc &R) { return R.overlaps(W.Loc); }))
      continue;
    const Stmt *Read = parentReadAfterWait(M, F, Effects, W.Loc);
    if (!Read || IsOwned(W.Loc) || IsChildFlag(W.Loc))
      continue;
    // A volatile global that a function the child calls sets is the
    // process's own asynchronous flag (stress-ng's g_stress_continue_flag,
    // which its signal handlers and error paths clear to stop the process
    // they run in): it steers the child.
    if (W.Callee && W.Loc.Var && W.Loc.Path.empty() && W.Loc.Var->hasGlobalStorage() &&
        W.Loc.Var->getType().isVolatileQualified())
      continue;
    Reported.push_back(W.Loc);
    ReportedAt.insert(W.At);
    std::string Name = W.Loc.display();
    std::string Fork = calleeName(F.Site.Call);
    if (!W.Callee)
      diag(W.At->getBeginLoc(),
           "the child created by '%0' writes '%1', which the parent reads after "
           "waiting; the child changes only its own copy of memory: share the "
           "value through a MAP_SHARED|MAP_ANONYMOUS mapping created before the "
           "fork (with atomics or a process-shared lock if several processes "
           "write), a pipe, or the exit status for a small integer")
          << Fork << Name;
    const auto *CalleeMethod = dyn_cast_or_null<CXXMethodDecl>(W.Callee);
    std::string Where = CalleeMethod && CalleeMethod->getParent()->isLambda()
                            ? "a lambda"
                            : W.Callee ? "'" + W.Callee->getNameAsString() + "'" : "";
    if (W.Callee)
      diag(W.At->getBeginLoc(),
           "the child created by '%0' writes '%1' in %2, which the parent reads "
           "after waiting; the child changes only its own copy of memory: share "
           "the value through a MAP_SHARED|MAP_ANONYMOUS mapping created before "
           "the fork (with atomics or a process-shared lock if several processes "
           "write), a pipe, or the exit status for a small integer")
          << Fork << Name << Where;
    SourceLocation InCallee = W.InCallee ? W.InCallee->getBeginLoc() : M.location(W.Elsewhere);
    if (InCallee.isValid())
      diag(InCallee, "%0 writes '%1' here", DiagnosticIDs::Note) << Where << Name;
    noteFork(F);
    diag(Read->getBeginLoc(), "the parent reads its own, unchanged copy here",
         DiagnosticIDs::Note);
  }
}

} // namespace procshare
