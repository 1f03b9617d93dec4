//===- MemoryEffects.cpp - What code writes and reads ---------------------===//

#include "checks/analysis/MemoryEffects.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"

using namespace clang;

namespace procshare {

namespace {

/// Splits a path into its segments: ".name", "[]", "*".
std::vector<std::string> segments(const std::string &Path) {
  std::vector<std::string> Out;
  for (size_t I = 0; I < Path.size();) {
    if (Path[I] == '*') {
      Out.push_back("*");
      ++I;
    } else if (Path.compare(I, 2, "[]") == 0) {
      Out.push_back("[]");
      I += 2;
    } else {
      size_t J = I + 1;
      while (J < Path.size() && Path[J] != '.' && Path[J] != '*' && Path[J] != '[')
        ++J;
      Out.push_back(Path.substr(I, J - I));
      I = J;
    }
  }
  return Out;
}

/// An array decaying to a pointer, under implicit casts (`buf` in `puts(buf)`).
bool decaysArray(const Expr *E) {
  for (E = E->IgnoreParens(); const auto *Cast = dyn_cast<ImplicitCastExpr>(E);
       E = Cast->getSubExpr()->IgnoreParens())
    if (Cast->getCastKind() == CK_ArrayToPointerDecay)
      return true;
  return false;
}

bool isStdRecordMethod(const CXXMethodDecl *MD) {
  const CXXRecordDecl *RD = MD->getParent();
  return RD && RD->isInStdNamespace();
}

/// Collects every statement of a function body (not of lambdas defined in
/// it, which are functions of their own).
class StmtCollector : public RecursiveASTVisitor<StmtCollector> {
public:
  std::vector<const Stmt *> Stmts;
  bool VisitStmt(Stmt *S) {
    Stmts.push_back(S);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *LE) {
    // The captures' initialisers run here; the body does not.
    for (Expr *Init : LE->capture_inits())
      if (Init)
        TraverseStmt(Init);
    return true;
  }
};

} // namespace

bool MemLoc::covers(const MemLoc &O) const {
  if (!sameRoot(O) || O.Path.size() < Path.size() ||
      O.Path.compare(0, Path.size(), Path) != 0)
    return false;
  if (O.Path.size() == Path.size())
    return true;
  char Next = O.Path[Path.size()];
  return Next == '.' || Next == '*' || Next == '[';
}

std::string MemLoc::display() const {
  std::vector<std::string> Segs = segments(Path);
  std::string Out;
  size_t I = 0;
  if (!Var) {
    // A member through `this`: its name alone.
    if (!Segs.empty() && Segs[0][0] == '.') {
      Out = Segs[0].substr(1);
      I = 1;
    } else {
      Out = "this";
    }
  } else {
    Out = Var->getNameAsString();
  }
  for (; I < Segs.size(); ++I) {
    const std::string &S = Segs[I];
    if (S == "*") {
      if (I + 1 < Segs.size() && Segs[I + 1][0] == '.') {
        Out += "->" + Segs[I + 1].substr(1);
        ++I;
      } else if (I + 1 < Segs.size() && Segs[I + 1] == "[]") {
        Out += "[]";
        ++I;
      } else {
        Out = "*" + Out; // what p points to
      }
    } else {
      Out += S;
    }
  }
  return Out;
}

MemoryEffects::MemoryEffects(ProcessModel &M, bool UseIndex) : M(M), UseIndex(UseIndex) {}

std::optional<MemLoc> MemoryEffects::locationOf(const Expr *E) const {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
      MemLoc L;
      L.Var = VD->getCanonicalDecl();
      // A reference denotes its referent; a local reference to a global is
      // rare enough to name the reference itself.
      return L;
    }
    return std::nullopt;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (!Field) {
      // A static data member is a global.
      if (const auto *VD = dyn_cast<VarDecl>(ME->getMemberDecl())) {
        MemLoc L;
        L.Var = VD->getCanonicalDecl();
        return L;
      }
      return std::nullopt;
    }
    const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
    std::optional<MemLoc> L;
    if (isa<CXXThisExpr>(Base))
      L = MemLoc();
    else if (ME->isArrow())
      L = pointeeOf(ME->getBase());
    else
      L = locationOf(Base);
    if (!L)
      return std::nullopt;
    L->Path += "." + Field->getNameAsString();
    return L;
  }
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    // p[i] is an element behind p; arr[i] (a decayed array) already is.
    std::optional<MemLoc> L = pointeeOf(AS->getBase());
    if (L && !L->Path.empty() && L->Path.back() == '*')
      L->Path += "[]";
    return L;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (UO->getOpcode() == UO_Deref)
      return pointeeOf(UO->getSubExpr());
    return std::nullopt;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
    OverloadedOperatorKind Op = OC->getOperator();
    if (OC->getNumArgs() >= 1 && (Op == OO_Subscript || Op == OO_Star || Op == OO_Arrow)) {
      std::optional<MemLoc> L = locationOf(OC->getArg(0));
      if (L)
        L->Path += Op == OO_Subscript ? "[]" : "*";
      return L;
    }
  }
  return std::nullopt;
}

