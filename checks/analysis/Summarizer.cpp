//===- Summarizer.cpp - A translation unit's summary for the project index ===//

#include "checks/analysis/Summarizer.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <set>
#include <tuple>

using namespace clang;

namespace procshare {

namespace {

thread_local TUSummary *Sink = nullptr;
thread_local bool Summarised = false;

/// The values of a function's return statements.
class ReturnValues : public RecursiveASTVisitor<ReturnValues> {
public:
  std::vector<const Expr *> Values;
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const Expr *V = RS->getRetValue())
      Values.push_back(V);
    return true;
  }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};

/// What a caller knows at a call about the processes running it: a context
/// of its own, and the functions of other files whose callers' context it
/// inherits.
struct CallerContext {
  ProcessContextFact Local = ProcessContextFact::Single;
  SourcePoint From;
  std::vector<std::string> Inherit;
};

class Summarizer {
public:
  explicit Summarizer(ProcessModel &M)
      : M(M), SM(M.context().getSourceManager()), Local(M, /*Summary=*/true),
        Threads(M, /*UseIndex=*/false), Effects(M, /*UseIndex=*/false),
        Locks(M, /*UseIndex=*/false), Stdio(M, /*UseIndex=*/false) {}

  TUSummary run() {
    TUSummary U;
    U.File = M.point(SM.getLocForStartOfFile(SM.getMainFileID())).File;
    for (const FunctionDecl *FD : M.index().Definitions)
      if (defines(FD))
        if (std::string Usr = M.usr(FD).str(); !Usr.empty())
          U.Functions.try_emplace(Usr, facts(FD));
    calls(U);
    globals(U);
    for (const auto &[D, Taken] : M.index().AddressTaken)
      if (const auto *FD = dyn_cast<FunctionDecl>(D); Taken && FD && projectFunction(FD))
        U.AddressTaken.push_back(M.usr(FD).str());
    llvm::sort(U.AddressTaken);
    U.AddressTaken.erase(std::unique(U.AddressTaken.begin(), U.AddressTaken.end()),
                         U.AddressTaken.end());
    return U;
  }

private:
  ProcessModel &M;
  const SourceManager &SM;
  SharedMemory Local;
  ThreadStarts Threads;
  MemoryEffects Effects;
  LockSets Locks;
  StdioBuffers Stdio;
  llvm::DenseMap<const FunctionDecl *, int> MayEnd; // -1: being computed
  llvm::DenseMap<const FunctionDecl *, CallerContext> Entry;
  bool EntrySolved = false;

  SourcePoint point(const Stmt *S) const { return S ? M.point(S->getBeginLoc()) : SourcePoint(); }

  /// A function with external linkage declared by the project.
  bool projectFunction(const FunctionDecl *FD) {
    if (!FD || !FD->isExternallyVisible() || FD->getBuiltinID() || FD->isDependentContext())
      return false;
    SourceLocation L = FD->getCanonicalDecl()->getLocation();
    return L.isValid() && !SM.isInSystemHeader(SM.getExpansionLoc(L)) && !M.usr(FD).empty();
  }

