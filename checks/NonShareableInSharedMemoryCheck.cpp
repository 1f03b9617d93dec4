//===- NonShareableInSharedMemoryCheck.cpp - procshare-non-shareable-in-shared-memory -===//

#include "checks/NonShareableInSharedMemoryCheck.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/TargetInfo.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

void NonShareableInSharedMemoryCheck::onStartOfTranslationUnit() {
  ProcshareCheck::onStartOfTranslationUnit();
  Grouped = false;
  Placements.clear();
  ChannelArrays.clear();
  Reported.clear();
}

void NonShareableInSharedMemoryCheck::registerMatchers(MatchFinder *Finder) {
  registerFunctionsMatcher(Finder);
}

void NonShareableInSharedMemoryCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  groupOnce(Ctx);
  forEachFunction(Result, [&](const FunctionDecl *FD) {
    checkPlacements(FD, Ctx);
    checkPointerStores(FD, Ctx);
    checkByteWrites(FD, Ctx);
  });
}

void NonShareableInSharedMemoryCheck::groupOnce(ASTContext &Ctx) {
  if (!Grouped) {
    Grouped = true;
    ProcessModel &M = model(Ctx);
    const ProcessModel::TUIndex &Index = M.index();
    for (const auto &[New, Fn] : Index.PlacementNews)
      Placements[Fn].push_back(New);
    for (const auto &[Cast, Fn] : Index.ClassPointerCasts)
      Placements[Fn].push_back(Cast);
    // The fd arrays of pipes and socket pairs (rules: inherited_ipc with an
    // object argument).
    for (const auto &[Callee, Sites] : Index.Calls) {
      const InheritedIpcRule *R =
          Callee ? rules().inheritedIpc(ProcessModel::ruleName(Callee)) : nullptr;
      if (!R || R->ObjectArg < 0)
        continue;
      for (const ProcessModel::CallSite &Site : Sites)
        if (unsigned(R->ObjectArg) < Site.Call->getNumArgs())
          if (const auto *DRE = dyn_cast<DeclRefExpr>(
                  Site.Call->getArg(R->ObjectArg)->IgnoreParenImpCasts()))
            ChannelArrays.insert(DRE->getDecl());
    }
  }
}

std::optional<NonShareableInSharedMemoryCheck::Why>
NonShareableInSharedMemoryCheck::nonShareable(QualType T, ASTContext &Ctx,
                                              bool PointersToo, unsigned Depth) {
  if (Depth > 8)
    return std::nullopt;
  T = Ctx.getBaseElementType(T.getCanonicalType().getUnqualifiedType());
  std::string Name = T.getAsString(Ctx.getPrintingPolicy());
  if (PointersToo && T->isPointerType() && !T->isFunctionPointerType())
    return Why{"", Name, Why::Pointer};
  const RecordDecl *Rec = T->getAsRecordDecl();
  if (!Rec)
    return std::nullopt;
  // By name first: a library template used only through a pointer may have
  // no definition instantiated here.
  std::string RuleName = ProcessModel::ruleName(Rec);
  if (rules().isHeapOwningType(RuleName))
    return Why{"", Name, Why::HeapOwning};
  Rec = Rec->getDefinition();
  if (!Rec)
    return std::nullopt;
  if (const auto *RD = dyn_cast<CXXRecordDecl>(Rec)) {
    // std::atomic<T> whose T the target cannot update with one instruction:
    // the library guards it with a lock of this process.
    if (RuleName == "std::atomic")
      if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
          Spec && Spec->getTemplateArgs().size() == 1 &&
          Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
        QualType Arg = Spec->getTemplateArgs()[0].getAsType();
        if (Arg->isDependentType() || Arg->isIncompleteType())
          return std::nullopt;
        uint64_t Bits = Ctx.getTypeSize(Arg);
        bool LockFree = Bits <= Ctx.getTargetInfo().getMaxAtomicInlineWidth() &&
                        llvm::isPowerOf2_64(Bits);
        if (!LockFree)
          return Why{"", Name, Why::AtomicWithLock};
        return std::nullopt;
      }
    if (RD->isInStdNamespace())
      return std::nullopt; // other library types: not looked into
    if (RD->isPolymorphic())
      return Why{"", Name, Why::Polymorphic};
    for (const CXXBaseSpecifier &B : RD->bases())
      if (auto W = nonShareable(B.getType(), Ctx, PointersToo, Depth + 1))
        return W;
  }
  const RecordDecl *RD = Rec;
  for (const FieldDecl *F : RD->fields())
    if (auto W = nonShareable(F->getType(), Ctx, PointersToo, Depth + 1)) {
      W->Path = "." + F->getNameAsString() + W->Path;
      return W;
    }
  return std::nullopt;
}

static const char *reason(NonShareableInSharedMemoryCheck::Why::Kind K) {
  switch (K) {
  case NonShareableInSharedMemoryCheck::Why::HeapOwning:
    return "keeps its contents on the heap of the process that filled it, which "
           "other processes cannot see (each has its own copy of the heap); use "
           "fixed-size arrays, or boost::interprocess containers with a shared-memory "
           "allocator";
  case NonShareableInSharedMemoryCheck::Why::Polymorphic:
    return "has a vtable pointer, valid only in this program image (not in a "
           "process that exec'd or in an unrelated one); keep plain data in "
           "shared memory and the behaviour outside it";
  case NonShareableInSharedMemoryCheck::Why::AtomicWithLock:
    return "is not lock-free, so the library guards it with a lock in "
           "process-private memory that other processes do not see; use a "
           "lock-free type or a PTHREAD_PROCESS_SHARED mutex in the mapping";
  case NonShareableInSharedMemoryCheck::Why::Pointer:
    return "holds pointers, which mean nothing to another process; send the "
           "data itself, or offsets";
  }
  return "";
}