std::optional<MemLoc> MemoryEffects::pointeeOf(const Expr *E) const {
  E = E->IgnoreParens();
  if (const auto *Cast = dyn_cast<CastExpr>(E)) {
    if (Cast->getCastKind() == CK_ArrayToPointerDecay) {
      std::optional<MemLoc> L = locationOf(Cast->getSubExpr());
      if (L)
        L->Path += "[]";
      return L;
    }
    return pointeeOf(Cast->getSubExpr());
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      return locationOf(UO->getSubExpr());
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    if (BO->isAdditiveOp())
      return pointeeOf(BO->getLHS()->getType()->isPointerType() ? BO->getLHS()
                                                                 : BO->getRHS());
  // A pointer held in a variable or a field: the memory it points to.
  std::optional<MemLoc> L = locationOf(E);
  if (!L)
    return std::nullopt;
  if (!L->PointerDecl) {
    const Expr *Holder = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Holder))
      L->PointerDecl = DRE->getDecl();
    else if (const auto *ME = dyn_cast<MemberExpr>(Holder))
      L->PointerDecl = ME->getMemberDecl();
  }
  L->Path += "*";
  return L;
}

const FunctionDecl *MemoryEffects::calleeWithBody(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return nullptr;
  const FunctionDecl *Def = nullptr;
  if (!Callee->hasBody(Def) || !Def || Def->isDependentContext())
    return nullptr;
  return Def;
}

const FunctionDecl *MemoryEffects::summarisedCallee(const CallExpr *CE) const {
  if (const FunctionDecl *Def = calleeWithBody(CE))
    return Def;
  const FunctionDecl *Callee = CE->getDirectCallee();
  return UseIndex && M.external(Callee, Aspect::Memory) ? Callee : nullptr;
}

void MemoryEffects::directWrites(const Stmt *S, llvm::SmallVectorImpl<MemLoc> &Out) const {
  auto Add = [&](std::optional<MemLoc> L) {
    if (L)
      Out.push_back(*L);
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->isAssignmentOp())
      Add(locationOf(BO->getLHS()));
    return;
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
    if (UO->isIncrementDecrementOp())
      Add(locationOf(UO->getSubExpr()));
    return;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S)) {
    OverloadedOperatorKind Op = OC->getOperator();
    bool Assigns = OC->isAssignmentOp() || Op == OO_PlusPlus || Op == OO_MinusMinus;
    if (Assigns && OC->getNumArgs() >= 1)
      Add(locationOf(OC->getArg(0)));
    return;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (!MD || !isStdRecordMethod(MD) || !M.rules().isMutatingMethod(MD->getNameAsString()))
      return;
    const Expr *Obj = MC->getImplicitObjectArgument();
    const auto *Callee = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens());
    if (Obj)
      Add(Callee && Callee->isArrow() ? pointeeOf(Obj) : locationOf(Obj));
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(S)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return;
    int Arg = M.rules().writeThroughArg(ProcessModel::ruleName(Callee));
    if (Arg >= 0 && unsigned(Arg) < CE->getNumArgs())
      Add(pointeeOf(CE->getArg(Arg)));
  }
}

