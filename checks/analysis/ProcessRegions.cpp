//===- ProcessRegions.cpp - Which process runs each statement -------------===//

#include "checks/analysis/ProcessRegions.h"
#include "checks/analysis/AstNames.h"
#include "checks/analysis/ProcessModel.h"
#include "checks/analysis/RegionState.h"

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

std::string roleSetName(RoleSet Roles) {
  static const std::pair<Role, const char *> Names[] = {
      {RolePre, "pre"},
      {RoleChild, "child"},
      {RoleParent, "parent"},
      {RoleFailure, "failure"}};
  std::string Out;
  for (auto [R, N] : Names)
    if (Roles & R)
      Out += (Out.empty() ? "" : "|") + std::string(N);
  return Out.empty() ? "unreachable" : Out;
}

bool isResultDiscarded(const Expr *E, const ParentMap &PM) {
  const Stmt *Child = E;
  const Stmt *P = PM.getParent(E);
  while (P && (isa<ParenExpr>(P) || isa<ExprWithCleanups>(P) ||
               isa<ImplicitCastExpr>(P) || isa<FullExpr>(P))) {
    Child = P;
    P = PM.getParent(P);
  }
  if (!P)
    return true;
  if (const auto *Cast = dyn_cast<CastExpr>(P))
    return Cast->getType()->isVoidType();
  if (const auto *BO = dyn_cast<BinaryOperator>(P))
    return BO->getOpcode() == BO_Comma && BO->getLHS() == Child;
  if (isa<Expr>(P) || isa<DeclStmt>(P) || isa<ReturnStmt>(P))
    return false;
  if (const auto *If = dyn_cast<IfStmt>(P))
    return If->getCond() != Child;
  if (const auto *W = dyn_cast<WhileStmt>(P))
    return W->getCond() != Child;
  if (const auto *D = dyn_cast<DoStmt>(P))
    return D->getCond() != Child;
  if (const auto *F = dyn_cast<ForStmt>(P))
    return F->getCond() != Child;
  if (const auto *S = dyn_cast<SwitchStmt>(P))
    return S->getCond() != Child;
  return true;
}

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

class Dataflow {
public:
  Dataflow(ProcessModel &M, const FunctionDecl *FD, const CFG &G,
           const ParentMap &PM, const ForkSite *Site)
      : M(M), Ctx(M.context()), FD(FD), G(G), PM(PM), Site(Site),
        In(G.getNumBlockIDs()) {}

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
  ProcessModel &M;
  ASTContext &Ctx;
  const FunctionDecl *FD;
  const CFG &G;
  const ParentMap &PM;
  mutable std::optional<std::set<const VarDecl *>> Escaping;
  bool ParentReforks = false; // the parent comes back to the fork
  const ForkSite *Site;
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

  // --- Values and conditions ------------------------------------------

  std::optional<Interval> interval(Role R) const {
    constexpr int64_t Max = std::numeric_limits<int64_t>::max();
    bool Zero = Site->Rule.ChildIsZero;
    switch (R) {
    case RoleChild:
      return Zero ? Interval{0, 0} : Interval{1, 1};
    case RoleParent:
      return Zero ? Interval{1, Max} : Interval{0, 0};
    case RoleFailure:
      if (Zero)
        return Interval{-1, -1};
      return std::nullopt;
    default:
      return std::nullopt;
    }
  }

