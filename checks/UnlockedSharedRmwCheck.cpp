//===- UnlockedSharedRmwCheck.cpp - procshare-unlocked-shared-rmw ---------===//

#include "checks/UnlockedSharedRmwCheck.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

void UnlockedSharedRmwCheck::registerMatchers(MatchFinder *Finder) {
  // Function definitions, whose bodies the check walks itself: a matcher
  // such as forCallable() on every update would build the parent map of the
  // whole translation unit (80 MB for OpenSSH's ed25519.c).
  registerFunctionsMatcher(Finder);
}

namespace {
/// The places a condition loads.
class ConditionReads : public RecursiveASTVisitor<ConditionReads> {
public:
  explicit ConditionReads(MemoryEffects &ME) : ME(ME) {}
  std::vector<MemLoc> Locs;
  bool VisitImplicitCastExpr(ImplicitCastExpr *Cast) {
    if (Cast->getCastKind() == CK_LValueToRValue)
      if (auto L = ME.locationOf(Cast->getSubExpr()))
        Locs.push_back(*L);
    return true;
  }

private:
  MemoryEffects &ME;
};
} // namespace

namespace {
/// `p = NULL`, `flag = 0`: clearing what a test found set is a reset, not
/// the claim test-then-set races on (`if (!s->ready) s->ready = 1`).
bool isReset(const Expr *Value, ASTContext &Ctx) {
  if (Value->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return true;
  Expr::EvalResult R;
  return !Value->isValueDependent() && Value->EvaluateAsInt(R, Ctx) && R.Val.getInt() == 0;
}

/// The updates of one function body: ++/--, assignments, and ifs (for
/// test-then-set). Lambdas are functions of their own, matched separately.
class UpdateCollector : public RecursiveASTVisitor<UpdateCollector> {
public:
  std::vector<const Stmt *> Updates;
  bool VisitUnaryOperator(UnaryOperator *U) {
    if (U->isIncrementDecrementOp())
      Updates.push_back(U);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *B) {
    if (B->isAssignmentOp())
      Updates.push_back(B);
    return true;
  }
  bool VisitIfStmt(IfStmt *If) {
    Updates.push_back(If);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};
} // namespace

void UnlockedSharedRmwCheck::check(const MatchFinder::MatchResult &Result) {
  forEachFunction(Result,
                  [&](const FunctionDecl *FD) { checkFunction(FD, *Result.Context); });
}

void UnlockedSharedRmwCheck::checkFunction(const FunctionDecl *FD, ASTContext &Ctx) {
  UpdateCollector Collector;
  Collector.TraverseStmt(FD->getBody());
  if (Collector.Updates.empty())
    return;
  MemoryEffects &ME = model(Ctx).memoryEffects();
  for (const Stmt *S : Collector.Updates) {
    if (const auto *U = dyn_cast<UnaryOperator>(S)) {
      report(U, U->getSubExpr(), FD, false, Ctx);
      continue;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->isCompoundAssignmentOp()) {
        report(BO, BO->getLHS(), FD, false, Ctx);
        continue;
      }
      // x = x op y
      const auto *Op = dyn_cast<BinaryOperator>(BO->getRHS()->IgnoreParenImpCasts());
      if (!Op || !(Op->isAdditiveOp() || Op->isMultiplicativeOp() || Op->isBitwiseOp() ||
                   Op->isShiftOp()))
        continue;
      std::optional<MemLoc> Target = ME.locationOf(BO->getLHS());
      if (!Target)
        continue;
      for (const Expr *Operand : {Op->getLHS(), Op->getRHS()})
        if (auto L = ME.locationOf(Operand); L && *L == *Target) {
          report(BO, BO->getLHS(), FD, false, Ctx);
          break;
        }
      continue;
    }
    // Test-then-set: the condition reads a place the branch then assigns.
    const auto *If = cast<IfStmt>(S);
    if (!If->getCond())
      continue;
    ConditionReads Reads(ME);
    Reads.TraverseStmt(const_cast<Expr *>(If->getCond()));
    if (Reads.Locs.empty())
      continue;
    const Stmt *Then = If->getThen();
    llvm::SmallVector<const Stmt *, 4> Stmts;
    if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Then))
      Stmts.append(CS->body_begin(), CS->body_end());
    else if (Then)
      Stmts.push_back(Then);
    for (const Stmt *T : Stmts)
      if (const auto *Set = dyn_cast<BinaryOperator>(T); Set && Set->getOpcode() == BO_Assign &&
                                                          !isReset(Set->getRHS(), Ctx))
        if (auto L = ME.locationOf(Set->getLHS()); L && llvm::is_contained(Reads.Locs, *L)) {
          report(Set, Set->getLHS(), FD, true, Ctx);
          break;
        }
  }
}