void MemoryEffects::directReads(const Stmt *S, const ParentMap &PM,
                                llvm::SmallVectorImpl<MemLoc> &Out) const {
  auto Add = [&](std::optional<MemLoc> L) {
    if (L)
      Out.push_back(*L);
  };
  if (const auto *Cast = dyn_cast<ImplicitCastExpr>(S)) {
    if (Cast->getCastKind() == CK_LValueToRValue) {
      Add(locationOf(Cast->getSubExpr()));
    } else if (Cast->getCastKind() == CK_ArrayToPointerDecay) {
      // An array handed to a function is read, unless it is the destination
      // of a write-through call (memcpy's first argument). A decay that only
      // feeds a subscript reads nothing by itself (q[0] = 0 writes).
      const Stmt *P = PM.getParentIgnoreParenImpCasts(const_cast<ImplicitCastExpr *>(Cast));
      const auto *CE = dyn_cast_or_null<CallExpr>(P);
      if (!CE)
        return;
      if (const FunctionDecl *Callee = CE->getDirectCallee()) {
        int Arg = M.rules().writeThroughArg(ProcessModel::ruleName(Callee));
        if (Arg >= 0 && unsigned(Arg) < CE->getNumArgs() &&
            CE->getArg(Arg)->IgnoreParenImpCasts() == Cast->getSubExpr()->IgnoreParenImpCasts())
          return;
      }
      std::optional<MemLoc> L = locationOf(Cast->getSubExpr());
      if (L)
        L->Path += "[]";
      Add(L);
    }
    return;
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (MD && isStdRecordMethod(MD) && !M.rules().isMutatingMethod(MD->getNameAsString()))
      if (const Expr *Obj = MC->getImplicitObjectArgument()) {
        const auto *Callee = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens());
        Add(Callee && Callee->isArrow() ? pointeeOf(Obj) : locationOf(Obj));
      }
    return;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S)) {
    // Objects used by an operator other than an assignment to them.
    for (unsigned I = OC->isAssignmentOp() ? 1 : 0; I < OC->getNumArgs(); ++I)
      if (OC->getArg(I)->isGLValue() && OC->getArg(I)->getType()->isRecordType())
        Add(locationOf(OC->getArg(I)));
    return;
  }
  if (const auto *CC = dyn_cast<CXXConstructExpr>(S)) {
    for (const Expr *Arg : CC->arguments())
      if (Arg->isGLValue() && Arg->getType()->isRecordType())
        Add(locationOf(Arg));
    return;
  }
  if (const auto *CE = dyn_cast<CallExpr>(S)) {
    // Objects passed by reference to a function whose body is not here (nor
    // summarised by the project index), and what pointers passed to it point
    // to (`puts(report)` reads *report), except the destination of a
    // write-through call (memcpy's first argument).
    if (summarisedCallee(CE))
      return;
    const FunctionDecl *Callee = CE->getDirectCallee();
    // (free(p) and munmap(p, n) release the memory without reading it.)
    if (Callee && M.rules().isDealloc(ProcessModel::ruleName(Callee)))
      return;
    int Through = Callee ? M.rules().writeThroughArg(ProcessModel::ruleName(Callee)) : -1;
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I);
      if (Arg->isGLValue() && Arg->getType()->isRecordType())
        Add(locationOf(Arg));
      else if (int(I) != Through && Arg->getType()->isPointerType() && !decaysArray(Arg))
        Add(pointeeOf(Arg)); // (a decayed array is read by its cast, above)
    }
  }
}