  std::optional<std::string> keyOf(const Expr *E) const {
    E = E->IgnoreParenCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return "v" + std::to_string(reinterpret_cast<uintptr_t>(
                         VD->getCanonicalDecl())) + ";";
      return std::nullopt;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      auto Base = keyOf(ME->getBase());
      if (!Base)
        return std::nullopt;
      return *Base + "." +
             std::to_string(reinterpret_cast<uintptr_t>(ME->getMemberDecl())) + ";";
    }
    if (isa<CXXThisExpr>(E))
      return std::string("this;");
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      auto Base = keyOf(AS->getBase());
      auto Index = keyOf(AS->getIdx());
      if (!Base || !Index)
        return std::nullopt;
      return *Base + "[" + *Index + "]";
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref)
        if (auto Sub = keyOf(UO->getSubExpr()))
          return "*(" + *Sub + ")";
      return std::nullopt;
    }
    Expr::EvalResult Res;
    if (!E->isValueDependent() && E->EvaluateAsInt(Res, Ctx))
      return "#" + std::to_string(Res.Val.getInt().getExtValue()) + ";";
    return std::nullopt;
  }

  /// True when the lvalue \p E is visible outside this call of the function.
  static bool isNonLocal(const Expr *E, bool Indirect = false) {
    E = E->IgnoreParenCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      return VD && (VD->hasGlobalStorage() || Indirect ||
                    VD->getType()->isReferenceType());
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return isNonLocal(ME->getBase(), Indirect || ME->isArrow());
    if (isa<CXXThisExpr>(E))
      return true;
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return isNonLocal(AS->getBase(),
                        Indirect || AS->getBase()->getType()->isPointerType());
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      return isNonLocal(UO->getSubExpr(), true);
    return Indirect;
  }

  /// A wait that may reap this fork's child: it is given the fork result,
  /// or no process id at all (wait(&status), waitpid(-1, ...), a helper
  /// that reaps every child). `waitpid(other, ...)` with the pid of another
  /// child does not: this one may still run.
  bool waitsForThisChild(const CallExpr *CE, const State &S) const {
    bool OtherPid = false;
    for (const Expr *Arg : CE->arguments()) {
      if (isForkValue(Arg, S))
        return true;
      const Expr *A = Arg->IgnoreParenImpCasts();
      if (A->isValueDependent() || A->isIntegerConstantExpr(Ctx))
        continue;
      if (const auto *TT = A->getType()->getAs<TypedefType>())
        OtherPid |= TT->getDecl()->getName() == "pid_t" ||
                    TT->getDecl()->getName() == "__pid_t";
    }
    return !OtherPid;
  }

  bool isForkValue(const Expr *E, const State &S) const {
    if (!Site)
      return false;
    E = E->IgnoreParenCasts();
    if (E == Site->Call)
      return true;
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Assign || BO->getOpcode() == BO_Comma)
        return isForkValue(BO->getRHS(), S);
      return false;
    }
    // Every lane after the fork holds it (the pre-fork lanes never do), as
    // the fork result, or as the one value it has there (-1 on the failure
    // path, 0 in the child).
    if (auto Key = keyOf(E))
      if (const Holder *H = S.holder(*Key); H && H->K == Holder::Value && H->PidLanes) {
        LaneSet Need = lanesIn(S.C) & ~PreLanes & ~H->PidLanes;
        for (unsigned L = 0; L < NumLanes; ++L)
          if (Need & (1u << L)) {
            std::optional<int64_t> V = singleValue(roleOfLane(L));
            if (!(H->Known & (1u << L)) || !V || *V != H->Values[L])
              return false;
          }
        return true;
      }
    return false;
  }

  /// The one value the fork result has in role \p R, if one.
  std::optional<int64_t> singleValue(Role R) const {
    std::optional<Interval> I = interval(R);
    if (I && I->Lo == I->Hi)
      return I->Lo;
    return std::nullopt;
  }

  /// The value of \p E in each lane (nullopt: unknown), when \p E is the
  /// fork result or a place holding it or a role constant.
  using LaneValues = std::array<std::optional<Interval>, NumLanes>;
  std::optional<LaneValues> laneValues(const Expr *E, const State &S) const {
    LaneValues V;
    if (isForkValue(E, S)) {
      for (unsigned L = 0; L < NumLanes; ++L)
        V[L] = interval(roleOfLane(L));
      return V;
    }
    if (auto Key = keyOf(E))
      if (const Holder *H = S.holder(*Key); H && H->K == Holder::Value) {
        for (unsigned L = 0; L < NumLanes; ++L)
          if (H->PidLanes & (1u << L))
            V[L] = interval(roleOfLane(L));
          else if (H->Known & (1u << L))
            V[L] = Interval{H->Values[L], H->Values[L]};
        return V;
      }
    return std::nullopt;
  }

  /// Lanes where `V op C` may be true / may be false. The pre-fork lanes
  /// are filtered only by a constant known there (the fork result is not).
  static CondLanes compareLanes(const LaneValues &V, BinaryOperatorKind Op, int64_t C) {
    CondLanes Out{0, 0};
    for (unsigned L = 0; L < NumLanes; ++L) {
      LaneSet Bit = LaneSet(1u << L);
      Tri T = V[L] ? compare(Op, *V[L], C) : Tri::Unknown;
      if (T != Tri::False)
        Out.True |= Bit;
      if (T != Tri::True)
        Out.False |= Bit;
    }
    return Out;
  }

  std::optional<CondLanes> evalCond(const Expr *E, const State &S) const {
    if (auto R = evalCondDirect(E, S))
      return R;
    if (!isa<DeclRefExpr>(ignoreParenCastsAndHints(E)))
      if (auto Key = factKey(E, 0))
        if (const Holder *H = S.holder(*Key); H && H->K == Holder::Pred) {
          LaneSet Either = LaneSet(~(H->TrueLanes | H->FalseLanes));
          return CondLanes{LaneSet(H->TrueLanes | Either), LaneSet(H->FalseLanes | Either)};
        }
    // `x != 0`, `x == NULL`, ...: what is known of `x` as a truth value.
    if (auto T = truthOf(E); T && T->first != ignoreParenCastsAndHints(E))
      if (auto R = evalCond(T->first, S))
        return T->second ? *R : CondLanes{R->False, R->True};
    return std::nullopt;
  }

  /// \p E as the truth of a simpler expression: `x != 0` and `x != NULL`
  /// are `x`, `x == 0` and `!x` are not-`x` (second: false). Null when \p E
  /// is not of that form.
  std::optional<std::pair<const Expr *, bool>> truthOf(const Expr *E) const {
    E = ignoreParenCastsAndHints(E);
    bool Pos = true;
    for (;;) {
      if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_LNot) {
        Pos = !Pos;
        E = ignoreParenCastsAndHints(UO->getSubExpr());
        continue;
      }
      const auto *BO = dyn_cast<BinaryOperator>(E);
      if (!BO || (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE))
        break;
      const Expr *L = BO->getLHS(), *R = BO->getRHS();
      if (isZero(L))
        std::swap(L, R);
      if (!isZero(R))
        break;
      if (BO->getOpcode() == BO_EQ)
        Pos = !Pos;
      E = ignoreParenCastsAndHints(L);
    }
    return std::make_pair(E, Pos);
  }

  /// `getpid()`: the id of the process that runs it.
  static bool isOwnPid(const Expr *E) {
    const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
    return CE && CE->getDirectCallee() &&
           ProcessModel::ruleName(CE->getDirectCallee()) == "getpid";
  }

  bool isZero(const Expr *E) const {
    if (E->isValueDependent())
      return false;
    if (E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      return true;
    Expr::EvalResult Res;
    return E->EvaluateAsInt(Res, Ctx) && Res.Val.getInt() == 0;
  }

  std::optional<CondLanes> evalCondDirect(const Expr *E, const State &S) const {
    E = ignoreParenCastsAndHints(E);
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_LNot)
        if (auto R = evalCond(UO->getSubExpr(), S))
          return CondLanes{R->False, R->True};
      return std::nullopt;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->isComparisonOp()) {
        Expr::EvalResult Res;
        if (auto V = laneValues(BO->getLHS(), S))
          if (!BO->getRHS()->isValueDependent() && BO->getRHS()->EvaluateAsInt(Res, Ctx))
            return compareLanes(*V, BO->getOpcode(), Res.Val.getInt().getExtValue());
        if (auto V = laneValues(BO->getRHS(), S))
          if (!BO->getLHS()->isValueDependent() && BO->getLHS()->EvaluateAsInt(Res, Ctx))
            return compareLanes(*V, mirror(BO->getOpcode()),
                                Res.Val.getInt().getExtValue());
        return std::nullopt;
      }
      if (BO->getOpcode() == BO_Assign) {
        return evalCond(BO->getRHS(), S);
      }
      return std::nullopt;
    }
    if (auto Key = keyOf(E))
      if (const Holder *H = S.holder(*Key))
        if (H->K == Holder::Pred) {
          // (A lane it says nothing of may be either.)
          LaneSet Either = LaneSet(~(H->TrueLanes | H->FalseLanes));
          return CondLanes{LaneSet(H->TrueLanes | Either), LaneSet(H->FalseLanes | Either)};
        }
    if (auto V = laneValues(E, S))
      return compareLanes(*V, BO_NE, 0);
    return std::nullopt;
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
            if (auto Key = keyOf(DRE)) {
              std::string Deref = "*(" + *Key + ")", Member = *Key + ".";
              llvm::erase_if(S.Holders, [&](const Holder &H) {
                return H.K == Holder::Pred && (H.Key.find(Deref) != std::string::npos ||
                                               H.Key.find(Member) != std::string::npos);
              });
            }
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

  // --- Edges ----------------------------------------------------------

  RoleSet caseRoles(const SwitchStmt *SW, const Stmt *Label) const {
    RoleSet All = RolePre | RoleChild | RoleParent | RoleFailure;
    auto Range = [&](const CaseStmt *CS, int64_t &Lo, int64_t &Hi) {
      Expr::EvalResult L, H;
      if (CS->getLHS()->isValueDependent() || !CS->getLHS()->EvaluateAsInt(L, Ctx))
        return false;
      Lo = Hi = L.Val.getInt().getExtValue();
      if (const Expr *RHS = CS->getRHS()) {
        if (RHS->isValueDependent() || !RHS->EvaluateAsInt(H, Ctx))
          return false;
        Hi = H.Val.getInt().getExtValue();
      }
      return true;
    };
    if (const auto *CS = dyn_cast_or_null<CaseStmt>(Label)) {
      int64_t Lo, Hi;
      if (!Range(CS, Lo, Hi))
        return All;
      RoleSet Out = RolePre;
      for (Role R : {RoleChild, RoleParent, RoleFailure})
        if (auto I = interval(R))
          if (!(I->Hi < Lo || I->Lo > Hi))
            Out |= R;
      return Out;
    }
    // default, or past the switch when there is no default: the roles whose
    // values are not all taken by the cases.
    RoleSet Out = RolePre;
    for (Role R : {RoleChild, RoleParent, RoleFailure}) {
      auto I = interval(R);
      if (!I)
        continue;
      bool Covered = false;
      for (const SwitchCase *SC = SW->getSwitchCaseList(); SC && !Covered;
           SC = SC->getNextSwitchCase()) {
        int64_t Lo, Hi;
        if (const auto *CS = dyn_cast<CaseStmt>(SC))
          Covered = Range(CS, Lo, Hi) && Lo <= I->Lo && I->Hi <= Hi;
      }
      if (!Covered)
        Out |= R;
    }
    return Out;
  }

  /// The value of a call known wherever the call returns: exec* returns
  /// only when it failed, with -1.
  std::optional<int64_t> knownCallValue(const Expr *E) const {
    const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
    if (!CE || !CE->getDirectCallee())
      return std::nullopt;
    if (M.rules().isExec(ProcessModel::ruleName(CE->getDirectCallee())))
      return -1;
    return std::nullopt;
  }

  /// A condition decided by known call values (`execv(...) != -1` is false
  /// wherever execv returned), or nullopt.
  std::optional<bool> decide(const Expr *E) const {
    E = ignoreParenCastsAndHints(E);
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_LNot)
        if (auto V = decide(UO->getSubExpr()))
          return !*V;
      return std::nullopt;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (!BO->isComparisonOp())
        return std::nullopt;
      BinaryOperatorKind Op = BO->getOpcode();
      const Expr *Call = BO->getLHS(), *Other = BO->getRHS();
      auto V = knownCallValue(Call);
      if (!V) {
        std::swap(Call, Other);
        Op = mirror(Op);
        V = knownCallValue(Call);
      }
      Expr::EvalResult Res;
      if (!V || Other->isValueDependent() || !Other->EvaluateAsInt(Res, Ctx))
        return std::nullopt;
      Tri T = compare(Op, Interval{*V, *V}, Res.Val.getInt().getExtValue());
      if (T == Tri::Unknown)
        return std::nullopt;
      return T == Tri::True;
    }
    if (auto V = knownCallValue(E))
      return *V != 0;
    return std::nullopt;
  }

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

  /// A branch on a local the analysis knows nothing of (`if (usermap &&
  /// groupmap) pid = fork();`) makes its truth a fact on the edge, for every
  /// lane; it holds in both processes after a later fork, so that
  /// `if (!pid && usermap)` sends the child one way only. Only locals whose
  /// address is never taken: nothing else may change them unseen.
  void learn(const Expr *Cond, bool Taken, State &E) const {
    auto T = truthOf(Cond);
    if (!T)
      return;
    auto Key = factKey(T->first, 0);
    if (!Key || (*Key)[0] == '#' || E.holder(*Key))
      return; // (a constant is no fact: `while (0)`)
    Holder H;
    H.K = Holder::Pred;
    H.Key = *Key;
    (Taken == T->second ? H.TrueLanes : H.FalseLanes) = lanesIn(E.C);
    E.Holders.push_back(H);
  }

  /// The key of a side-effect-free expression over locals nothing else can
  /// change (their address never taken), what they point to, and constants
  /// (`usermap`, `*flags & FORK_MODE`, `cfg->forks`); null for anything else.
  /// A write of a part kills it (its key contains the part's). Writes
  /// through another pointer that may alias are not seen; a call handed the
  /// pointer kills what it points to.
  std::optional<std::string> factKey(const Expr *E, unsigned Depth) const {
    E = ignoreParenCastsAndHints(E);
    if (Depth > 4)
      return std::nullopt;
    Expr::EvalResult Res;
    if (!E->isValueDependent() && E->EvaluateAsInt(Res, Ctx))
      return "#" + std::to_string(Res.Val.getInt().getExtValue()) + ";";
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      if (!VD || !VD->hasLocalStorage() || VD->getType()->isReferenceType() ||
          !(VD->getType()->isIntegerType() || VD->getType()->isPointerType()) ||
          escapes(VD))
        return std::nullopt;
      return keyOf(DRE);
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref && factKey(UO->getSubExpr(), Depth + 1))
        return keyOf(UO);
      return std::nullopt;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow() ? bool(factKey(ME->getBase(), Depth + 1))
                        : isa<DeclRefExpr>(ME->getBase()->IgnoreParens()) &&
                              factKey(ME->getBase(), Depth + 1))
        return keyOf(ME);
      return std::nullopt;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (!BO->isBitwiseOp() && !BO->isComparisonOp() && !BO->isAdditiveOp())
        return std::nullopt;
      auto L = factKey(BO->getLHS(), Depth + 1), R = factKey(BO->getRHS(), Depth + 1);
      if (!L || !R)
        return std::nullopt;
      return "(" + *L + BinaryOperator::getOpcodeStr(BO->getOpcode()).str() + *R + ")";
    }
    return std::nullopt;
  }

  /// A local whose address is taken, or that a reference binds.
  bool escapes(const VarDecl *VD) const {
    if (!Escaping) {
      Escaping.emplace();
      collectEscaping(FD->getBody());
    }
    return Escaping->count(VD->getCanonicalDecl());
  }
  void collectEscaping(const Stmt *St) const {
    if (!St)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        const Stmt *P = PM.getParentIgnoreParens(DRE);
        bool Plain = false;
        if (const auto *IC = dyn_cast_or_null<ImplicitCastExpr>(P))
          Plain = IC->getCastKind() == CK_LValueToRValue;
        else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P))
          Plain = (BO->isAssignmentOp() || BO->isCompoundAssignmentOp()) &&
                  BO->getLHS()->IgnoreParens() == DRE;
        else if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P))
          Plain = UO->isIncrementDecrementOp();
        if (!Plain)
          Escaping->insert(VD->getCanonicalDecl());
      }
    for (const Stmt *C : St->children())
      collectEscaping(C);
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