void NonShareableInSharedMemoryCheck::checkPlacements(const FunctionDecl *FD,
                                                      ASTContext &Ctx) {
  auto It = Placements.find(FD);
  if (It == Placements.end())
    return;
  ProcessModel &M = model(Ctx);
  for (const Expr *E : It->second) {
    const Expr *Pointer;
    QualType T;
    if (const auto *New = dyn_cast<CXXNewExpr>(E)) {
      Pointer = New->getPlacementArg(0);
      T = New->getAllocatedType();
    } else {
      const auto *Cast = cast<ExplicitCastExpr>(E);
      Pointer = Cast->getSubExpr();
      T = Cast->getType()->getPointeeType();
    }
    SharedOrigin Source;
    if (M.sharedMemory().ofPointer(Pointer, &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
      continue;
    if (M.sharedMemory().isFileBackedMapping(Source) && !M.translationUnitForks())
      continue;
    auto W = nonShareable(T, Ctx, /*PointersToo=*/false);
    if (!W ||
        !Reported.insert(T->getCanonicalTypeUnqualified().getTypePtr()).second)
      continue;
    std::string TypeName = T.getUnqualifiedType().getAsString(Ctx.getPrintingPolicy());
    if (W->Path.empty())
      diag(E->getBeginLoc(), "'%0' is placed in memory shared between processes, "
                             "but it %1")
          << TypeName << reason(W->K);
    else
      diag(E->getBeginLoc(), "'%0' is placed in memory shared between processes, "
                             "but its member '%1' (%2) %3")
          << TypeName << W->Path.substr(1) << W->TypeName << reason(W->K);
    noteMapping(Ctx, Source);
  }
}

void NonShareableInSharedMemoryCheck::checkPointerStores(const FunctionDecl *FD,
                                                         ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  class Stores : public RecursiveASTVisitor<Stores> {
  public:
    std::vector<const BinaryOperator *> Found;
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->getOpcode() == BO_Assign && BO->getLHS()->getType()->isPointerType() &&
          !BO->getLHS()->getType()->isFunctionPointerType() &&
          !isa<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        Found.push_back(BO);
      return true;
    }
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  } S;
  S.TraverseStmt(FD->getBody());
  for (const BinaryOperator *BO : S.Found) {
    const Expr *RHS = BO->getRHS()->IgnoreParenImpCasts();
    if (RHS->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) ||
        isa<StringLiteral>(RHS))
      continue;
    SharedOrigin Source;
    if (M.sharedMemory().ofObject(BO->getLHS(), &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
      continue;
    if (M.sharedMemory().isFileBackedMapping(Source) && !M.translationUnitForks())
      continue;
    if (M.sharedMemory().ofPointer(BO->getRHS(), nullptr, ProvenanceQuestion::IsPrivate) != Provenance::Private)
      continue;
    // Stored before any fork, the pointer is inherited together with a copy
    // of what it points to (fio fills its shared job table with strdup'd
    // names before it forks the jobs). Only a store made while other
    // processes already exist points where they have nothing - and only
    // while they share this mapping, which depends on when it was made
    // against the fork: the file that forks shows both, callers in other
    // files do not (fio parses its jobs in a server's connection child, and
    // maps the job table there).
    if (M.processContext(FD, BO, 0, /*CallersElsewhere=*/false) !=
        ProcessModel::ProcessContext::Several)
      continue;
    diag(BO->getOperatorLoc(),
         "a pointer to process-private memory is stored in memory shared between "
         "processes; in another process it points into that process's own copy "
         "(or nowhere): store the data itself, or an offset into the shared "
         "mapping");
    noteMapping(Ctx, Source);
  }
}

void NonShareableInSharedMemoryCheck::checkByteWrites(const FunctionDecl *FD,
                                                      ASTContext &Ctx) {
  if (ChannelArrays.empty())
    return;
  ProcessModel &M = model(Ctx);
  for (const CallExpr *CE : M.callsIn(FD)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee || CE->getNumArgs() < 2)
      continue;
    StringRef Name = Callee->getName();
    if (Name != "write" && Name != "send")
      continue;
    // write(fds[1], &obj, sizeof obj), on a pipe or socket pair of this file.
    const auto *Fd = dyn_cast<ArraySubscriptExpr>(CE->getArg(0)->IgnoreParenImpCasts());
    const auto *Base = Fd ? dyn_cast<DeclRefExpr>(Fd->getBase()->IgnoreParenImpCasts())
                          : nullptr;
    if (!Base || !ChannelArrays.count(Base->getDecl()))
      continue;
    const Expr *Buf = CE->getArg(1)->IgnoreParenImpCasts();
    QualType T;
    if (const auto *UO = dyn_cast<UnaryOperator>(Buf); UO && UO->getOpcode() == UO_AddrOf)
      T = UO->getSubExpr()->getType();
    else if (Buf->getType()->isPointerType())
      T = Buf->getType()->getPointeeType();
    if (T.isNull() || !T->isRecordType())
      continue;
    auto W = nonShareable(T, Ctx, /*PointersToo=*/true);
    if (!W || !Reported.insert(CE).second)
      continue;
    std::string TypeName = T.getUnqualifiedType().getAsString(Ctx.getPrintingPolicy());
    diag(CE->getBeginLoc(),
         "'%0' is sent byte by byte to another process, but its member '%1' (%2) %3")
        << TypeName << W->Path.substr(1) << W->TypeName << reason(W->K);
  }
}

} // namespace procshare