bool MemoryEffects::keepInSummary(const MemLoc &L, const FunctionDecl *FD) const {
  if (L.isThis())
    return true;
  const VarDecl *V = L.Var;
  if (V->hasGlobalStorage())
    return true;
  if (const auto *P = dyn_cast<ParmVarDecl>(V))
    // Through a pointer or reference parameter: the caller's memory.
    return P->getDeclContext() == FD &&
           (L.throughPointer() || P->getType()->isReferenceType());
  // A variable of an enclosing function captured by reference.
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && MD->getParent()->isLambda())
    if (V->getDeclContext() != FD && !FD->Encloses(V->getDeclContext()))
      for (const LambdaCapture &C : MD->getParent()->captures())
        if (C.capturesVariable() && C.getCapturedVar() &&
            C.getCapturedVar()->getCanonicalDecl() == V)
          return C.getCaptureKind() == LCK_ByRef;
  return false;
}

std::optional<MemLoc> MemoryEffects::mapIntoCaller(const MemLoc &L, const CallExpr *CE,
                                                   const FunctionDecl *Callee) const {
  const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
  bool Lambda = MD && MD->getParent()->isLambda();
  if (L.isThis()) {
    if (Lambda)
      return L; // the captured `this` is the caller's
    const Expr *Obj = nullptr;
    bool Arrow = false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      Obj = MC->getImplicitObjectArgument();
      if (const auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()))
        Arrow = ME->isArrow();
    } else if (isa<CXXOperatorCallExpr>(CE) && CE->getNumArgs() > 0) {
      Obj = CE->getArg(0);
    }
    if (!Obj)
      return std::nullopt;
    if (isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()))
      return L;
    std::optional<MemLoc> Base = Arrow ? pointeeOf(Obj) : locationOf(Obj);
    if (!Base)
      return std::nullopt;
    Base->Path += L.Path;
    if (!Base->PointerDecl)
      Base->PointerDecl = L.PointerDecl;
    return Base;
  }
  const auto *P = dyn_cast<ParmVarDecl>(L.Var);
  if (!P || P->getDeclContext() != Callee)
    return L; // a global, or a captured variable of the caller
  unsigned Index = P->getFunctionScopeIndex();
  if (isa<CXXOperatorCallExpr>(CE) && MD && !MD->isStatic())
    ++Index; // the object is argument 0
  if (Index >= CE->getNumArgs())
    return std::nullopt;
  const Expr *Arg = CE->getArg(Index);
  std::optional<MemLoc> Base;
  std::string Rest = L.Path;
  if (P->getType()->isReferenceType()) {
    Base = locationOf(Arg);
  } else if (!Rest.empty() && Rest[0] == '*') {
    Base = pointeeOf(Arg);
    Rest = Rest.substr(1);
  }
  if (!Base)
    return std::nullopt;
  Base->Path += Rest;
  return Base;
}

std::optional<MemLoc> MemoryEffects::mapIntoCaller(const IndexPlace &P, const CallExpr *CE,
                                                   const FunctionDecl *Callee,
                                                   bool Opaque) const {
  if (!P.Global.empty()) {
    MemLoc L;
    if (const VarDecl *V = M.globalVar(P.Global))
      L.Var = V;
    else if (Opaque)
      L.Path = "^extern:" + P.Global;
    else
      return std::nullopt;
    L.Path += P.Path;
    return L;
  }
  if (P.Param < 0 && !P.This) {
    if (P.Path.empty() || P.Path[0] != '^')
      return std::nullopt;
    MemLoc L; // a pseudo-lock ("^argumentless-lock")
    L.Path = P.Path;
    return L;
  }
  if (P.This) {
    MemLoc L;
    L.Path = P.Path;
    return mapIntoCaller(L, CE, Callee);
  }
  const FunctionDecl *Def = Callee->getMostRecentDecl();
  if (unsigned(P.Param) >= Def->getNumParams() || unsigned(P.Param) >= CE->getNumArgs())
    return std::nullopt;
  MemLoc L;
  L.Var = Def->getParamDecl(P.Param)->getCanonicalDecl();
  L.Path = P.Path;
  return mapIntoCaller(L, CE, Def);
}

