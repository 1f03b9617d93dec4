//===- ThreadLockAcrossProcessesCheck.cpp - thread-lock-across-processes --===//

#include "checks/ThreadLockAcrossProcessesCheck.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/CFG.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

void ThreadLockAcrossProcessesCheck::registerMatchers(MatchFinder *Finder) {
  registerFunctionsMatcher(Finder);
}

void ThreadLockAcrossProcessesCheck::onStartOfTranslationUnit() {
  ProcshareCheck::onStartOfTranslationUnit();
  Reported.clear();
  ReportedPlaces.clear();
  Grouped = false;
  ByFunction.clear();
  KeysBuilt = false;
  InitialisedKeys.clear();
  WholeWritten.clear();
}

void ThreadLockAcrossProcessesCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  forEachFunction(Result, [&](const FunctionDecl *FD) {
    if (Ctx.getSourceManager().isInSystemHeader(FD->getLocation()))
      return;
    checkInits(FD, Ctx);
    checkPlacements(FD, Ctx);
    checkNeverInitialised(FD, Ctx);
    checkForks(FD, Ctx);
    checkGuardedSharedWrites(FD, Ctx);
  });
}

namespace {

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  return Lexer::getSourceText(CharSourceRange::getTokenRange(E->getSourceRange()),
                              Ctx.getSourceManager(), Ctx.getLangOpts())
      .str();
}

/// "shm->lock", "g_lock": the lock a pointer or an object expression names.
std::string lockName(ProcessModel &M, const Expr *E, bool IsPointer) {
  MemoryEffects &ME = M.memoryEffects();
  std::optional<MemLoc> L = IsPointer ? ME.pointeeOf(E) : ME.locationOf(E);
  if (L && !L->isThis())
    return L->display();
  std::string Text = sourceText(E, M.context());
  if (IsPointer && llvm::StringRef(Text).starts_with("&"))
    return Text.substr(1);
  return IsPointer ? "*" + Text : Text;
}

/// "a global", "a static local", "a local variable", "process-private memory".
const char *privatePlace(const MemLoc &L) {
  if (L.throughPointer() || !L.Var)
    return "process-private memory";
  if (L.Var->isStaticLocal())
    return "a static local variable";
  if (L.Var->hasGlobalStorage())
    return "a global variable";
  return "a local variable";
}

/// An initialisation of the lock a parameter points to, in a function other
/// files call: the project index hands it to those callers (LockObjects),
/// which report it where the memory is known, once per call.
bool initForCallers(ProcessModel &M, const LockInit &I) {
  if (!M.projectIndex() || !I.Function || !I.Function->isExternallyVisible() ||
      I.Elsewhere.valid())
    return false;
  std::optional<MemLoc> L = M.memoryEffects().pointeeOf(I.lockArg());
  std::optional<IndexPlace> P = L ? M.memoryEffects().indexPlace(*L, I.Function) : std::nullopt;
  return P && P->Param >= 0 && P->Path == "*";
}

const char *GenericRemedy =
    "put a process-shared lock in memory mapped MAP_SHARED before the fork (a "
    "pthread_mutex_t made PTHREAD_PROCESS_SHARED, sem_init(sem, 1, value)), use a "
    "named semaphore (sem_open), or lock a file with flock or fcntl";

} // namespace

const ThreadLockAcrossProcessesCheck::PerFunction *
ThreadLockAcrossProcessesCheck::contents(const FunctionDecl *FD, ASTContext &Ctx) {
  if (!Grouped) {
    Grouped = true;
    ProcessModel &M = model(Ctx);
    for (const LockInit &I : M.lockObjects().inits())
      ByFunction[I.Function].Inits.push_back(&I);
    if (Ctx.getLangOpts().CPlusPlus) {
      const ProcessModel::TUIndex &Index = M.index();
      for (const auto &[New, Fn] : Index.PlacementNews)
        ByFunction[Fn].Placements.push_back({New, true});
      for (const auto &[Cast, Fn] : Index.ClassPointerCasts)
        ByFunction[Fn].Placements.push_back({Cast, false});
    }
  }
  auto It = ByFunction.find(FD);
  return It == ByFunction.end() ? nullptr : &It->second;
}