const Expr *branchCondition(const CFGBlock &B) {
  const Stmt *T = B.getTerminatorStmt();
  if (!T || B.succ_size() != 2)
    return nullptr;
  const Expr *Cond = nullptr;
  if (const auto *If = dyn_cast<IfStmt>(T))
    Cond = If->getCond();
  else if (const auto *W = dyn_cast<WhileStmt>(T))
    Cond = W->getCond();
  else if (const auto *F = dyn_cast<ForStmt>(T))
    Cond = F->getCond();
  else if (const auto *D = dyn_cast<DoStmt>(T))
    Cond = D->getCond();
  else if (const auto *CO = dyn_cast<AbstractConditionalOperator>(T))
    Cond = CO->getCond();
  else if (const auto *BO = dyn_cast<BinaryOperator>(T))
    Cond = BO->isLogicalOp() ? BO->getLHS() : nullptr;
  if (!Cond)
    return nullptr;
  const auto *Logical = dyn_cast<BinaryOperator>(Cond->IgnoreParens());
  if (Logical && Logical->isLogicalOp() && T != Logical)
    return B.getLastCondition(); // the last operand, evaluated in this block
  return Cond;
}

const Stmt *trivialTailFrom(ProcessModel &M, const ParentMap &PM,
                            const CFGBlock &B, unsigned FromElement) {
  const CFGBlock *Cur = &B;
  const ReturnStmt *Ret = nullptr;
  unsigned Skip = FromElement;
  for (int Steps = 0; Cur && Steps < 8; ++Steps, Skip = 0) {
    if (Cur->succ_empty() && Cur->empty())
      return Ret; // the exit block
    unsigned Index = 0;
    for (const CFGElement &E : *Cur) {
      if (Index++ < Skip)
        continue;
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        return nullptr;
      const Stmt *S = CS->getStmt();
      if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
        Ret = RS;
        continue;
      }
      if (isa<DeclRefExpr>(S) || isa<IntegerLiteral>(S) || isa<CastExpr>(S) ||
          isa<ParenExpr>(S) || isa<CXXBoolLiteralExpr>(S) || isa<ArraySubscriptExpr>(S) ||
          isa<MemberExpr>(S))
        continue;
      if (const auto *UO = dyn_cast<UnaryOperator>(S))
        if (UO->getOpcode() == UO_Minus || UO->getOpcode() == UO_Deref)
          continue;
      // (Keeping a result in a local for the exit: `rc = run(); _exit(rc);`.)
      if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->getOpcode() == BO_Assign)
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParens()))
          if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
              VD && VD->hasLocalStorage() && !VD->getType()->isReferenceType())
            continue;
      if (const auto *DS = dyn_cast<DeclStmt>(S);
          DS && llvm::all_of(DS->decls(), [](const Decl *D) {
            const auto *VD = dyn_cast<VarDecl>(D);
            return VD && VD->hasLocalStorage() && !VD->getType()->isReferenceType();
          }))
        continue;
      if (const auto *CE = dyn_cast<CallExpr>(S)) {
        if (M.callEffect(CE, PM, /*MayNotReturn=*/false) == CallEffect::Ends)
          return Ret ? static_cast<const Stmt *>(Ret) : CE;
        // (Closing its own descriptors on the way out: `close(fds[1]);
        // _exit(ret);`.)
        if (const FunctionDecl *Callee = CE->getDirectCallee();
            Callee && !Ret && M.rules().isProcessLocal(ProcessModel::ruleName(Callee)))
          continue;
      }
      return nullptr;
    }
    if (Cur->getTerminatorStmt() || Cur->succ_size() != 1)
      return nullptr;
    Cur = Cur->succ_begin()->getReachableBlock();
  }
  return nullptr;
}

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