namespace {
/// The globals an expression loads.
class GlobalReads : public RecursiveASTVisitor<GlobalReads> {
public:
  GlobalReads(const MemoryEffects &ME, llvm::DenseSet<const VarDecl *> &Out, unsigned Depth = 2)
      : ME(ME), Out(Out), Depth(Depth) {}
  bool VisitImplicitCastExpr(ImplicitCastExpr *Cast) {
    if (Cast->getCastKind() == CK_LValueToRValue)
      if (auto L = ME.locationOf(Cast->getSubExpr());
          L && L->Var && L->Path.empty() && L->Var->hasGlobalStorage())
        Out.insert(L->Var);
    return true;
  }
  /// A call's result tested is what the function returns tested: the
  /// globals its returns read (an accessor, stress-ng's
  /// `while (stress_continue(args))` over `return g_stress_continue_flag;`),
  /// two calls deep.
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Depth || !Callee || !(Callee = Callee->getDefinition()) || !Callee->getBody())
      return true;
    struct Returns : RecursiveASTVisitor<Returns> {
      GlobalReads &Inner;
      explicit Returns(GlobalReads &Inner) : Inner(Inner) {}
      bool VisitReturnStmt(ReturnStmt *RS) {
        if (Expr *V = RS->getRetValue())
          Inner.TraverseStmt(V);
        return true;
      }
      bool TraverseLambdaExpr(LambdaExpr *) { return true; }
    };
    GlobalReads Inner(ME, Out, Depth - 1);
    Returns(Inner).TraverseStmt(Callee->getBody());
    return true;
  }

private:
  const MemoryEffects &ME;
  llvm::DenseSet<const VarDecl *> &Out;
  unsigned Depth;
};

/// The conditions of a body's branches and loops, on the AST.
class Conditions : public RecursiveASTVisitor<Conditions> {
public:
  explicit Conditions(GlobalReads &R) : R(R) {}
  bool VisitIfStmt(IfStmt *S) { return read(S->getCond()); }
  bool VisitWhileStmt(WhileStmt *S) { return read(S->getCond()); }
  bool VisitDoStmt(DoStmt *S) { return read(S->getCond()); }
  bool VisitForStmt(ForStmt *S) { return read(S->getCond()); }
  bool VisitSwitchStmt(SwitchStmt *S) { return read(S->getCond()); }
  bool VisitConditionalOperator(ConditionalOperator *C) { return read(C->getCond()); }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

private:
  bool read(Expr *E) {
    if (E)
      R.TraverseStmt(E);
    return true;
  }
  GlobalReads &R;
};
} // namespace

void MemoryEffects::conditionGlobals(const CFG &G, llvm::DenseSet<const VarDecl *> &Out,
                                     llvm::function_ref<bool(const Stmt *)> Keep) const {
  GlobalReads R(*this, Out);
  for (const CFGBlock *B : G)
    if (const Expr *Cond = branchCondition(*B); Cond && Keep(Cond))
      R.TraverseStmt(const_cast<Expr *>(Cond));
}

void MemoryEffects::conditionGlobals(const Stmt *Body,
                                     llvm::DenseSet<const VarDecl *> &Out) const {
  GlobalReads R(*this, Out);
  Conditions(R).TraverseStmt(const_cast<Stmt *>(Body));
}

