//===- ProcessRegions.cpp - Which process runs each statement -------------===//

#include "checks/analysis/ProcessRegions.h"
#include "checks/analysis/AstNames.h"
#include "checks/analysis/ProcessModel.h"
#include "checks/analysis/RegionState.h"
#include "checks/analysis/RegionValues.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/BitVector.h"
#include <array>
#include <set>
#include <deque>
#include <limits>

using namespace clang;

namespace procshare {



using namespace regions;

namespace {

/// A return of the function seen with child paths in its state.
struct ReturnEvent {
  const ReturnStmt *Ret = nullptr; // null: falls off the end
  const Stmt *Last = nullptr;      // the last statement before falling off
  bool ChildOnly = false;
  bool Hidden = false;
  bool ExecOnly = false;
  const CallExpr *Exec = nullptr;
  bool ReturnsForkValue = false;
  bool StoresPid = false;
  std::optional<int64_t> Constant; // the value returned, when a constant
};

struct Candidate {
  ChildEscape E;
  bool Hidden = false;
  const CFGBlock *Target = nullptr; // the shared block the child enters
};

class Dataflow : private RegionValues {
public:
  Dataflow(ProcessModel &M, const FunctionDecl *FD, const CFG &G,
           const ParentMap &PM, const ForkSite *Site)
      : RegionValues(M, FD, PM, Site), G(G), In(G.getNumBlockIDs()) {}

  void solve() {
    In[G.getEntry().getBlockID()].C = combo(RolePre);
    std::deque<const CFGBlock *> Work{&G.getEntry()};
    llvm::BitVector Queued(G.getNumBlockIDs());
    Queued.set(G.getEntry().getBlockID());
    size_t Budget = 64 * (G.getNumBlockIDs() + 8);
    while (!Work.empty() && Budget--) {
      const CFGBlock *B = Work.front();
      Work.pop_front();
      Queued.reset(B->getBlockID());
      State Out = In[B->getBlockID()];
      for (const CFGElement &E : *B)
        transfer(E, Out);
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        const CFGBlock *S = Succ.getReachableBlock();
        unsigned Index = I++;
        if (!S)
          continue;
        if (In[S->getBlockID()].join(edge(*B, Out, Index, *S)) &&
            !Queued.test(S->getBlockID())) {
          Queued.set(S->getBlockID());
          Work.push_back(S);
        }
      }
    }
  }

  PathEndings endings() const {
    PathEndings P;
    Combos C = In[G.getExit().getBlockID()].C;
    P.Returns = C != 0;
    P.ReturnsOnlyAfterExecFailure = allHave(C, FlagExecFailed);
    P.ReturnsOnlyThroughUnknownCall = allHave(C, FlagUnknownTail);
    return P;
  }

  /// The recording pass over the solved states.
  ForkRegions record() {
    ForkRegions R;
    R.Site = *Site;
    R.Function = FD;
    Recording = &R;
    OutStates.assign(G.getNumBlockIDs(), State());
    std::vector<Candidate> Candidates;
    const CFGBlock &Exit = G.getExit();
    for (const CFGBlock *B : G) {
      const State &Start = In[B->getBlockID()];
      if (!Start.C)
        continue;
      RoleSet StartRoles = rolesIn(Start.C);
      if ((StartRoles & RoleChild) && !(StartRoles & RoleParent))
        R.ChildIsolated = true;
      State Out = Start;
      CurrentBlock = B;
      for (const CFGElement &E : *B)
        transfer(E, Out);
      OutStates[B->getBlockID()] = Out;
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        const CFGBlock *S = Succ.getReachableBlock();
        unsigned Index = I++;
        if (!S)
          continue;
        State EdgeState = edge(*B, Out, Index, *S);
        if (S == &Exit && !endsWithReturn(*B) && (rolesIn(EdgeState.C) & RoleParent) &&
            !allHave(keepRoles(EdgeState.C, RoleParent), FlagWaited))
          R.ParentWaitsBeforeReturn = false; // (falls off the end)
        Combos Child = keepRoles(EdgeState.C, RoleChild);
        if (!Child)
          continue;
        bool ChildOnly = !(rolesIn(EdgeState.C) & RoleParent);
        if (S == &Exit) {
          if (!endsWithReturn(*B)) {
            ReturnEvent Ev;
            Ev.Last = lastStatement(*B);
            Ev.ChildOnly = ChildOnly;
            Ev.Hidden = allHave(Child, FlagUnknownTail);
            Ev.ExecOnly = allHave(Child, FlagExecFailed);
            Ev.Exec = EdgeState.LastExec;
            Returns.push_back(Ev);
          }
          continue;
        }
        if (!ChildOnly || !(rolesIn(In[S->getBlockID()].C) & RoleParent))
          continue;
        Candidate Cand;
        Cand.Target = S;
        // Hidden when the child, or every parent path into the shared code,
        // last called a function that may not return (screen's parent ends
        // in Attacher(), defined in another file).
        Cand.Hidden = allHave(Child, FlagUnknownTail) ||
                      allHave(keepRoles(In[S->getBlockID()].C, RoleParent),
                              FlagUnknownTail);
        Cand.E.OnlyIfExecFails = allHave(Child, FlagExecFailed);
        Cand.E.Exec = EdgeState.LastExec;
        Cand.E.ChildStmt = leavingStatement(*B);
        if (const Stmt *Tail = trivialTailFrom(M, PM, *S, 0)) {
          if (!isa<ReturnStmt>(Tail))
            continue; // the shared code only ends the process
          Cand.E.K = ChildEscape::ReturnsToCaller;
          Cand.E.ParentStmt = Tail;
        } else {
          Cand.E.K = ChildEscape::FallsIntoParent;
          Cand.E.ParentStmt = firstStatement(*S);
        }
        Candidates.push_back(Cand);
      }
    }
    Recording = nullptr;

