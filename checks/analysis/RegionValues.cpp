//===- RegionValues.cpp - What a region state says of an expression ------===//

#include "checks/analysis/RegionValues.h"
#include "checks/analysis/AstNames.h"

#include "clang/AST/ExprCXX.h"

#include "llvm/ADT/APSInt.h"
#include <limits>

using namespace clang;

namespace procshare {
namespace regions {

std::optional<Interval> RegionValues::interval(Role R) const {
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

std::optional<std::string> RegionValues::keyOf(const Expr *E) const {
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

bool RegionValues::isNonLocal(const Expr *E, bool Indirect) {
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

bool RegionValues::waitsForThisChild(const CallExpr *CE, const State &S) const {
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

bool RegionValues::isForkValue(const Expr *E, const State &S) const {
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

std::optional<int64_t> RegionValues::singleValue(Role R) const {
  std::optional<Interval> I = interval(R);
  if (I && I->Lo == I->Hi)
    return I->Lo;
  return std::nullopt;
}

std::optional<LaneValues> RegionValues::laneValues(const Expr *E, const State &S) const {
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

CondLanes RegionValues::compareLanes(const LaneValues &V, BinaryOperatorKind Op, int64_t C) {
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

std::optional<CondLanes> RegionValues::evalCond(const Expr *E, const State &S) const {
  if (auto R = evalCondDirect(E, S))
    return R;
  // A learned fact about a tested expression that is no place of its own
  // (`*flags & MODE`; places were looked up above).
  if (isa<BinaryOperator>(ignoreParenCastsAndHints(E)))
    if (auto Key = factKey(E, 0))
      if (const Holder *H = S.holder(*Key); H && H->K == Holder::Pred)
        return truthLanes(*H);
  // `x != 0`, `x == NULL`, ...: what is known of `x` as a truth value.
  auto [X, Pos] = truthOf(E);
  if (X != ignoreParenCastsAndHints(E))
    if (auto R = evalCond(X, S))
      return Pos ? *R : CondLanes{R->False, R->True};
  return std::nullopt;
}

std::pair<const Expr *, bool> RegionValues::truthOf(const Expr *E) const {
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

bool RegionValues::isOwnPid(const Expr *E) {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
  return CE && CE->getDirectCallee() &&
         ProcessModel::ruleName(CE->getDirectCallee()) == "getpid";
}

bool RegionValues::isZero(const Expr *E) const {
  if (E->isValueDependent())
    return false;
  if (E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return true;
  Expr::EvalResult Res;
  return E->EvaluateAsInt(Res, Ctx) && Res.Val.getInt() == 0;
}

std::optional<CondLanes> RegionValues::evalCondDirect(const Expr *E, const State &S) const {
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
      if (H->K == Holder::Pred)
        return truthLanes(*H);
  if (auto V = laneValues(E, S))
    return compareLanes(*V, BO_NE, 0);
  return std::nullopt;
}

RoleSet RegionValues::caseRoles(const SwitchStmt *SW, const Stmt *Label) const {
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

std::optional<int64_t> RegionValues::knownCallValue(const Expr *E) const {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
  if (!CE || !CE->getDirectCallee())
    return std::nullopt;
  if (M.rules().isExec(ProcessModel::ruleName(CE->getDirectCallee())))
    return -1;
  return std::nullopt;
}

std::optional<bool> RegionValues::decide(const Expr *E) const {
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

void RegionValues::learn(const Expr *Cond, bool Taken, State &E) const {
  auto [X, Pos] = truthOf(Cond);
  auto Key = factKey(X, 0);
  if (!Key || (*Key)[0] == '#' || E.holder(*Key))
    return; // (a constant is no fact: `while (0)`)
  Holder H;
  H.K = Holder::Pred;
  H.Key = *Key;
  (Taken == Pos ? H.TrueLanes : H.FalseLanes) = lanesIn(E.C);
  E.Holders.push_back(H);
}

std::optional<std::string> RegionValues::factKey(const Expr *E, unsigned Depth) const {
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

bool RegionValues::escapes(const VarDecl *VD) const {
  if (!Escaping) {
    Escaping.emplace();
    collectEscaping(FD->getBody());
  }
  return Escaping->count(VD->getCanonicalDecl());
}

void RegionValues::collectEscaping(const Stmt *St) const {
  if (!St)
    return;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      const Stmt *P = PM.getParentIgnoreParens(DRE);
      bool Plain = false, Read = false;
      if (const auto *IC = dyn_cast_or_null<ImplicitCastExpr>(P))
        Plain = Read = IC->getCastKind() == CK_LValueToRValue;
      else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P))
        Plain = (BO->isAssignmentOp() || BO->isCompoundAssignmentOp()) &&
                BO->getLHS()->IgnoreParens() == DRE;
      else if (const auto *UO = dyn_cast_or_null<UnaryOperator>(P))
        Plain = UO->isIncrementDecrementOp();
      else if (isa_and_nonnull<LambdaExpr>(P))
        Plain = Read = true; // a capture: the lambda's own uses decide
      // (A lambda or block that captures it and writes it may change it
      // whenever it is called.)
      if (!Plain || (!Read && DRE->refersToEnclosingVariableOrCapture()))
        Escaping->insert(VD->getCanonicalDecl());
    }
  for (const Stmt *C : St->children())
    collectEscaping(C);
}

} // namespace regions
} // namespace procshare