//===----------------------------------------------------------------------===//
// Configurable locks in shared memory initialised process-private.
//===----------------------------------------------------------------------===//

void ThreadLockAcrossProcessesCheck::checkInits(const FunctionDecl *FD, ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  const PerFunction *Contents = contents(FD, Ctx);
  if (!Contents)
    return;
  for (const LockInit *IP : Contents->Inits) {
    const LockInit &I = *IP;
    if (I.State != Pshared::Private ||
        I.Type.Sharing != LockSharing::Configurable || initForCallers(M, I))
      continue;
    SharedOrigin Source;
    if (M.sharedMemory().ofPointer(I.lockArg(), &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
      continue;
    // A file mapped MAP_SHARED may only be persisted to it.
    if (M.sharedMemory().isFileBackedMapping(Source) && !M.translationUnitForks())
      continue;
    std::string Name = lockName(M, I.lockArg(), true);
    std::string Callee = calleeName(I.Call);
    if (I.Elsewhere.valid()) {
      // Initialised by a function of another file.
      diag(I.Call->getBeginLoc(),
           "'%0' (%1) is in memory shared between processes, but '%2' initialises it "
           "process-private (%3 %select{with default attributes|with attributes not "
           "made PTHREAD_PROCESS_SHARED on every path|with a process-private pshared "
           "argument}4), so other processes do not see it held; %5")
          << Name << I.Type.Name << Callee << I.InnerCallee
          << (I.Why == LockInit::AttributesNotShared ? 1
              : I.Why == LockInit::PrivateArgument   ? 2
                                                     : 0)
          << I.Type.Remedy;
      if (SourceLocation L = M.location(I.Elsewhere); L.isValid())
        diag(L, "'%0' initialises it here", DiagnosticIDs::Note) << Callee;
      if (SourceLocation L = M.location(I.ElsewhereAttrSetup); L.isValid())
        diag(L, "the attribute object is set up here without PTHREAD_PROCESS_SHARED",
             DiagnosticIDs::Note);
      noteMapping(Ctx, Source);
      continue;
    }
    {
      if (I.Why == LockInit::AttributesNotShared) {
        const Expr *Attr = I.Call->getArg(I.Rule->AttrArg);
        diag(I.Call->getBeginLoc(),
             "'%0' (%1) is in memory shared between processes, but its attribute "
             "object '%2' is not made PTHREAD_PROCESS_SHARED on every path to this "
             "%3, so the lock may be process-private and other processes do not "
             "see it held; %4")
            << Name << I.Type.Name << lockName(M, Attr, true) << Callee << I.Type.Remedy;
      } else if (I.Why == LockInit::PrivateArgument) {
        const Expr *Arg = I.Call->getArg(I.Rule->PsharedArg);
        auto D = diag(I.Call->getBeginLoc(),
                      "'%0' (%1) is in memory shared between processes, but %2 with "
                      "pshared '%3' makes it process-private, so other processes do "
                      "not see it held; %4")
                 << Name << I.Type.Name << Callee << sourceText(Arg, Ctx) << I.Type.Remedy;
        // The argument, spelled as a literal or as one macro, becomes the
        // process-shared value; never inside a macro body.
        CharSourceRange Range = Lexer::makeFileCharRange(
            CharSourceRange::getTokenRange(Arg->getSourceRange()), Ctx.getSourceManager(),
            Ctx.getLangOpts());
        if (Range.isValid() && !I.Call->getBeginLoc().isMacroID())
          D << FixItHint::CreateReplacement(
              Range, I.Rule->SharedValue.empty() ? "1" : I.Rule->SharedValue);
      } else {
        diag(I.Call->getBeginLoc(),
             "'%0' (%1) is in memory shared between processes, but %2 with default "
             "attributes makes it process-private, so other processes do not see "
             "it held; %3")
            << Name << I.Type.Name << Callee << I.Type.Remedy;
      }
    }
    if (I.AttrSetup)
      diag(I.AttrSetup->getBeginLoc(),
           "the attribute object is set up here without PTHREAD_PROCESS_SHARED",
           DiagnosticIDs::Note);
    noteMapping(Ctx, Source);
  }
}

//===----------------------------------------------------------------------===//
// Thread-only lock types placed in shared memory.
//===----------------------------------------------------------------------===//

void ThreadLockAcrossProcessesCheck::checkPlacements(const FunctionDecl *FD,
                                                     ASTContext &Ctx) {
  const PerFunction *Contents = contents(FD, Ctx);
  if (!Contents || Contents->Placements.empty())
    return;
  ProcessModel &M = model(Ctx);
  LockObjects &LO = M.lockObjects();
  auto Check = [&](const Expr *At, const Expr *Pointer, QualType T, bool IsNew) {
    SharedOrigin Source;
    if (M.sharedMemory().ofPointer(Pointer, &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
      return;
    const Type *Key = T->getCanonicalTypeUnqualified().getTypePtr();
    auto Private = LO.containedLock(T, [](const LockTypeInfo &L, bool) {
      return L.Sharing == LockSharing::Private;
    });
    if (Private) {
      if (!Reported.insert({Key, Source.Call}).second)
        return;
      std::string TypeName = T.getUnqualifiedType().getAsString(Ctx.getPrintingPolicy());
      if (Private->Path.empty())
        diag(At->getBeginLoc(),
             "'%0' only works between the threads of one process, but it is placed "
             "in memory shared between processes: another process does not see it "
             "held; %1")
            << Private->Type.Name << Private->Type.Remedy;
      else
        diag(At->getBeginLoc(),
             "'%0' is placed in memory shared between processes, but its member "
             "'%1' (%2) only works between the threads of one process: another "
             "process does not see it held; %3")
            << TypeName << Private->Path.substr(1) << Private->Type.Name
            << Private->Type.Remedy;
      noteMapping(Ctx, Source);
      return;
    }
    if (!IsNew)
      return;
    // `pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;` as a default member
    // initialiser: constructed in shared memory as a process-private mutex,
    // unless the class initialises it again.
    auto Static = LO.containedLock(T, [](const LockTypeInfo &L, bool DefaultInit) {
      return L.Sharing == LockSharing::Configurable && DefaultInit;
    });
    if (!Static || !Static->Field || initialisedSomewhere(Static->Field, Ctx, false) ||
        !Reported.insert({Key, Source.Call}).second)
      return;
    diag(At->getBeginLoc(),
         "'%0' is constructed in memory shared between processes, but its member "
         "'%1' (%2) is set by a static initialiser, which makes it process-private: "
         "other processes do not see it held; %3")
        << T.getUnqualifiedType().getAsString(Ctx.getPrintingPolicy())
        << Static->Path.substr(1) << Static->Type.Name << Static->Type.Remedy;
    noteMapping(Ctx, Source);
  };
  for (const auto &[E, IsNew] : Contents->Placements) {
    if (IsNew) {
      const auto *New = cast<CXXNewExpr>(E);
      Check(New, New->getPlacementArg(0), New->getAllocatedType(), true);
    } else {
      const auto *Cast = cast<ExplicitCastExpr>(E);
      Check(Cast, Cast->getSubExpr(), Cast->getType()->getPointeeType(), false);
    }
  }
}

//===----------------------------------------------------------------------===//
// Configurable locks in shared memory that nothing initialises.
//===----------------------------------------------------------------------===//

const Decl *ThreadLockAcrossProcessesCheck::lockKey(const Expr *E, bool IsPointer) {
  E = E->IgnoreParenCasts();
  if (IsPointer) {
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      return lockKey(UO->getSubExpr(), false);
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl()->getCanonicalDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return ME->getMemberDecl()->getCanonicalDecl();
    if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isAdditiveOp())
      return lockKey(BO->getLHS()->getType()->isPointerType() ? BO->getLHS() : BO->getRHS(),
                     true);
    return nullptr;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl()->getCanonicalDecl();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl()->getCanonicalDecl();
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = AS->getBase()->IgnoreParenImpCasts();
    return Base->getType()->isArrayType() ? lockKey(Base, false) : lockKey(AS->getBase(), true);
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_Deref)
    return lockKey(UO->getSubExpr(), true);
  return nullptr;
}

namespace {
/// True when \p Outer contains \p Inner (as itself, a member, an element).
bool recordContains(const RecordDecl *Outer, const RecordDecl *Inner, const ASTContext &Ctx,
                    unsigned Depth = 0) {
  if (!Outer || Depth > 4)
    return false;
  if (Outer->getCanonicalDecl() == Inner->getCanonicalDecl())
    return true;
  for (const FieldDecl *F : Outer->fields())
    if (const RecordDecl *RD = Ctx.getBaseElementType(F->getType())->getAsRecordDecl())
      if (recordContains(RD->getDefinition(), Inner, Ctx, Depth + 1))
        return true;
  return false;
}
} // namespace

bool ThreadLockAcrossProcessesCheck::initialisedSomewhere(const Decl *Key, ASTContext &Ctx,
                                                          bool WholeWrites) {
  ProcessModel &M = model(Ctx);
  if (!KeysBuilt) {
    KeysBuilt = true;
    for (const LockInit &I : M.lockObjects().inits())
      if (const Decl *K = lockKey(I.lockArg(), true))
        InitialisedKeys.insert(K);
    const ProcessModel::TUIndex &Index = M.index();
    for (const auto &[BO, Fn] : Index.AggregateAssignments) {
      if (const Decl *K = lockKey(BO->getLHS(), false))
        InitialisedKeys.insert(K);
      if (const RecordDecl *RD = BO->getLHS()->getType()->getAsRecordDecl())
        WholeWritten.insert(cast<RecordDecl>(RD->getCanonicalDecl()));
    }
    for (const auto &[New, Fn] : Index.PlacementNews)
      if (const RecordDecl *RD = New->getAllocatedType()->getAsRecordDecl())
        WholeWritten.insert(cast<RecordDecl>(RD->getCanonicalDecl()));
    // memcpy/memset/read into the lock or what contains it.
    for (const auto &[Callee, Sites] : Index.Calls) {
      if (!Callee)
        continue;
      int Arg = M.rules().writeThroughArg(ProcessModel::ruleName(Callee));
      if (Arg < 0)
        continue;
      for (const ProcessModel::CallSite &Site : Sites) {
        if (unsigned(Arg) >= Site.Call->getNumArgs())
          continue;
        const Expr *Dest = Site.Call->getArg(Arg)->IgnoreParenImpCasts();
        if (const Decl *K = lockKey(Dest, true))
          InitialisedKeys.insert(K);
        QualType T = Dest->getType();
        if (T->isPointerType())
          if (const RecordDecl *RD = T->getPointeeType()->getAsRecordDecl())
            WholeWritten.insert(cast<RecordDecl>(RD->getCanonicalDecl()));
      }
    }
  }
  if (InitialisedKeys.count(Key))
    return true;
  if (!WholeWrites)
    return false;
  if (const auto *F = dyn_cast<FieldDecl>(Key))
    for (const RecordDecl *RD : WholeWritten)
      if (recordContains(RD->getDefinition(), F->getParent(), Ctx))
        return true;
  return false;
}

void ThreadLockAcrossProcessesCheck::checkNeverInitialised(const FunctionDecl *FD,
                                                           ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  const SourceManager &SM = Ctx.getSourceManager();
  for (const LockUse *U : M.lockObjects().usesIn(FD)) {
    if (!U->Takes || U->Type.Sharing != LockSharing::Configurable)
      continue;
    SharedOrigin Source;
    Provenance P =
        U->ObjectIsPointer
            ? M.sharedMemory().ofPointer(U->Object, &Source, ProvenanceQuestion::IsShared)
            : M.sharedMemory().ofObject(U->Object, &Source, ProvenanceQuestion::IsShared);
    // Only where this file maps the memory and forks: what it does is all
    // there is to see.
    if (P != Provenance::Shared || !Source.Call || Source.Elsewhere.valid() ||
        !SM.isInMainFile(SM.getExpansionLoc(Source.Call->getBeginLoc())) ||
        !M.translationUnitForks() || M.sharedMemory().isFileBackedMapping(Source))
      continue;
    const Decl *Key = lockKey(U->Object, U->ObjectIsPointer);
    if (!Key || initialisedSomewhere(Key, Ctx) || !Reported.insert({Key, nullptr}).second)
      continue;
    diag(U->Call->getBeginLoc(),
         "'%0' (%1) is in memory shared between processes and is used here, but "
         "nothing in this file initialises it: zeroed memory is a process-private "
         "%1 with default attributes; %2")
        << lockName(M, U->Object, U->ObjectIsPointer) << U->Type.Name << U->Type.Remedy;
    noteMapping(Ctx, Source);
  }
}

//===----------------------------------------------------------------------===//
// Locks in process-private memory used by a child and its parent or siblings.
//===----------------------------------------------------------------------===//

void ThreadLockAcrossProcessesCheck::checkForks(const FunctionDecl *FD, ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  if (!M.mayFork(FD))
    return;
  LockObjects &LO = M.lockObjects();
  MemoryEffects &ME = M.memoryEffects();
  const CFG *G = M.cfg(FD);
  if (!G)
    return;
  const SourceManager &SM = Ctx.getSourceManager();
  const Rules &R = M.rules();

  // The lock uses each call of FD reaches, in FD's terms.
  struct Seen {
    MemLoc Loc;
    const LockUse *Use;
    const Expr *At;
  };
  auto UsesAt = [&](const Expr *At, llvm::SmallVectorImpl<Seen> &Out) {
    for (const LockUse *U : LO.usesIn(FD))
      if (U->Call == At) {
        if (auto L = LO.lockOf(*U))
          Out.push_back({*L, U, At});
        return;
      }
    const auto *CE = dyn_cast<CallExpr>(At);
    const FunctionDecl *Def = CE ? MemoryEffects::calleeWithBody(CE) : nullptr;
    if (!Def || Def == FD || SM.isInSystemHeader(Def->getLocation()))
      return;
    std::string Name = ProcessModel::ruleName(Def);
    if (R.lock(Name) || R.lockInit(Name) || R.lockUseArg(Name) >= 0)
      return;
    for (const ReachedUse &RU : LO.reachedFrom(Def))
      if (auto L = ME.mapIntoCaller(RU.Loc, CE, Def))
        Out.push_back({*L, RU.Use, CE});
  };

  for (const ForkRegions &F : M.forks(FD)) {
    llvm::SmallVector<Seen, 8> Child, Parent;
    for (const CFGBlock *B : *G)
      for (const CFGElement &E : *B) {
        auto CS = E.getAs<CFGStmt>();
        const auto *CE = CS ? dyn_cast<Expr>(CS->getStmt()) : nullptr;
        if (!CE || !(isa<CallExpr>(CE) || isa<CXXConstructExpr>(CE)))
          continue;
        RoleSet Roles = F.rolesOf(CE);
        // Code both run (a child that escaped into the parent's code) is
        // procshare-missing-child-guard's finding, not a second process's use.
        bool InChild = (Roles & RoleChild) && !(Roles & RoleParent);
        // A parent that has waited for its child no longer runs beside it.
        bool InParent = (Roles & RoleParent) && !(Roles & RoleChild) &&
                        !(F.waitedRolesOf(CE) & RoleParent);
        if (!InChild && !InParent)
          continue;
        llvm::SmallVector<Seen, 4> Here;
        UsesAt(CE, Here);
        for (const Seen &S : Here) {
          if (InChild)
            Child.push_back(S);
          if (InParent)
            Parent.push_back(S);
        }
      }
    // Workers forked in a loop: the parent forks again while the children
    // run, so the children use their copies side by side.
    bool Siblings = (F.rolesOf(F.Site.Call) & RoleParent) &&
                    !(F.waitedRolesOf(F.Site.Call) & RoleParent);
    for (const Seen &C : Child) {
      if (C.Use->Type.Sharing == LockSharing::Shared ||
          LO.placeOf(C.Loc) != Provenance::Private)
        continue;
      const Seen *Other = nullptr;
      for (const Seen &P : Parent)
        if (P.Loc == C.Loc) {
          Other = &P;
          break;
        }
      if (!Other && !Siblings)
        continue;
      // Made process-shared (the mirror mistake): said so, whatever else the
      // program does. Otherwise a program that starts threads may mean the
      // lock for its own threads, in each process.
      const LockInit *SharedInit = nullptr;
      for (const LockInit &I : LO.inits()) {
        if (I.State != Pshared::Shared)
          continue;
        std::optional<MemLoc> L = ME.pointeeOf(I.lockArg());
        if (L && *L == C.Loc && (I.Function == FD || (L->Var && L->Var->hasGlobalStorage()))) {
          SharedInit = &I;
          break;
        }
      }
      if (!SharedInit && LO.translationUnitStartsThreads())
        continue;
      if (!ReportedPlaces.insert({FD, C.Loc.display()}).second)
        continue;
      std::string Name = C.Loc.display();
      bool WithParent = Other != nullptr;
      if (SharedInit)
        diag(C.At->getBeginLoc(),
             "'%0' (%1) is initialised process-shared but lives in %2, so after "
             "the fork the child and %select{its sibling processes|the parent}3 each "
             "use their own copy and do not exclude each other; place it in memory "
             "mapped MAP_SHARED before the fork")
            << Name << C.Use->Type.Name << privatePlace(C.Loc) << WithParent;
      else
        diag(C.At->getBeginLoc(),
             "'%0' (%1) is in %2, so after the fork the child and %select{its "
             "sibling processes|the parent}3 each use their own copy and do not "
             "exclude each other; %4")
            << Name << C.Use->Type.Name << privatePlace(C.Loc) << WithParent
            << GenericRemedy;
      if (C.Use->Call != C.At)
        diag(C.Use->Call->getBeginLoc(), "the child uses '%0' here", DiagnosticIDs::Note)
            << Name;
      diag(F.Site.Call->getBeginLoc(),
           Siblings && !WithParent
               ? "the child is forked here, once per iteration of the loop"
               : "the child is forked here",
           DiagnosticIDs::Note);
      if (Other)
        diag(Other->At->getBeginLoc(), "the parent uses its own copy here",
             DiagnosticIDs::Note);
      if (SharedInit)
        diag(SharedInit->Call->getBeginLoc(), "'%0' is made process-shared here",
             DiagnosticIDs::Note)
            << Name;
      else if (C.Loc.Var && !C.Loc.throughPointer())
        diag(C.Loc.Var->getLocation(), "'%0' is declared here", DiagnosticIDs::Note)
            << C.Loc.Var->getName();
    }
  }
}

//===----------------------------------------------------------------------===//
// A process-private lock held to guard shared memory.
//===----------------------------------------------------------------------===//

void ThreadLockAcrossProcessesCheck::checkGuardedSharedWrites(const FunctionDecl *FD,
                                                              ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  LockObjects &LO = M.lockObjects();
  MemoryEffects &ME = M.memoryEffects();
  // Only a lock this function takes itself (or through a guard) can be
  // named here; without one there is nothing to report, and no CFG to build.
  bool TakesPrivateLock = false;
  for (const LockUse *U : LO.usesIn(FD))
    if (U->Takes && U->Type.Sharing != LockSharing::Shared)
      if (auto L = LO.lockOf(*U))
        TakesPrivateLock |= LO.placeOf(*L) == Provenance::Private;
  if (!TakesPrivateLock)
    return;
  const CFG *G = M.cfg(FD);
  if (!G)
    return;

  // A held lock known to live in process-private memory: a lock this
  // function takes itself, or the lock a guard variable took.
  struct PrivateLock {
    std::string Name;
    LockTypeInfo Type;
    MemLoc Loc;
  };
  auto Resolve = [&](const MemLoc &Held) -> std::optional<PrivateLock> {
    for (const LockUse *U : LO.usesIn(FD)) {
      if (!U->Takes)
        continue;
      auto L = LO.lockOf(*U);
      if (L && *L == Held) {
        if (U->Type.Sharing == LockSharing::Shared || LO.placeOf(*L) != Provenance::Private)
          return std::nullopt;
        return PrivateLock{L->display(), U->Type, *L};
      }
    }
    if (Held.Var && Held.Path.empty())
      if (const Expr *Init = Held.Var->getInit())
        if (const auto *CCE = dyn_cast<CXXConstructExpr>(Init->IgnoreImplicit());
            CCE && CCE->getNumArgs() > 0) {
          const Expr *Arg = CCE->getArg(0);
          std::optional<LockTypeInfo> T = LO.lockType(Arg->getType());
          std::optional<MemLoc> L = ME.locationOf(Arg);
          if (T && L && T->Sharing != LockSharing::Shared &&
              LO.placeOf(*L) == Provenance::Private)
            return PrivateLock{L->display(), *T, *L};
        }
    return std::nullopt;
  };

  for (const CFGBlock *B : *G)
    for (const CFGElement &E : *B) {
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *S = CS->getStmt();
      llvm::SmallVector<MemLoc, 2> Writes;
      ME.directWrites(S, Writes);
      for (const MemLoc &W : Writes) {
        SharedOrigin Source;
        if (!W.throughPointer() || llvm::count(W.Path, '*') != 1 || !W.PointerDecl ||
            M.sharedMemory().ofDecl(W.PointerDecl, &Source, ProvenanceQuestion::IsShared) != Provenance::Shared)
          continue;
        if (M.sharedMemory().isFileBackedMapping(Source) && !M.translationUnitForks())
          continue;
        if (M.processContext(FD, S) == ProcessModel::ProcessContext::Single)
          continue;
        const LockSet *Held = M.lockSets().heldAt(FD, S);
        if (!Held || Held->empty())
          continue;
        std::optional<PrivateLock> Only;
        bool AllPrivate = true;
        for (const MemLoc &H : *Held) {
          std::optional<PrivateLock> P = Resolve(H);
          if (!P) {
            AllPrivate = false;
            break;
          }
          Only = P;
        }
        if (!AllPrivate || !Only || !Reported.insert({FD, Only->Loc.Var}).second)
          continue;
        diag(S->getBeginLoc(),
             "'%0' is in memory shared between processes, but the lock held here, "
             "'%1' (%2), is in %3: every process locks its own copy, so other "
             "processes can change '%0' at the same time; %4")
            << W.display() << Only->Name << Only->Type.Name << privatePlace(Only->Loc)
            << GenericRemedy;
        if (Only->Loc.Var && !Only->Loc.throughPointer())
          diag(Only->Loc.Var->getLocation(), "'%0' is declared here", DiagnosticIDs::Note)
              << Only->Loc.Var->getName();
        noteMapping(Ctx, Source);
        break;
      }
    }
}

} // namespace procshare