    // Entering a shared block that only tests a condition, and whose branch
    // sends the child and the parent different ways, is no escape: the child
    // merely routes itself (lighttpd's `while (!child && ...)`). Shared code
    // with effects further on makes a candidate of its own.
    llvm::erase_if(Candidates, [&](const Candidate &C) {
      return C.Target && routesApart(*C.Target, 0);
    });
    // Shared code reached with a role flag, a variable holding different
    // constants in the child and the parent (haproxy's `in_parent = 1` in the
    // parent's branch), is shared on purpose: the program still tells the
    // processes apart and routes them by the flag.
    llvm::erase_if(Candidates, [&](const Candidate &C) {
      return C.Target && C.E.K == ChildEscape::FallsIntoParent &&
             hasRoleFlag(In[C.Target->getBlockID()]);
    });
    // Likewise shared code after which every child path comes to a branch
    // of its own that ends it (stress-ng's mmapcow: both processes exercise
    // the mapping, then `if (pid == 0) _exit(0); else waitpid(...)`).
    llvm::erase_if(Candidates, [&](const Candidate &C) {
      return C.Target && C.E.K == ChildEscape::FallsIntoParent && childEndsApart(*C.Target);
    });

    // A child returning to the caller is only an escape when the parent
    // returns too; when the parent always exits (daemonization) only the
    // child carries on, as intended.
    // Likewise when every caller ends the process right after the call, and
    // when the parent stays in a server loop (below).
    bool ParentReturns = parentReturnsFromForkIteration();
    R.ParentSurvives = parentSurvivesFork();
    if (ParentReturns && M.returnEndsProcess(FD))
      ParentReturns = false;
    if (!ParentReturns)
      llvm::erase_if(Candidates, [](const Candidate &C) {
        return C.E.K == ChildEscape::ReturnsToCaller;
      });

    // Fork wrappers: every child return hands back the fork result.
    bool AnyChildReturn = false, AllChildReturnsPid = true;
    for (const ReturnEvent &Ev : Returns) {
      AnyChildReturn = true;
      if (!Ev.Ret && Ev.ChildOnly && !R.ChildFallsOffEnd) {
        R.ChildFallsOffEnd = true;
        R.ChildLastBeforeEnd = Ev.Last;
      }
      // A child return reached only through a call that may not return
      // (nginx's ngx_spawn_process calls the worker loop through a pointer)
      // does not make a fork wrapper: its callers would see a child that
      // never comes back.
      AllChildReturnsPid &= Ev.Ret && Ev.ReturnsForkValue && !Ev.Hidden;
      R.StoresPidForCaller |= Ev.StoresPid;
      // A child that returns a constant the parent never returns is told
      // apart by its caller (redis's ldbStartSession returns 1 in the child
      // and 0 in the parent; nginx's ngx_daemon 0 or -1 in the child and the
      // pid, always positive, in the parent): the caller decides what the
      // child runs.
      bool Distinguished = Ev.Constant && !ParentReturnsOther &&
                           !ParentConstants.count(*Ev.Constant) &&
                           !(ParentReturnsPid && *Ev.Constant > 0);
      if (Ev.ChildOnly && ParentReturns && !Distinguished) {
        Candidate Cand;
        Cand.E.K = ChildEscape::ReturnsToCaller;
        Cand.E.ChildStmt = Ev.Ret ? static_cast<const Stmt *>(Ev.Ret) : Ev.Last;
        Cand.E.ParentStmt = Ev.Ret;
        Cand.E.OnlyIfExecFails = Ev.ExecOnly;
        Cand.E.Exec = Ev.Exec;
        Cand.Hidden = Ev.Hidden;
        Candidates.push_back(Cand);
      }
    }
    R.ReturnsPidToCaller =
        AnyChildReturn && AllChildReturnsPid && ParentReturnsDistinct;