  /// Defined here, in the main file, with external linkage: what other
  /// files call.
  bool defines(const FunctionDecl *FD) {
    if (!FD->hasBody() || !FD->isThisDeclarationADefinition() || !projectFunction(FD))
      return false;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD); MD && MD->getParent()->isLambda())
      return false;
    return SM.isInMainFile(SM.getExpansionLoc(FD->getLocation()));
  }

  /// The functions with a body here that \p FD reaches through direct
  /// calls (itself included), and the project functions without one that
  /// they call.
  void reach(const FunctionDecl *FD, llvm::SmallVectorImpl<const FunctionDecl *> &Bodies,
             std::vector<std::string> *External) {
    llvm::SmallPtrSet<const FunctionDecl *, 16> Seen = {FD};
    Bodies.push_back(FD);
    for (size_t I = 0; I < Bodies.size() && Bodies.size() < 256; ++I)
      for (const CallExpr *CE : M.callsIn(Bodies[I])) {
        const FunctionDecl *Callee = CE->getDirectCallee();
        const FunctionDecl *Def = nullptr;
        if (!Callee)
          continue;
        if (Callee->hasBody(Def) && Def) {
          if (!SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())) &&
              Seen.insert(Def).second)
            Bodies.push_back(Def);
        } else if (External && projectFunction(Callee)) {
          External->push_back(M.usr(Callee).str());
        }
      }
    if (External) {
      llvm::sort(*External);
      External->erase(std::unique(External->begin(), External->end()), External->end());
    }
  }

  /// A cheap test before the path analysis: \p FD (or a function of this
  /// file it calls) calls something that ends the process or execs, or
  /// loops without a condition.
  bool mayEnd(const FunctionDecl *FD) {
    auto [It, New] = MayEnd.try_emplace(FD, -1);
    if (!New)
      return It->second == 1;
    bool Found = false;
    const Rules &R = M.rules();
    for (const CallExpr *CE : M.callsIn(FD)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      if (!Callee)
        continue;
      std::string Name = ProcessModel::ruleName(Callee);
      const FunctionDecl *Def = nullptr;
      if (R.isTerminate(Name) || R.isExit(Name) || R.isExec(Name) || Callee->isNoReturn() ||
          M.isExitSyscall(CE) ||
          (Callee->hasBody(Def) && Def && Def != FD && mayEnd(Def))) {
        Found = true;
        break;
      }
      if (const FunctionFacts *F = M.external(Callee, Aspect::Ends);
          F && F->Ends != FunctionFacts::Ending::Returns) {
        Found = true;
        break;
      }
    }
    if (!Found)
      Found = loopsForever(FD->getBody());
    MayEnd[FD] = Found;
    return Found;
  }

  static bool alwaysTrue(const Expr *Cond, ASTContext &Ctx) {
    if (!Cond)
      return true;
    bool V = false;
    return !Cond->isValueDependent() && Cond->EvaluateAsBooleanCondition(V, Ctx) && V;
  }
  bool loopsForever(const Stmt *S) {
    if (!S)
      return false;
    ASTContext &Ctx = M.context();
    if (const auto *W = dyn_cast<WhileStmt>(S); W && alwaysTrue(W->getCond(), Ctx))
      return true;
    if (const auto *F = dyn_cast<ForStmt>(S); F && alwaysTrue(F->getCond(), Ctx))
      return true;
    if (const auto *D = dyn_cast<DoStmt>(S); D && alwaysTrue(D->getCond(), Ctx))
      return true;
    if (isa<LambdaExpr>(S))
      return false;
    for (const Stmt *C : S->children())
      if (loopsForever(C))
        return true;
    return false;
  }

  /// The first exit() (atexit handlers run) \p FD or its callees here make.
  const CallExpr *exitCall(const FunctionDecl *FD) {
    llvm::SmallVector<const FunctionDecl *, 8> Bodies;
    reach(FD, Bodies, nullptr);
    for (const FunctionDecl *B : Bodies)
      for (const CallExpr *CE : M.callsIn(B))
        if (const FunctionDecl *Callee = CE->getDirectCallee()) {
          if (M.rules().isExit(ProcessModel::ruleName(Callee)))
            return CE;
          if (const FunctionFacts *F = M.external(Callee, Aspect::Ends); F && F->Exits)
            return CE;
        }
    return nullptr;
  }

  void addPlaces(std::vector<IndexPlace> &Into, const MemLoc &L, const FunctionDecl *FD,
                 const Stmt *At, const SourcePoint &Elsewhere) {
    std::optional<IndexPlace> P = M.memoryEffects().indexPlace(L, FD);
    if (!P || Into.size() >= 64 || llvm::is_contained(Into, *P))
      return;
    P->At = Elsewhere.valid() ? Elsewhere : point(At);
    Into.push_back(std::move(*P));
  }

  FunctionFacts facts(const FunctionDecl *FD) {
    FunctionFacts F;
    F.Name = FD->getQualifiedNameAsString();
    const Rules &R = M.rules();

    // Fork wrappers and spawn helpers.
    if (M.mayFork(FD)) {
      const FunctionSummary &S = M.summary(FD);
      if (S.ForkWrapper) {
        F.Fork = true;
        F.ChildIsZero = S.WrapperRule.ChildIsZero;
        F.Vfork = S.WrapperRule.Vfork;
        F.ForkMayFail = S.WrapperRule.MayFail;
      }
      F.ChildCallbacks = M.childCallbacks(FD);
      F.ChildWaited = !F.ChildCallbacks.empty() && M.waitsForChild(FD);
      if (F.Fork || !F.ChildCallbacks.empty())
        F.ForkAt = point(M.firstForkReachedFrom(FD));
    }
    // How it ends.
    if (mayEnd(FD)) {
      const FunctionSummary &S = M.summary(FD);
      if (S.NeverReturns)
        F.Ends = FunctionFacts::Ending::Never;
      else if (S.ReturnsOnlyAfterExecFailure)
        F.Ends = FunctionFacts::Ending::ExecOnly;
      F.DeclaredNoReturn = FD->isNoReturn();
      if (F.Ends == FunctionFacts::Ending::Never)
        if (const CallExpr *Exit = exitCall(FD)) {
          F.Exits = true;
          F.ExitAt = point(Exit);
        }
    }
    // The memory it returns: this file's sources, and the functions of
    // other files whose result it returns (the index joins theirs).
    if (FD->getReturnType()->isPointerType()) {
      ReturnValues C;
      C.TraverseStmt(FD->getBody());
      Values V;
      for (const Expr *E : C.Values)
        valuesOf(E, V);
      F.Returns = V.Local.value_or(Provenance::Unknown);
      F.ReturnsOnlyOf = !V.Local && !V.Of.empty();
      F.ReturnsOf = std::move(V.Of);
      F.ReturnsFrom = V.Source;
      F.FileBacked = V.FileBacked;
      F.ReturnsElement = V.Element;
      F.ReturnsFresh = V.Fresh && (V.Local == Provenance::Shared || !F.ReturnsOf.empty());
    }

    llvm::SmallVector<const FunctionDecl *, 8> Bodies;
    reach(FD, Bodies, &F.Callees);
    bool TakesLocks = false, WritesStdio = false, Waits = false, Joins = false;
    for (const FunctionDecl *B : Bodies)
      for (const CallExpr *CE : M.callsIn(B)) {
        const FunctionDecl *Callee = CE->getDirectCallee();
        if (!Callee)
          continue;
        std::string Name = ProcessModel::ruleName(Callee);
        TakesLocks |= R.lock(Name) || Name == "fcntl" ||
                      Callee->hasAttr<AcquireCapabilityAttr>() ||
                      Callee->hasAttr<ReleaseCapabilityAttr>();
        Waits |= M.isWaitCall(CE);
        Joins |= R.isThreadJoin(Name);
        WritesStdio |= Stdio.effectOf(CE).K != StdioBuffers::Effect::None;
      }
    F.Waits = Waits;
    // Locks it leaves held or releases.
    if (TakesLocks) {
      const LockSets::Effect &E = Locks.effect(FD);
      for (const MemLoc &L : E.Acquired)
        addPlaces(F.Acquires, L, FD, nullptr, {});
      for (const MemLoc &L : E.Released)
        addPlaces(F.Releases, L, FD, nullptr, {});
    }
    // Locks it initialises behind a parameter.
    for (const LockInit &I : M.lockObjects().inits()) {
      if (I.Function != FD || I.Call->getNumArgs() <= I.Rule->LockArg)
        continue;
      std::optional<MemLoc> L = M.memoryEffects().pointeeOf(I.lockArg());
      std::optional<IndexPlace> P = L ? M.memoryEffects().indexPlace(*L, FD) : std::nullopt;
      if (!P || (P->Param < 0 && P->Global.empty()))
        continue;
      IndexLockInit Init;
      Init.Lock = *P;
      Init.Type = I.Type.Name;
      Init.State = int(I.State);
      Init.Why = int(I.Why);
      Init.Callee = I.InnerCallee.empty() ? Callee(I.Call) : I.InnerCallee;
      Init.At = I.Elsewhere.valid() ? I.Elsewhere : point(I.Call);
      Init.AttrSetup = I.AttrSetup ? point(I.AttrSetup) : I.ElsewhereAttrSetup;
      F.Inits.push_back(std::move(Init));
    }
    // What it does to lock attribute objects it is given.
    for (unsigned I = 0; I < FD->getNumParams(); ++I) {
      QualType T = FD->getParamDecl(I)->getType();
      if (!T->isPointerType())
        continue;
      std::string Pointee = T->getPointeeType().getUnqualifiedType().getAsString();
      if (!llvm::StringRef(Pointee).starts_with("pthread_") ||
          !llvm::StringRef(Pointee).ends_with("attr_t"))
        continue;
      LockObjects::AttrEffect E = M.lockObjects().attrEffect(FD, I);
      if (E != LockObjects::AttrEffect::Unknown)
        F.AttrEffects.push_back({I, int(E)});
    }
    // The globals its conditions (and its file's callees') test.
    llvm::DenseSet<const VarDecl *> Tested;
    for (const FunctionDecl *B : Bodies)
      Effects.conditionGlobals(B->getBody(), Tested);
    for (const VarDecl *V : Tested) {
      MemLoc L;
      L.Var = V;
      addPlaces(F.Tests, L, FD, nullptr, {});
    }
    llvm::sort(F.Tests, [](const IndexPlace &A, const IndexPlace &B) {
      return A.Global < B.Global; // (a set of pointers has no order of its own)
    });
    // What it writes and reads outside its locals.
    const MemorySummary &MS = Effects.summary(FD);
    for (const MemWrite &W : MS.Writes)
      addPlaces(F.Writes, W.Loc, FD, W.At, W.Elsewhere);
    for (const MemLoc &L : MS.Reads)
      addPlaces(F.Reads, L, FD, nullptr, {});
    // Stdio buffers.
    if (WritesStdio) {
      StdioBuffers::ReturnEffect E = Stdio.returnEffect(FD);
      F.PendingStdout = point(E.PendingStdout);
      F.FlushesAll = E.FlushesAll;
      F.MayFlush = Stdio.mayFlush(FD);
    }
    // Threads it starts and may leave running (this file's code; the index
    // adds the callees'): a function that also joins threads is taken to
    // join those it starts (fio's idle-profile calibration).
    F.Joins = Joins;
    if (!Joins)
      F.StartsThread = point(Threads.startedIn(FD));
    return F;
  }

  static std::string Callee(const CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    return FD ? FD->getNameAsString() : std::string();
  }

  /// The context of \p S in \p FD.
  CallerContext contextAt(const FunctionDecl *FD, const Stmt *S) {
    if (M.mayFork(FD)) {
      RoleSet Roles = 0;
      const ForkRegions *Making = nullptr;
      for (const ForkRegions &F : M.forks(FD)) {
        RoleSet R = F.rolesOf(S);
        if ((R & (RoleChild | RoleParent)) && !Making)
          Making = &F;
        Roles |= R;
      }
      if (Roles) {
        CallerContext C;
        if (Making) {
          C.Local = ProcessContextFact::Several;
          C.From = point(Making->Site.Call);
        }
        return C;
      }
    }
    return entryContext(FD);
  }

  /// The context in which \p FD is entered, when it needs no other function's:
  /// a child entry, a function other files call (its callers', here and
  /// elsewhere, which the index joins), one called through pointers or not
  /// at all. None for the functions of this file only it calls.
  std::optional<CallerContext> entryOfItsOwn(const FunctionDecl *FD) {
    CallerContext C;
    const CallExpr *Via = nullptr;
    if (M.isChildEntry(FD, &Via) &&
        !(Via && Via->getDirectCallee() && M.waitsForChild(Via->getDirectCallee()))) {
      C.Local = ProcessContextFact::Several;
      C.From = Via ? point(Via) : M.point(FD->getLocation());
    } else if (FD->isMain()) {
      C.Local = ProcessContextFact::Single; // the program starts as one process
    } else if (projectFunction(FD)) {
      C.Inherit.push_back(M.usr(FD).str());
    } else if (M.index().AddressTaken.lookup(FD) || M.callSites(FD).empty()) {
      C.Local = ProcessContextFact::Unknown;
    } else {
      return std::nullopt;
    }
    return C;
  }

  /// Joins \p In into \p C: several processes over unknown over one; the
  /// external callers inherited from, as a sorted set.
  static bool join(CallerContext &C, const CallerContext &In) {
    auto Rank = [](ProcessContextFact F) {
      return F == ProcessContextFact::Single ? 0 : F == ProcessContextFact::Unknown ? 1 : 2;
    };
    bool Changed = false;
    if (Rank(In.Local) > Rank(C.Local)) {
      C.Local = In.Local;
      C.From = In.From;
      Changed = true;
    }
    for (const std::string &G : In.Inherit)
      if (auto It = llvm::lower_bound(C.Inherit, G); It == C.Inherit.end() || *It != G) {
        C.Inherit.insert(It, G);
        Changed = true;
      }
    return Changed;
  }

  /// The context of the functions this file alone calls, over its call
  /// graph: joined over their calls to a least fixpoint, so recursion and
  /// the order of the questions do not matter.
  CallerContext entryContext(const FunctionDecl *FD) {
    if (std::optional<CallerContext> Own = entryOfItsOwn(FD))
      return *Own;
    if (!EntrySolved) {
      EntrySolved = true;
      std::vector<const FunctionDecl *> Nodes;
      for (const auto &[Callee, Sites] : M.index().Calls)
        if (Callee && Callee->hasBody() && !entryOfItsOwn(Callee))
          Nodes.push_back(Callee);
      llvm::sort(Nodes, [&](const FunctionDecl *A, const FunctionDecl *B) {
        return SM.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
      });
      for (const FunctionDecl *N : Nodes)
        Entry[N] = CallerContext();
      for (bool Changed = true; Changed;) {
        Changed = false;
        for (const FunctionDecl *N : Nodes)
          for (const ProcessModel::CallSite &Site : M.callSites(N))
            if (Site.Caller) // (a global's initialiser: one process)
              Changed |= join(Entry[N], contextAt(Site.Caller, Site.Call));
      }
    }
    auto It = Entry.find(FD);
    return It == Entry.end() ? CallerContext() : It->second;
  }

  /// Where pointer values come from: this file's sources, joined, and the
  /// functions of other files whose results they are.
  struct Values {
    std::optional<Provenance> Local;
    std::vector<std::string> Of;
    SourcePoint Source;
    bool FileBacked = false, Element = false;
    /// Every shared value of this file's is a new mapping (SharedOrigin's
    /// Fresh, and kept in no storage on its way).
    bool Fresh = true;
  };
  /// A call of a project function of another file, under casts.
  const FunctionDecl *externalCall(const Expr *E) {
    const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
    const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
    return Callee && !Callee->hasBody() && projectFunction(Callee) ? Callee : nullptr;
  }
  void valuesOf(const Expr *E, Values &V) {
    if (E->IgnoreParenCasts()->isNullPointerConstant(M.context(),
                                                     Expr::NPC_ValueDependentIsNotNull))
      return;
    SharedOrigin Origin;
    Provenance P = Local.ofPointerDeferring(E, &Origin, V.Of);
    if (P == Provenance::Deferred)
      return;
    bool WasShared = V.Local == Provenance::Shared;
    V.Local = combineProvenance(V.Local, P);
    if (P == Provenance::Shared)
      V.Fresh &= Origin.Fresh && !Origin.ViaStorage;
    if (!WasShared && V.Local == Provenance::Shared) {
      V.Source = Origin.Elsewhere.valid() ? Origin.Elsewhere : point(Origin.Call);
      V.FileBacked = Local.isFileBackedMapping(Origin);
      V.Element = Origin.Element;
    }
  }

  std::string argument(const Expr *A, const FunctionDecl *Caller) {
    if (const FunctionDecl *Callee = externalCall(A); Callee && A->getType()->isPointerType())
      return "r:" + M.usr(Callee).str();
    const Expr *E = A->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
      if (const auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
        if (isa<FunctionDecl>(DRE->getDecl()))
          E = DRE;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *Fn = dyn_cast<FunctionDecl>(DRE->getDecl()))
        return projectFunction(Fn) ? "f:" + M.usr(Fn).str() : "u";
      if (const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl());
          P && Caller && P->getDeclContext() == Caller && projectFunction(Caller) &&
          A->getType()->isPointerType())
        return "a" + std::to_string(P->getFunctionScopeIndex());
    }
    if (!A->getType()->isPointerType())
      return "u";
    Values V;
    valuesOf(A, V);
    if (V.Local == Provenance::Shared)
      return "s"; // shared anywhere
    if (!V.Of.empty())
      return !V.Local && V.Of.size() == 1 ? "r:" + V.Of.front() : "u";
    return V.Local == Provenance::Private ? "p" : "u";
  }

  void calls(TUSummary &U) {
    for (const auto &[Callee, Sites] : M.index().Calls) {
      if (!projectFunction(Callee))
        continue;
      std::string Usr = M.usr(Callee).str();
      for (const ProcessModel::CallSite &Site : Sites) {
        const CallExpr *CE = Site.Call;
        if (SM.isInSystemHeader(SM.getExpansionLoc(CE->getBeginLoc())))
          continue;
        IndexCall C;
        C.Callee = Usr;
        if (Site.Caller) {
          CallerContext Ctx = contextAt(Site.Caller, CE);
          C.Context = Ctx.Local;
          C.ContextFrom = Ctx.From;
          C.Inherit = std::move(Ctx.Inherit);
          // Threads started before the call, here or by what this file calls
          // of other files (the index); those its callers elsewhere started
          // reach the callee through Inherit.
          if (ThreadStart T = M.threadStarts().startedBefore(Site.Caller, CE, /*Depth=*/0,
                                                             /*CallersElsewhere=*/false))
            C.Threads = point(T.At);
          if (projectFunction(Site.Caller))
            C.Caller = M.usr(Site.Caller).str();
        } else {
          C.Context = ProcessContextFact::Single; // a global's initialiser
        }
        for (const Expr *A : CE->arguments())
          C.Args.push_back(argument(A, Site.Caller));
        while (!C.Args.empty() && C.Args.back() == "u")
          C.Args.pop_back();
        if (C.Context == ProcessContextFact::Several && !C.ContextFrom.valid())
          C.ContextFrom = point(CE);
        if (llvm::any_of(C.Args, [](const std::string &A) {
              return llvm::StringRef(A).starts_with("f:");
            }))
          C.At = point(CE);
        U.Calls.push_back(std::move(C));
      }
    }
    // In an order of their own, not the model's map's; calls that tell the
    // same are kept once.
    auto Key = [](const IndexCall &C) {
      return std::tie(C.Callee, C.Caller, C.Inherit, C.Args, C.Context, C.ContextFrom,
                      C.Threads, C.At);
    };
    llvm::sort(U.Calls, [&](const IndexCall &A, const IndexCall &B) { return Key(A) < Key(B); });
    U.Calls.erase(std::unique(U.Calls.begin(), U.Calls.end(),
                              [&](const IndexCall &A, const IndexCall &B) {
                                return Key(A) == Key(B);
                              }),
                  U.Calls.end());
  }

  void globals(TUSummary &U) {
    for (const auto &[D, Values_] : M.index().Assigned) {
      if (!D->getType()->isPointerType())
        continue;
      if (const auto *VD = dyn_cast<VarDecl>(D)) {
        if (!VD->hasGlobalStorage() || VD->isStaticLocal())
          continue;
      } else if (!isa<FieldDecl>(D)) {
        continue;
      }
      if (SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
        continue;
      std::string Usr = M.usr(D).str();
      if (Usr.empty())
        continue;
      IndexGlobal G;
      G.Name = D->getQualifiedNameAsString();
      G.Escapes = M.index().AddressTaken.lookup(D);
      Values V;
      if (!G.Escapes)
        for (const Expr *Value : Values_)
          valuesOf(Value, V);
      G.Value = V.Local.value_or(Provenance::Unknown);
      G.OnlyOf = !V.Local && !V.Of.empty();
      G.ValueOf = std::move(V.Of);
      G.Source = V.Source;
      G.FileBacked = V.FileBacked;
      G.Element = V.Element;
      U.Globals[Usr] = std::move(G);
    }
  }
};

} // namespace

TUSummary summarizeTranslationUnit(ProcessModel &M) { return Summarizer(M).run(); }

void setSummarySink(TUSummary *S) {
  Sink = S;
  Summarised = false;
}

void startTranslationUnitSummary() { Summarised = false; }

void finishTranslationUnit(ProcessModel &M) {
  if (!Sink || Summarised)
    return;
  Summarised = true;
  *Sink = summarizeTranslationUnit(M);
}

} // namespace procshare