std::optional<IndexPlace> MemoryEffects::indexPlace(const MemLoc &L, const FunctionDecl *FD) const {
  IndexPlace P;
  P.Path = L.Path;
  if (L.isThis()) {
    if (!L.Path.empty() && L.Path[0] == '^') {
      if (llvm::StringRef(L.Path).starts_with("^extern:") ||
          L.Path == "^argumentless-lock")
        return P;
      return std::nullopt; // "^held-by-caller"
    }
    P.This = true;
    return P;
  }
  if (const auto *PVD = dyn_cast<ParmVarDecl>(L.Var)) {
    if (PVD->getDeclContext() != FD && PVD->getDeclContext() != FD->getCanonicalDecl())
      return std::nullopt;
    P.Param = int(PVD->getFunctionScopeIndex());
    return P;
  }
  if (L.Var->hasGlobalStorage() && !L.Var->isStaticLocal()) {
    P.Global = M.usr(L.Var).str();
    P.Name = L.Var->getNameAsString();
    if (P.Global.empty())
      return std::nullopt;
    return P;
  }
  return std::nullopt;
}

const MemorySummary &MemoryEffects::summary(const FunctionDecl *FD) {
  auto &Slot = Summaries[FD];
  if (Slot)
    return Slot->Summary; // done, or recursion: what is known so far
  Slot = std::make_unique<Entry>();
  Slot->State = Visit::InProgress;
  MemorySummary S;
  const ParentMap *PM = M.parents(FD);
  if (FD->hasBody() && PM) {
    StmtCollector C;
    C.TraverseStmt(FD->getBody());
    llvm::SmallVector<MemLoc, 4> Locs;
    for (const Stmt *St : C.Stmts) {
      Locs.clear();
      directWrites(St, Locs);
      for (const MemLoc &L : Locs)
        if (keepInSummary(L, FD))
          S.Writes.push_back({L, St, {}});
      Locs.clear();
      directReads(St, *PM, Locs);
      for (const MemLoc &L : Locs)
        if (keepInSummary(L, FD))
          S.Reads.push_back(L);
      if (const auto *CE = dyn_cast<CallExpr>(St)) {
        std::vector<MemWrite> W;
        callWrites(CE, W);
        for (const MemWrite &X : W)
          if (keepInSummary(X.Loc, FD))
            S.Writes.push_back(X);
        std::vector<MemLoc> R;
        callReads(CE, R);
        for (const MemLoc &X : R)
          if (keepInSummary(X, FD))
            S.Reads.push_back(X);
      }
    }
  }
  auto &Done = Summaries[FD];
  Done->Summary = std::move(S);
  Done->State = Visit::Done;
  return Done->Summary;
}

void MemoryEffects::callWrites(const CallExpr *CE, std::vector<MemWrite> &Out) {
  const FunctionDecl *Callee = calleeWithBody(CE);
  if (!Callee) {
    // A function of another file, as the project index summarises it.
    if (const FunctionFacts *F = UseIndex ? M.external(CE->getDirectCallee(), Aspect::Memory)
                                          : nullptr)
      for (const IndexPlace &P : F->Writes)
        if (std::optional<MemLoc> L = mapIntoCaller(P, CE, CE->getDirectCallee()))
          Out.push_back({*L, nullptr, P.At});
    return;
  }
  // Copy: summary() may grow the map while this runs.
  std::vector<MemWrite> Writes = summary(Callee).Writes;
  for (const MemWrite &W : Writes)
    if (std::optional<MemLoc> L = mapIntoCaller(W.Loc, CE, Callee))
      Out.push_back({*L, W.At, W.Elsewhere});
}

void MemoryEffects::callReads(const CallExpr *CE, std::vector<MemLoc> &Out) {
  const FunctionDecl *Callee = calleeWithBody(CE);
  if (!Callee) {
    if (const FunctionFacts *F = UseIndex ? M.external(CE->getDirectCallee(), Aspect::Memory)
                                          : nullptr)
      for (const IndexPlace &P : F->Reads)
        if (std::optional<MemLoc> L = mapIntoCaller(P, CE, CE->getDirectCallee()))
          Out.push_back(*L);
    return;
  }
  std::vector<MemLoc> Reads = summary(Callee).Reads;
  for (const MemLoc &R : Reads)
    if (std::optional<MemLoc> L = mapIntoCaller(R, CE, Callee))
      Out.push_back(*L);
}

} // namespace procshare