    // Pick the escape to report: a loop back to the fork first, then the
    // earliest fall into parent code, then a return to the caller.
    auto Rank = [&](const Candidate &C) {
      return C.E.K == ChildEscape::FallsIntoParent ? 0 : 1;
    };
    auto Pick = [&](bool Hidden) -> std::optional<ChildEscape> {
      const Candidate *Best = nullptr;
      for (const Candidate &C : Candidates)
        if (C.Hidden == Hidden &&
            (!Best || Rank(C) < Rank(*Best) ||
             (Rank(C) == Rank(*Best) && locOf(C) < locOf(*Best))))
          Best = &C;
      if (!Best)
        return std::nullopt;
      ChildEscape E = Best->E;
      // (Up to 2^N processes only when the parent forks again too: a chain
      // whose parent leaves the loop, stress-ng's daemon, falls into the
      // parent's code instead.)
      if (R.Reforks && ParentReforks && E.K == ChildEscape::FallsIntoParent)
        E.K = ChildEscape::LoopsToFork;
      return E;
    };
    R.Escape = Pick(false);
    R.EscapeAfterUnknownCall = Pick(true);
    return R;
  }

private:
  const CFG &G;
  bool ParentReforks = false; // the parent comes back to the fork
  std::vector<State> In;
  ForkRegions *Recording = nullptr;
  std::vector<ReturnEvent> Returns;
  bool ParentReturnsDistinct = true;
  /// The constants the parent (or the failure path) returns, and whether
  /// it also returns something else.
  std::set<int64_t> ParentConstants;
  bool ParentReturnsPid = false, ParentReturnsOther = false;
  const CFGBlock *CurrentBlock = nullptr;
  const CFGBlock *ForkBlock = nullptr;
  std::vector<State> OutStates; // per block, filled by the recording pass

  /// Whether the parent returns from the function in the iteration that
  /// forked: on a path from the fork that takes no loop back edge. A return
  /// reached only in a later iteration belongs to later forks, and is often
  /// infeasible with this one: a server's accept loop returns in the child
  /// to handle the connection while the parent loops on, and its other exits
  /// are taken only in modes where it does not fork (sshd's debug mode).
  bool parentReturnsFromForkIteration() const {
    return parentPathReaches(/*AcrossIterations=*/false);
  }

  /// Whether some parent path from the fork returns from the function or
  /// comes back to the fork, rather than ending the process (a loop that
  /// only waits, as a daemonizing parent does before it exits, is no way
  /// out).
  bool parentSurvivesFork() const {
    return !ForkBlock || parentPathReaches(/*AcrossIterations=*/true);
  }