void walkPaths(ProcessModel &M, const FunctionDecl *FD, const Stmt *After,
               llvm::function_ref<bool(const Stmt *)> Visit, bool PastExec) {
  const CFG *G = M.cfg(FD);
  const ParentMap *PM = M.parents(FD);
  if (!G || !PM)
    return;
  std::pair<const CFGBlock *, unsigned> First{&G->getEntry(), 0};
  if (After) {
    auto Start = M.position(FD, After);
    if (!Start)
      return;
    First = {Start->Block, Start->After};
  }
  llvm::BitVector Seen(G->getNumBlockIDs());
  std::vector<std::pair<const CFGBlock *, unsigned>> Work{First};
  // A walk that starts mid-block may come back round a loop to the
  // statements of that block before its start.
  if (First.second == 0)
    Seen.set(First.first->getBlockID());
  while (!Work.empty()) {
    auto [B, From] = Work.back();
    Work.pop_back();
    bool Follow = true;
    unsigned Index = 0;
    for (const CFGElement &E : *B) {
      if (Index++ < From)
        continue;
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *S = CS->getStmt();
      if (!Visit(S)) {
        Follow = false;
        break;
      }
      if (const auto *CE = dyn_cast<CallExpr>(S)) {
        CallEffect Effect = M.callEffect(CE, *PM, /*MayNotReturn=*/false);
        if (Effect == CallEffect::Ends || (Effect == CallEffect::Exec && !PastExec)) {
          Follow = false;
          break;
        }
      }
    }
    if (!Follow)
      continue;
    for (const CFGBlock::AdjacentBlock &Succ : B->succs())
      if (const CFGBlock *S = Succ.getReachableBlock())
        if (!Seen.test(S->getBlockID())) {
          Seen.set(S->getBlockID());
          Work.push_back({S, 0});
        }
  }
}

void walkChild(ProcessModel &M, const ForkRegions &F,
               llvm::function_ref<bool(const Stmt *)> Visit, bool PastExec) {
  if (F.Site.ChildElsewhere) {
    // The child runs the function handed to the spawn helper.
    if (F.Site.ChildEntry)
      walkPaths(M, F.Site.ChildEntry, nullptr, Visit, PastExec);
    return;
  }
  walkPaths(
      M, F.Function, F.Site.Call,
      [&](const Stmt *S) { return (F.rolesOf(S) & RoleChild) && Visit(S); },
      PastExec);
}

PathEndings analyzePathEndings(ProcessModel &Model, const FunctionDecl *FD,
                               const CFG &G, const ParentMap &PM) {
  Dataflow D(Model, FD, G, PM, nullptr);
  D.solve();
  return D.endings();
}

} // namespace procshare