void UnlockedSharedRmwCheck::report(const Expr *Update, const Expr *Target,
                                    const FunctionDecl *FD, bool TestThenSet,
                                    ASTContext &Ctx) {
  QualType T = Target->getType();
  if (T->isAtomicType() || !T->isScalarType() || T.isConstQualified())
    return;
  ProcessModel &M = model(Ctx);
  SharedOrigin Source;
  if (M.sharedMemory().ofObject(Target, &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
    return;
  // A file mapped MAP_SHARED may only be persisted (memcached's restartable
  // cache): shared between processes only when this code forks.
  if (M.sharedMemory().isFileBackedMapping(Source) && !M.translationUnitForks())
    return;
  // Where several processes are known to run this code, any unlocked update
  // races. Where that is only assumed (other files or function pointers call
  // it), the callers may hold the lock by contract (httpd's socache and
  // slotmem providers): report only in a file that takes locks itself, whose
  // discipline this update escapes.
  ProcessModel::ProcessContext Context = M.concurrentContext(FD, Update, Source);
  if (Context == ProcessModel::ProcessContext::Single ||
      (Context == ProcessModel::ProcessContext::Unknown && !M.translationUnitLocks()))
    return;
  if (M.lockSets().anyHeldAt(FD, Update))
    return;

  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  std::optional<MemLoc> Loc = M.memoryEffects().locationOf(Target);
  std::string Name =
      Loc ? Loc->display()
          : Lexer::getSourceText(CharSourceRange::getTokenRange(Target->getSourceRange()),
                                 SM, LO)
                .str();
  {
  auto D = diag(Update->getBeginLoc(),
                "'%0' is in memory shared between processes and is updated by a "
                "non-atomic %select{read-modify-write|test-then-set}1 with no lock "
                "held, so another process's update can be lost; use "
                "__atomic_fetch_add or a lock-free std::atomic/_Atomic in the "
                "mapping, or hold a PTHREAD_PROCESS_SHARED mutex or a "
                "process-shared semaphore")
           << Name << TestThenSet;

  // Fix-it: __atomic_fetch_add/_sub for ++, --, += and -= on an integer whose
  // result is not used, outside macros.
  const ParentMap *PM = M.parents(FD);
  bool Add = false, Sub = false;
  std::string Amount = "1";
  if (const auto *U = dyn_cast<UnaryOperator>(Update)) {
    Add = U->isIncrementOp();
    Sub = U->isDecrementOp();
  } else if (const auto *BO = dyn_cast<BinaryOperator>(Update)) {
    Add = BO->getOpcode() == BO_AddAssign;
    Sub = BO->getOpcode() == BO_SubAssign;
    Amount = Lexer::getSourceText(
                 CharSourceRange::getTokenRange(BO->getRHS()->getSourceRange()), SM, LO)
                 .str();
  }
  if (!TestThenSet && (Add || Sub) && T->isIntegerType() && PM &&
      isResultDiscarded(Update, *PM) && !Update->getBeginLoc().isMacroID() &&
      !Update->getEndLoc().isMacroID() && !Amount.empty()) {
    std::string Text =
        Lexer::getSourceText(CharSourceRange::getTokenRange(Target->getSourceRange()), SM, LO)
            .str();
    // The target is an lvalue (a name, member, subscript, dereference or a
    // parenthesised one): `&` binds to it as written.
    std::string Address = "&" + Text;
    D << FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(Update->getSourceRange()),
        std::string(Add ? "__atomic_fetch_add(" : "__atomic_fetch_sub(") + Address + ", " +
            Amount + ", __ATOMIC_SEQ_CST)");
  }
  } // the warning is emitted here, before its note
  noteMapping(Ctx, Source);
}

} // namespace procshare
