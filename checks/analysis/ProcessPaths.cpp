//===- ProcessPaths.cpp - Walking a function's paths by process -----------===//
//
// The path walks the checks share with the process regions: the statements
// a function (or the child of a fork) runs until the process ends, the
// condition a block branches on, the trivial tail after a point (what is
// left before the function returns or the process ends), and the names of
// role sets.
//
//===----------------------------------------------------------------------===//

#include "checks/analysis/ProcessRegions.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/ParentMap.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/BitVector.h"

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

} // namespace procshare