  /// Follows the parent's own paths from the fork (not into a noreturn
  /// call's edge to the exit, nor into a branch its pid rules out): do they
  /// reach the function's exit? With \p AcrossIterations, loop back edges
  /// are followed and coming back to the fork counts as well; without, a
  /// back edge ends the path.
  bool parentPathReaches(bool AcrossIterations) const {
    if (!ForkBlock)
      return false;
    const CFGBlock &Exit = G.getExit();
    llvm::BitVector Seen(G.getNumBlockIDs());
    std::vector<const CFGBlock *> Work{ForkBlock};
    Seen.set(ForkBlock->getBlockID());
    while (!Work.empty()) {
      const CFGBlock *B = Work.back();
      Work.pop_back();
      if (B == &Exit)
        return true;
      if (!AcrossIterations && B != ForkBlock && B->getLoopTarget())
        continue; // a loop's back edge: the next iteration
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        const CFGBlock *S = Succ.getReachableBlock();
        unsigned Index = I++;
        if (!S ||
            !(rolesIn(edge(*B, OutStates[B->getBlockID()], Index, *S).C) & RoleParent))
          continue;
        if (AcrossIterations && S == ForkBlock)
          return true; // round a loop to the fork again
        if (Seen.test(S->getBlockID()))
          continue;
        Seen.set(S->getBlockID());
        Work.push_back(S);
      }
    }
    return false;
  }

  static SourceLocation locOf(const Candidate &C) {
    if (C.E.ParentStmt)
      return C.E.ParentStmt->getBeginLoc();
    return C.E.ChildStmt ? C.E.ChildStmt->getBeginLoc() : SourceLocation();
  }

  // --- Edges ----------------------------------------------------------

  State edge(const CFGBlock &B, const State &Out, unsigned Index,
             const CFGBlock &Succ) const {
    State E = Out;
    if (!E.C)
      return E;
    if (const Expr *Cond = branchCondition(B))
      if (auto Decided = decide(Cond))
        if (*Decided != (Index == 0)) {
          E.C = 0; // this edge cannot be taken
          return E;
        }
    if (!Site)
      return E;
    const Stmt *T = B.getTerminatorStmt();
    if (const auto *SW = dyn_cast_or_null<SwitchStmt>(T)) {
      if (isForkValue(SW->getCond(), Out))
        E.C = keepRoles(E.C, caseRoles(SW, Succ.getLabel()));
      return E;
    }
    if (const Expr *Cond = branchCondition(B)) {
      if (auto R = evalCond(Cond, Out))
        E.C = keepLanes(E.C, Index == 0 ? R->True : R->False);
      else
        learn(Cond, Index == 0, E);
    }
    return E;
  }

  // --- Transfer -------------------------------------------------------

  void assign(const std::string &Key, bool NonLocal, const Expr *RHS, State &S) {
    S.kill(Key);
    if (!RHS)
      return;
    Holder H;
    H.Key = Key;
    H.NonLocal = NonLocal;
    if (isForkValue(RHS, S)) {
      // In the child and on the failure path the result is one constant:
      // kept as that constant, it joins a path that set it (`pid = -1`).
      LaneSet Lanes = lanesIn(S.C) & ~PreLanes;
      for (unsigned L = 0; L < NumLanes; ++L) {
        if (!(Lanes & (1u << L)))
          continue;
        std::optional<int64_t> V = roleOfLane(L) == RoleParent ? std::nullopt
                                                               : singleValue(roleOfLane(L));
        if (V) {
          H.Known |= LaneSet(1u << L);
          H.Values[L] = *V;
        } else {
          H.PidLanes |= LaneSet(1u << L);
        }
      }
      if (!H.PidLanes) { // (a copy made where only the child runs)
        H.PidLanes = Lanes;
        H.Known = 0;
      }
      S.Holders.push_back(H);
      return;
    }
    if (auto R = evalCond(RHS, S)) {
      if (R->True != R->False) {
        H.K = Holder::Pred;
        H.TrueLanes = R->True;
        H.FalseLanes = R->False;
        S.Holders.push_back(H);
      }
      return;
    }
    if (isOwnPid(RHS)) {
      H.SelfLanes = lanesIn(S.C) & ~PreLanes;
      if (H.SelfLanes)
        S.Holders.push_back(H);
      return;
    }
    Expr::EvalResult Res;
    if (!RHS->isValueDependent() && RHS->EvaluateAsInt(Res, Ctx)) {
      H.Known = lanesIn(S.C);
      for (unsigned L = 0; L < NumLanes; ++L)
        H.Values[L] = Res.Val.getInt().getExtValue();
      S.Holders.push_back(H);
    }
  }

  void assign(const Expr *LHS, const Expr *RHS, State &S) {
    if (auto Key = keyOf(LHS))
      assign(*Key, isNonLocal(LHS), RHS, S);
  }

  void kill(const Expr *LHS, State &S) {
    if (auto Key = keyOf(LHS))
      S.kill(*Key);
  }

  /// `x += c`, `x -= c`, `x |= c`, ... and `x++`/`x--` (\p RHS null: by
  /// one): a constant \p LHS holds stays known where it was, wrapped to its
  /// type (`forked++` in the child makes the child's `if (forked) _exit(1)`
  /// a guard). Anything else forgets the place.
  void update(const Expr *LHS, BinaryOperatorKind Op, const Expr *RHS, State &S) {
    auto Key = keyOf(LHS);
    if (!Key)
      return;
    const Holder *Old = S.holder(*Key);
    QualType T = LHS->getType();
    Expr::EvalResult Res;
    std::optional<llvm::APSInt> By;
    if (!RHS)
      By = llvm::APSInt::get(1);
    else if (!RHS->isValueDependent() && RHS->EvaluateAsInt(Res, Ctx))
      By = Res.Val.getInt();
    if (!Old || Old->K != Holder::Value || !Old->Known || !By ||
        !T->isIntegerType() || T->isBooleanType()) {
      S.kill(*Key);
      return;
    }
    Holder H = *Old;
    S.kill(*Key);
    unsigned Width = Ctx.getIntWidth(T);
    bool Unsigned = T->isUnsignedIntegerOrEnumerationType();
    H.PidLanes = 0;
    for (unsigned L = 0; L < NumLanes; ++L) {
      if (!(H.Known & (1u << L)))
        continue;
      llvm::APSInt V(llvm::APInt(64, uint64_t(H.Values[L]), true), false);
      llvm::APSInt C = *By;
      C.setIsSigned(true);
      V = V.extOrTrunc(Width);
      C = C.extOrTrunc(Width);
      switch (Op) {
      case BO_AddAssign: V = llvm::APSInt(V + C); break;
      case BO_SubAssign: V = llvm::APSInt(V - C); break;
      case BO_OrAssign:  V = llvm::APSInt(V | C); break;
      case BO_AndAssign: V = llvm::APSInt(V & C); break;
      case BO_XorAssign: V = llvm::APSInt(V ^ C); break;
      default:
        H.Known &= LaneSet(~(1u << L));
        continue;
      }
      V.setIsUnsigned(Unsigned);
      if (Unsigned && Width >= 64 && V.isNegative()) { // (no int64_t for it)
        H.Known &= LaneSet(~(1u << L));
        continue;
      }
      H.Values[L] = V.getExtValue();
    }
    if (H.useful())
      S.Holders.push_back(H);
  }

  void transfer(const CFGElement &E, State &S) {
    if (!S.C)
      return;
    if (auto Init = E.getAs<CFGInitializer>()) {
      const CXXCtorInitializer *I = Init->getInitializer();
      if (I->isMemberInitializer())
        assign("this;." + std::to_string(reinterpret_cast<uintptr_t>(I->getMember())) +
                   ";",
               true, I->getInit(), S);
      return;
    }
    auto CS = E.getAs<CFGStmt>();
    if (!CS)
      return;
    const Stmt *St = CS->getStmt();
    if (Recording) {
      Recording->Roles[St] |= rolesIn(S.C);
      if (RoleSet W = rolesWith(S.C, FlagWaited))
        Recording->WaitedRoles[St] |= W;
      if (RoleSet Unwaited = rolesWithout(S.C, FlagWaited))
        Recording->UnwaitedRoles[St] |= Unwaited;
    }

    if (const auto *CE = dyn_cast<CallExpr>(St)) {
      if (Site && CE == Site->Call) {
        if (Recording)
          ForkBlock = CurrentBlock;
        if (Recording && (rolesWithout(S.C, FlagWaited) & RoleParent))
          Recording->ParentReforksBeforeWait = true;
        if (Recording && keepRoles(S.C, RoleChild))
          Recording->Reforks = true;
        if (Recording && keepRoles(S.C, RoleParent))
          ParentReforks = true;
        Combos After = combo(RoleParent);
        if (Site->ChildWaited)
          After = mapFlags(After, [](unsigned F) { return F | FlagWaited; });
        if (!Site->ChildElsewhere)
          After |= combo(RoleChild);
        if (Site->Rule.ChildIsZero && Site->Rule.MayFail)
          After |= combo(RoleFailure);
        // Constants known (and equal) in every lane reaching the fork hold
        // in both processes afterwards; fork-result holders are stale.
        LaneSet Before = lanesIn(S.C);
        llvm::SmallVector<Holder, 2> Kept;
        for (const Holder &H : S.Holders) {
          if (H.K == Holder::Pred) {
            // (A truth that is the same in every lane.)
            bool True = (H.TrueLanes & Before) == Before && !(H.FalseLanes & Before);
            bool False = (H.FalseLanes & Before) == Before && !(H.TrueLanes & Before);
            if (!True && !False)
              continue;
            Holder K = H;
            K.SelfLanes = 0;
            K.TrueLanes = True ? lanesIn(After) : 0;
            K.FalseLanes = False ? lanesIn(After) : 0;
            Kept.push_back(K);
            continue;
          }
          if ((H.Known & Before) != Before)
            continue;
          std::optional<int64_t> Value;
          bool Same = true;
          for (unsigned L = 0; L < NumLanes; ++L)
            if (Before & (1u << L)) {
              Same &= !Value || *Value == H.Values[L];
              Value = H.Values[L];
            }
          if (!Same || !Value)
            continue;
          Holder K = H;
          K.PidLanes = K.SelfLanes = 0;
          K.Known = lanesIn(After);
          for (unsigned L = 0; L < NumLanes; ++L)
            K.Values[L] = *Value;
          Kept.push_back(K);
        }
        S.C = After;
        S.Holders = std::move(Kept);
        S.LastExec = nullptr;
        return;
      }
      if (Recording)
        for (const Expr *Arg : CE->arguments())
          if (isForkValue(Arg, S))
            Recording->ForkValueArgs[Arg] |= rolesIn(S.C);
      // A callee handed a pointer may change what it points to.
      for (const Expr *Arg : CE->arguments())
        if (Arg->getType()->isPointerType())
          if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg->IgnoreParenCasts()))
            if (auto Key = keyOf(DRE))
              S.killPointee(*Key);
      if (M.mayWait(CE) && waitsForThisChild(CE, S))
        S.mapCombos([](unsigned F) { return F | FlagWaited; });
      switch (M.callEffect(CE, PM)) {
      case CallEffect::Ends:
        S.C = 0;
        return;
      case CallEffect::Exec:
        S.C = mapFlags(S.C, [](unsigned F) { return F | FlagExecFailed; });
        S.LastExec = CE;
        return;
      case CallEffect::MayNotReturn:
        S.C = mapFlags(S.C, [](unsigned F) { return F | FlagUnknownTail; });
        return;
      case CallEffect::Returns:
        S.C = mapFlags(S.C, [](unsigned F) { return F & ~unsigned(FlagUnknownTail); });
        return;
      }
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
      if (BO->getOpcode() == BO_Assign) {
        if (Recording && isForkValue(BO->getRHS(), S) && isNonLocal(BO->getLHS()))
          Recording->NonLocalPidStores.push_back({BO, rolesIn(S.C)});
        assign(BO->getLHS(), BO->getRHS(), S);
      }
      else if (BO->isCompoundAssignmentOp())
        update(BO->getLHS(), BO->getOpcode(), BO->getRHS(), S);
      return;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(St)) {
      if (UO->isIncrementDecrementOp())
        update(UO->getSubExpr(), UO->isIncrementOp() ? BO_AddAssign : BO_SubAssign,
               nullptr, S);
      else if (UO->getOpcode() == UO_AddrOf)
        kill(UO->getSubExpr(), S);
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(St)) {
      // (A static local is initialised once, before the first call: reached
      // again, it keeps what it holds.)
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && !VD->isStaticLocal())
          assign("v" + std::to_string(reinterpret_cast<uintptr_t>(
                           VD->getCanonicalDecl())) + ";",
                 VD->hasGlobalStorage(), VD->getInit(), S);
      return;
    }
    if (const auto *RS = dyn_cast<ReturnStmt>(St)) {
      if (Recording)
        recordReturn(RS, S);
      return;
    }
    if (isa<CXXThrowExpr>(St))
      S.C = 0;
  }

  void recordReturn(const ReturnStmt *RS, const State &S) {
    RoleSet Roles = rolesIn(S.C);
    const Expr *Val = RS->getRetValue();
    if (Recording && (Roles & RoleFailure))
      Recording->ReturnsFailure = true;
    if (Recording && (Roles & RoleParent) && !allHave(keepRoles(S.C, RoleParent), FlagWaited))
      Recording->ParentWaitsBeforeReturn = false;
    if (Roles & RoleParent) {
      // The parent's return must differ from the child's for the caller to
      // tell them apart: the pid, or a non-zero constant.
      Expr::EvalResult Res;
      bool Distinct =
          Val && (isForkValue(Val, S) ||
                  (!Val->isValueDependent() && Val->EvaluateAsInt(Res, Ctx) &&
                   Res.Val.getInt() != 0));
      ParentReturnsDistinct &= Distinct;
    }
    if (Roles & RoleParent) {
      Expr::EvalResult Res;
      if (Val && isForkValue(Val, S))
        ParentReturnsPid = true;
      else if (Val && !Val->isValueDependent() && Val->EvaluateAsInt(Res, Ctx))
        ParentConstants.insert(Res.Val.getInt().getExtValue());
      else
        ParentReturnsOther = true;
    }
    Combos Child = keepRoles(S.C, RoleChild);
    if (!Child)
      return;
    ReturnEvent Ev;
    Ev.Ret = RS;
    Ev.ChildOnly = !(Roles & RoleParent);
    Ev.Hidden = allHave(Child, FlagUnknownTail);
    Ev.ExecOnly = allHave(Child, FlagExecFailed);
    Ev.Exec = S.LastExec;
    Expr::EvalResult Res;
    Ev.ReturnsForkValue =
        Val && (isForkValue(Val, S) ||
                (Ev.ChildOnly && Site->Rule.ChildIsZero &&
                 !Val->isValueDependent() && Val->EvaluateAsInt(Res, Ctx) &&
                 Res.Val.getInt() == 0));
    // (A child that leaves its own id where the caller can read it,
    // `cxt->pid = getpid()`, can be told apart there too.)
    LaneSet ChildLanes = lanesIn(Child);
    for (const Holder &H : S.Holders)
      Ev.StoresPid |= H.NonLocal && ((H.K == Holder::Value && H.PidLanes) ||
                                     (H.SelfLanes & ChildLanes) == ChildLanes);
    if (Val && !Val->isValueDependent() && Val->EvaluateAsInt(Res, Ctx))
      Ev.Constant = Res.Val.getInt().getExtValue();
    Returns.push_back(Ev);
  }

  /// The block that branches on a side-effect-free condition, reached from
  /// \p B through blocks without effects (the joins after a switch or an
  /// if, a loop's back edge); null if effects come first.
  static const CFGBlock *pureBranchFrom(const CFGBlock &B) {
    const CFGBlock *Cur = &B;
    for (int Steps = 0; Cur && Steps < 8; ++Steps) {
      if (!hasNoEffects(*Cur))
        return nullptr;
      if (Cur->getTerminatorStmt() && Cur->succ_size() >= 2)
        return Cur;
      if (Cur->succ_size() != 1)
        return nullptr;
      Cur = Cur->succ_begin()->getReachableBlock();
    }
    return nullptr;
  }

  static bool hasRoleFlag(const State &S) {
    for (const Holder &H : S.Holders) {
      if (H.K != Holder::Value)
        continue;
      LaneSet Child = H.Known & lanesOf(RoleChild), Parent = H.Known & lanesOf(RoleParent);
      for (unsigned C = 0; C < NumLanes; ++C)
        for (unsigned P = 0; P < NumLanes; ++P)
          if ((Child & (1u << C)) && (Parent & (1u << P)) && H.Values[C] != H.Values[P])
            return true;
    }
    return false;
  }

  /// A block whose elements only evaluate side-effect-free expressions.
  static bool hasNoEffects(const CFGBlock &B) {
    for (const CFGElement &E : B) {
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        return false;
      const Stmt *S = CS->getStmt();
      if (isa<DeclRefExpr>(S) || isa<IntegerLiteral>(S) || isa<CharacterLiteral>(S) ||
          isa<CXXBoolLiteralExpr>(S) || isa<CastExpr>(S) || isa<ParenExpr>(S) ||
          isa<MemberExpr>(S) || isa<ArraySubscriptExpr>(S))
        continue;
      if (const auto *UO = dyn_cast<UnaryOperator>(S))
        if (!UO->isIncrementDecrementOp())
          continue;
      if (const auto *BO = dyn_cast<BinaryOperator>(S))
        if (!BO->isAssignmentOp() && !BO->isCompoundAssignmentOp() &&
            BO->getOpcode() != BO_Comma)
          continue;
      return false;
    }
    return true;
  }

  /// No successor edge of \p B carries both the child and the parent.
  /// Every path the child takes from \p From ends it in a block the parent
  /// does not run, without returning or coming back to the fork.
  bool childEndsApart(const CFGBlock &From) const {
    llvm::BitVector Seen(G.getNumBlockIDs());
    std::vector<const CFGBlock *> Work{&From};
    Seen.set(From.getBlockID());
    for (size_t Steps = 0; !Work.empty(); ++Steps) {
      if (Steps > 4 * G.getNumBlockIDs() + 64)
        return false;
      const CFGBlock *B = Work.back();
      Work.pop_back();
      if (B == &G.getExit() || B == ForkBlock)
        return false;
      const State &Out = OutStates[B->getBlockID()];
      if (!keepRoles(Out.C, RoleChild)) {
        if (rolesIn(In[B->getBlockID()].C) & RoleParent)
          return false; // ended in code both run
        continue;
      }
      unsigned I = 0;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
        const CFGBlock *S = Succ.getReachableBlock();
        unsigned Index = I++;
        if (!S || !keepRoles(edge(*B, Out, Index, *S).C, RoleChild) || Seen.test(S->getBlockID()))
          continue;
        Seen.set(S->getBlockID());
        Work.push_back(S);
      }
    }
    return true;
  }

  /// The side-effect-free tests from \p B on (the operands of `a && (b ||
  /// c)` are blocks of their own) send the child and the parent different
  /// ways before either does anything.
  bool routesApart(const CFGBlock &B, unsigned Depth) const {
    const CFGBlock *Branch = pureBranchFrom(B);
    if (!Branch)
      return false;
    unsigned I = 0;
    for (const CFGBlock::AdjacentBlock &Succ : Branch->succs()) {
      const CFGBlock *S = Succ.getReachableBlock();
      unsigned Index = I++;
      if (!S)
        continue;
      RoleSet R = rolesIn(edge(*Branch, OutStates[Branch->getBlockID()], Index, *S).C);
      if ((R & RoleChild) && (R & RoleParent) && (Depth >= 8 || !routesApart(*S, Depth + 1)))
        return false;
    }
    return true;
  }

  // --- Locations for messages -------------------------------------------

  /// The full statement around \p S (climbing out of expressions).
  const Stmt *fullStatement(const Stmt *S) const {
    while (const Stmt *P = PM.getParent(S)) {
      if (!isa<Expr>(P) && !isa<DeclStmt>(P))
        break;
      S = P;
    }
    return S;
  }

  static bool endsWithReturn(const CFGBlock &B) {
    for (auto It = B.rbegin(); It != B.rend(); ++It)
      if (auto CS = It->getAs<CFGStmt>())
        return isa<ReturnStmt>(CS->getStmt());
    return false;
  }

  const Stmt *lastStatement(const CFGBlock &B) const {
    for (auto It = B.rbegin(); It != B.rend(); ++It)
      if (auto CS = It->getAs<CFGStmt>())
        return fullStatement(CS->getStmt());
    return nullptr;
  }

  const Stmt *leavingStatement(const CFGBlock &B) const {
    const Stmt *T = B.getTerminatorStmt();
    if (T && (isa<BreakStmt>(T) || isa<ContinueStmt>(T) || isa<GotoStmt>(T)))
      return T;
    if (const Stmt *S = lastStatement(B))
      return S;
    // An empty block: look back along a single predecessor.
    const CFGBlock *P = &B;
    for (int Steps = 0; Steps < 4 && P->pred_size() == 1; ++Steps) {
      P = P->pred_begin()->getReachableBlock();
      if (!P)
        break;
      if (const Stmt *S = lastStatement(*P))
        return S;
    }
    return T;
  }

  const Stmt *firstStatement(const CFGBlock &B) const {
    const CFGBlock *Cur = &B;
    for (int Steps = 0; Cur && Steps < 8; ++Steps) {
      for (const CFGElement &E : *Cur)
        if (auto CS = E.getAs<CFGStmt>())
          return fullStatement(CS->getStmt());
      if (const Stmt *T = Cur->getTerminatorStmt())
        return T;
      if (Cur->succ_size() != 1)
        break;
      Cur = Cur->succ_begin()->getReachableBlock();
    }
    return nullptr;
  }

};

} // namespace



ForkRegions analyzeForkSite(ProcessModel &Model, const FunctionDecl *FD,
                            const CFG &G, const ParentMap &PM,
                            const ForkSite &Site) {
  Dataflow D(Model, FD, G, PM, &Site);
  D.solve();
  ForkRegions F = D.record();
  if (Site.ChildElsewhere && Site.ChildEntry && Site.ChildEntry != FD) {
    // What the child runs: the statements of the function it was handed,
    // until the child ends (returning from it ends the child: the helper
    // exits).
    F.ChildIsolated = true;
    walkPaths(Model, Site.ChildEntry, nullptr, [&](const Stmt *S) {
      F.Roles[S] |= RoleChild;
      return true;
    });
  }
  return F;
}



PathEndings analyzePathEndings(ProcessModel &Model, const FunctionDecl *FD,
                               const CFG &G, const ParentMap &PM) {
  Dataflow D(Model, FD, G, PM, nullptr);
  D.solve();
  return D.endings();
}

} // namespace procshare
