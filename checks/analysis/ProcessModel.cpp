//===- ProcessModel.cpp - Per-translation-unit process model ---------------===//

#include "checks/analysis/ProcessModel.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace procshare {

const FunctionDecl *ProcessModel::definitionOf(const FunctionDecl *FD) {
  if (!FD)
    return nullptr;
  const FunctionDecl *Def = nullptr;
  if (FD->hasBody(Def) && Def)
    return Def;
  return FD->getCanonicalDecl();
}

struct ProcessModel::FunctionInfo {
  bool CfgBuilt = false;
  std::unique_ptr<CFG> Graph;
  std::unique_ptr<ParentMap> Parents;

  enum State : uint8_t { NotStarted, InProgress, Done };
  State SummaryState = NotStarted;
  FunctionSummary Summary;

  State ForksState = NotStarted;
  std::vector<ForkRegions> Forks;

  /// nearestCall's answers, by kind (fork, wait), once known.
  bool ReachKnown[2] = {false, false};
  const CallExpr *Reached[2] = {nullptr, nullptr};

  /// live(): per CFG block, whether the entry reaches it, and the index of
  /// its first element that ends the process (~0u: none).
  bool LiveBuilt = false;
  llvm::BitVector LiveBlocks;
  std::vector<unsigned> EndsAt;

  bool CallsCollected = false;
  std::vector<const CallExpr *> Calls;

  bool PositionsBuilt = false;
  llvm::DenseMap<const Stmt *, ProcessModel::CFGPosition> Positions;
};

namespace {
thread_local std::vector<std::unique_ptr<ProcessModel>> CurrentModels;

const FunctionDecl *definitionOf(const FunctionDecl *FD) {
  return ProcessModel::definitionOf(FD);
}

/// The function an argument names (`child_main`, `&child_main`) when its
/// body is here.
const FunctionDecl *callbackArg(const Expr *Arg) {
  Arg = Arg->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(Arg); UO && UO->getOpcode() == UO_AddrOf)
    Arg = UO->getSubExpr()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(Arg);
  const auto *FD = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
  const FunctionDecl *Def = nullptr;
  return FD && FD->hasBody(Def) ? Def : nullptr;
}

/// Finds fork calls, and calls into functions of this translation unit.
class CallCollector : public RecursiveASTVisitor<CallCollector> {
public:
  std::vector<const CallExpr *> Calls;
  bool VisitCallExpr(CallExpr *CE) {
    Calls.push_back(CE);
    return true;
  }
  // Lambda bodies run when the lambda is called, not where it is written.
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
};
/// Builds the TUIndex in one walk.
class TUIndexer : public RecursiveASTVisitor<TUIndexer> {
public:
  TUIndexer(ProcessModel::TUIndex &Index, const Rules &R) : Index(Index), R(R) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseDecl(Decl *D) {
    const auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    const FunctionDecl *Saved = Current;
    if (FD) {
      Current = FD;
      if (FD->isThisDeclarationADefinition())
        Index.Definitions.push_back(FD);
    }
    bool R = RecursiveASTVisitor<TUIndexer>::TraverseDecl(D);
    Current = Saved;
    return R;
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    // The body is walked as part of the enclosing function; the call
    // operator is a definition of its own for the checks.
    Index.Definitions.push_back(LE->getCallOperator());
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *Callee = CE->getDirectCallee())
      Index.Calls[definitionOf(Callee)].push_back({CE, Current});
    for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
      const Expr *Arg = CE->getArg(I)->IgnoreParenImpCasts();
      if (const auto *UO = dyn_cast<UnaryOperator>(Arg); UO && UO->getOpcode() == UO_AddrOf)
        Arg = UO->getSubExpr()->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Arg))
        if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
          Index.FunctionArgs[definitionOf(FD)].push_back({CE, I});
    }
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasGlobalStorage() && !VD->isStaticLocal() && VD->isCanonicalDecl() &&
        !isa<ParmVarDecl>(VD))
      Index.GlobalVars.push_back(VD);
    if (const Expr *Init = VD->getInit()) {
      Index.Assigned[VD->getCanonicalDecl()].push_back(Init);
      if (VD->hasGlobalStorage() && !VD->isStaticLocal())
        Index.GlobalInits.push_back(VD);
    }
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign) {
      if (const ValueDecl *D = assignedDecl(BO->getLHS()))
        Index.Assigned[D].push_back(BO->getRHS());
      if (BO->getLHS()->getType()->isRecordType())
        Index.AggregateAssignments.push_back({BO, Current});
    }
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CCE) {
    const CXXConstructorDecl *Ctor = CCE->getConstructor();
    if (!Ctor)
      return true;
    auto [Th, NewCtor] = StartsThread.try_emplace(Ctor, false);
    if (NewCtor)
      Th->second = R.isThreadStart(ProcessModel::ruleName(Ctor));
    if (Th->second)
      Index.ThreadConstructions.push_back({CCE, Current});
    auto [It, New] = IsGuard.try_emplace(Ctor->getParent(), false);
    if (New)
      It->second = R.isLockGuard(ProcessModel::ruleName(Ctor->getParent()));
    if (It->second && CCE->getNumArgs() > 0)
      Index.LockGuards.push_back({CCE, Current});
    return true;
  }
  bool VisitCXXNewExpr(CXXNewExpr *New) {
    if (New->getNumPlacementArgs() > 0)
      Index.PlacementNews.push_back({New, Current});
    return true;
  }
  bool VisitExplicitCastExpr(ExplicitCastExpr *Cast) {
    if (const auto *PT = Cast->getType()->getAs<PointerType>())
      if (PT->getPointeeType()->getAsCXXRecordDecl())
        Index.ClassPointerCasts.push_back({Cast, Current});
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      if (const ValueDecl *D = assignedDecl(UO->getSubExpr()))
        Index.AddressTaken[D] = true;
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    // A function used other than by a direct call: a pointer to it escapes
    // (provider tables, callbacks), so its callers are not all visible.
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      if (!Callees.count(DRE)) {
        Index.AddressTaken[definitionOf(FD)] = true;
        ++Index.AddressUses[definitionOf(FD)];
      }
    return true;
  }
  bool TraverseCallExpr(CallExpr *CE) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(CE->getCallee()->IgnoreParenImpCasts()))
      Callees.insert(DRE);
    return RecursiveASTVisitor<TUIndexer>::TraverseCallExpr(CE);
  }
  bool TraverseConstructorInitializer(CXXCtorInitializer *Init) {
    if (Init->isMemberInitializer() && Init->getInit())
      Index.Assigned[Init->getMember()->getCanonicalDecl()].push_back(Init->getInit());
    return RecursiveASTVisitor<TUIndexer>::TraverseConstructorInitializer(Init);
  }

private:
  static const ValueDecl *assignedDecl(const Expr *E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        return VD->getCanonicalDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      if (const auto *FD = dyn_cast<FieldDecl>(ME->getMemberDecl()))
        return FD->getCanonicalDecl();
    return nullptr;
  }
  ProcessModel::TUIndex &Index;
  const Rules &R;
  llvm::DenseMap<const CXXRecordDecl *, bool> IsGuard;
  llvm::DenseMap<const CXXConstructorDecl *, bool> StartsThread;
  const FunctionDecl *Current = nullptr;
  llvm::SmallPtrSet<const DeclRefExpr *, 16> Callees; // callee references of calls
};
} // namespace

ProcessModel &ProcessModel::get(ASTContext &Ctx, std::shared_ptr<const Rules> R,
                                std::shared_ptr<const ProjectIndex> Index) {
  for (auto &M : CurrentModels)
    if (&M->Ctx == &Ctx && M->R == R && M->Index == Index)
      return *M;
  CurrentModels.push_back(std::make_unique<ProcessModel>(Ctx, std::move(R), std::move(Index)));
  return *CurrentModels.back();
}

void ProcessModel::startTranslationUnit() { CurrentModels.clear(); }

llvm::ArrayRef<std::unique_ptr<ProcessModel>> ProcessModel::currentModels() {
  return CurrentModels;
}

ProcessModel::ProcessModel(ASTContext &Ctx, std::shared_ptr<const Rules> R,
                           std::shared_ptr<const ProjectIndex> Index)
    : Ctx(Ctx), R(std::move(R)), Index(std::move(Index)) {}

llvm::StringRef ProcessModel::usr(const Decl *D) {
  D = D->getCanonicalDecl();
  auto [It, New] = Usrs.try_emplace(D);
  if (New) {
    llvm::SmallString<128> Buf;
    if (!index::generateUSRForDecl(D, Buf))
      It->second = UsrSaver.save(Buf.str());
  }
  return It->second;
}

const VarDecl *ProcessModel::globalVar(llvm::StringRef Usr) {
  if (!GlobalsByUsr) {
    GlobalsByUsr.emplace();
    const SourceManager &SM = Ctx.getSourceManager();
    for (const VarDecl *VD : index().GlobalVars)
      if (!SM.isInSystemHeader(SM.getExpansionLoc(VD->getLocation())))
        if (llvm::StringRef U = usr(VD); !U.empty())
          GlobalsByUsr->try_emplace(U, VD);
  }
  return GlobalsByUsr->lookup(Usr);
}

namespace {
/// Declared by the project (not a system header).
bool projectDecl(const Decl *D, const SourceManager &SM) {
  SourceLocation L = D->getCanonicalDecl()->getLocation();
  return L.isValid() && !SM.isInSystemHeader(SM.getExpansionLoc(L));
}
} // namespace

const FunctionFacts *ProcessModel::indexed(const FunctionDecl *FD, Aspect A) {
  if (!Index || !FD || !FD->isExternallyVisible() ||
      !projectDecl(FD, Ctx.getSourceManager()))
    return nullptr;
  llvm::StringRef U = usr(FD);
  return U.empty() ? nullptr : Index->function(U, A);
}

const FunctionFacts *ProcessModel::external(const FunctionDecl *Callee, Aspect A) {
  if (!Index || !Callee || Callee->hasBody() || Callee->getBuiltinID())
    return nullptr;
  return indexed(Callee, A);
}

const IndexGlobal *ProcessModel::indexedGlobal(const ValueDecl *D, Aspect A) {
  if (!Index || !D)
    return nullptr;
  if (const auto *VD = dyn_cast<VarDecl>(D)) {
    if (!VD->hasGlobalStorage() || VD->isStaticLocal() || !VD->isExternallyVisible())
      return nullptr;
  } else if (!isa<FieldDecl>(D)) {
    return nullptr;
  }
  if (!projectDecl(D, Ctx.getSourceManager()))
    return nullptr;
  llvm::StringRef U = usr(D);
  return U.empty() ? nullptr : Index->global(U, A);
}

SourcePoint ProcessModel::point(SourceLocation L) const {
  const SourceManager &SM = Ctx.getSourceManager();
  SourcePoint P;
  if (L.isInvalid())
    return P;
  L = SM.getExpansionLoc(L);
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(L));
  if (!FE)
    return P;
  llvm::StringRef Real = FE->getFileEntry().tryGetRealPathName();
  llvm::SmallString<256> Name(Real.empty() ? FE->getName() : Real);
  if (Real.empty()) {
    SM.getFileManager().makeAbsolutePath(Name);
    llvm::sys::path::remove_dots(Name, /*remove_dot_dot=*/true);
  }
  P.File = std::string(Name);
  P.Line = SM.getExpansionLineNumber(L);
  P.Column = SM.getExpansionColumnNumber(L);
  return P;
}

SourceLocation ProcessModel::location(const SourcePoint &P) {
  if (!P.valid())
    return SourceLocation();
  SourceManager &SM = Ctx.getSourceManager();
  auto [It, New] = ExternalFiles.try_emplace(P.File);
  if (New) {
    if (llvm::Expected<FileEntryRef> FE = SM.getFileManager().getFileRef(P.File)) {
      FileID FID = SM.translateFile(*FE);
      It->second = FID.isValid() ? FID : SM.createFileID(*FE, SourceLocation(), SrcMgr::C_User);
    } else {
      llvm::consumeError(FE.takeError());
    }
  }
  if (It->second.isInvalid())
    return SourceLocation();
  return SM.translateLineCol(It->second, P.Line, std::max(1u, P.Column));
}
ProcessModel::~ProcessModel() = default;

std::string ProcessModel::ruleName(const NamedDecl *D) {
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  PrintingPolicy Policy(D->getASTContext().getLangOpts());
  Policy.SuppressTemplateArgsInCXXConstructors = true;
  Policy.SuppressUnwrittenScope = true;
  Policy.SuppressInlineNamespace = true;
  Policy.AnonymousTagLocations = false;
  D->printQualifiedName(OS, Policy);
  OS.flush();
  // Drop template arguments of enclosing classes: "std::vector<int>::push_back".
  std::string Out;
  int Depth = 0;
  for (char C : Name) {
    if (C == '<')
      ++Depth;
    else if (C == '>')
      --Depth;
    else if (Depth == 0)
      Out += C;
  }
  return Out;
}

// Each FunctionInfo lives on the heap, so a reference to it stays valid while
// recursive queries add other functions to the map.
ProcessModel::FunctionInfo &ProcessModel::info(const FunctionDecl *FD) {
  auto &Slot = Infos[definitionOf(FD)];
  if (!Slot)
    Slot = std::make_unique<FunctionInfo>();
  return *Slot;
}

const CFG *ProcessModel::cfg(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  FunctionInfo &I = info(FD);
  if (!I.CfgBuilt) {
    I.CfgBuilt = true;
    if (FD && FD->hasBody() && !FD->isDependentContext()) {
      CFG::BuildOptions Opts;
      Opts.setAllAlwaysAdd();
      Opts.AddInitializers = true;
      Opts.AddImplicitDtors = true; // lock guards release at scope end
      I.Graph = CFG::buildCFG(FD, FD->getBody(), &Ctx, Opts);
      I.Parents = std::make_unique<ParentMap>(FD->getBody());
    }
  }
  return I.Graph.get();
}

std::optional<ProcessModel::CFGPosition>
ProcessModel::position(const FunctionDecl *FD, const Stmt *S) {
  const CFG *G = cfg(FD);
  if (!G)
    return std::nullopt;
  FunctionInfo &I = info(FD);
  if (!I.PositionsBuilt) {
    I.PositionsBuilt = true;
    for (const CFGBlock *B : *G) {
      unsigned Index = 0;
      for (const CFGElement &E : *B) {
        ++Index;
        if (auto CS = E.getAs<CFGStmt>())
          I.Positions.try_emplace(CS->getStmt(), CFGPosition{B, Index});
      }
    }
  }
  auto It = I.Positions.find(S);
  if (It == I.Positions.end())
    return std::nullopt;
  return It->second;
}

const ParentMap *ProcessModel::parents(const FunctionDecl *FD) {
  cfg(FD);
  return info(FD).Parents.get();
}

std::optional<ForkRule> ProcessModel::forkRule(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return std::nullopt;
  if (const ForkRule *Rule = R->fork(ruleName(Callee)))
    return *Rule;
  if (Callee->hasBody() && mayFork(Callee)) {
    const FunctionSummary &S = summary(Callee);
    if (S.ForkWrapper)
      return S.WrapperRule;
  }
  if (const FunctionFacts *F = external(Callee, Aspect::Fork); F && F->Fork) {
    ForkRule Rule;
    Rule.Vfork = F->Vfork;
    Rule.ChildIsZero = F->ChildIsZero;
    Rule.MayFail = F->ForkMayFail;
    return Rule;
  }
  return std::nullopt;
}

bool ProcessModel::isExitSyscall(const CallExpr *CE) const {
  // The raw system calls that end the process (stress-ng's shim_exit_group
  // calls syscall(__NR_exit_group, status)).
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee || CE->getNumArgs() == 0 || ruleName(Callee) != "syscall")
    return false;
  SourceLocation Arg = CE->getArg(0)->IgnoreParenImpCasts()->getBeginLoc();
  if (!Arg.isMacroID())
    return false;
  StringRef Macro =
      Lexer::getImmediateMacroName(Arg, Ctx.getSourceManager(), Ctx.getLangOpts());
  return Macro == "__NR_exit" || Macro == "__NR_exit_group" || Macro == "SYS_exit" ||
         Macro == "SYS_exit_group";
}

CallEffect ProcessModel::callEffect(const CallExpr *CE, const ParentMap &PM,
                                    bool MayNotReturn) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  bool Discarded = MayNotReturn && isResultDiscarded(CE, PM);
  if (!Callee)
    return Discarded ? CallEffect::MayNotReturn : CallEffect::Returns;
  std::string Name = ruleName(Callee);
  if (R->isTerminate(Name) || R->isExit(Name) || Callee->isNoReturn())
    return CallEffect::Ends;
  if (isExitSyscall(CE))
    return CallEffect::Ends;
  if (R->isExec(Name))
    return CallEffect::Exec;
  if (Callee->getBuiltinID())
    return CallEffect::Returns;
  if (Callee->hasBody()) {
    const FunctionSummary &S = summary(Callee);
    if (S.NeverReturns)
      return CallEffect::Ends;
    if (S.ReturnsOnlyAfterExecFailure)
      return CallEffect::Exec;
    if (S.ReturnsOnlyThroughUnknownCall && Discarded)
      return CallEffect::MayNotReturn;
    return CallEffect::Returns;
  }
  // No body here: the project index knows the functions of other files. One
  // it does not know is a library's (declared by the project's headers,
  // defined by none of its files), taken to return as the system's are.
  if (const FunctionFacts *F = external(Callee, Aspect::Ends))
    return F->Ends == FunctionFacts::Ending::Never      ? CallEffect::Ends
           : F->Ends == FunctionFacts::Ending::ExecOnly ? CallEffect::Exec
                                                        : CallEffect::Returns;
  if (Index && projectDecl(Callee, Ctx.getSourceManager()))
    return CallEffect::Returns;
  // Functions of the system's headers are known to return (those that do
  // not are declared noreturn); a project function defined in another file
  // may not.
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = Callee->getCanonicalDecl()->getLocation();
  if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
    return CallEffect::Returns;
  return Discarded ? CallEffect::MayNotReturn : CallEffect::Returns;
}

const ProcessModel::TUIndex &ProcessModel::index() {
  if (!TheIndex) {
    TheIndex = std::make_unique<TUIndex>();
    TUIndexer Indexer(*TheIndex, *R);
    // The traversal scope: the whole translation unit for clang-tidy, the
    // main file's declarations in clangd.
    for (Decl *D : Ctx.getTraversalScope())
      Indexer.TraverseDecl(D);
  }
  return *TheIndex;
}

llvm::ArrayRef<ProcessModel::CallSite>
ProcessModel::callSites(const FunctionDecl *FD) {
  const TUIndex &I = index();
  auto It = I.Calls.find(definitionOf(FD));
  if (It == I.Calls.end())
    return {};
  return It->second;
}

SharedMemory &ProcessModel::sharedMemory() {
  if (!Shared)
    Shared = std::make_unique<SharedMemory>(*this);
  return *Shared;
}

StdioBuffers &ProcessModel::stdioBuffers() {
  if (!Stdio)
    Stdio = std::make_unique<StdioBuffers>(*this);
  return *Stdio;
}

ThreadStarts &ProcessModel::threadStarts() {
  if (!Threads)
    Threads = std::make_unique<ThreadStarts>(*this);
  return *Threads;
}

bool ProcessModel::reaches(const FunctionDecl *FD, const Stmt *From, const Stmt *To) {
  auto A = position(FD, From), B = position(FD, To);
  const ParentMap *PM = parents(FD);
  if (!A || !B || !PM)
    return false;
  // A path ends at a call that never returns (a child's handler that
  // _exits), from element First of block Blk on, before element Last.
  auto EndsIn = [&](const CFGBlock *Blk, unsigned First, unsigned Last) {
    unsigned I = 0;
    for (const CFGElement &E : *Blk) {
      if (I >= Last)
        break;
      if (I++ < First)
        continue;
      if (auto CS = E.getAs<CFGStmt>())
        if (const auto *CE = dyn_cast<CallExpr>(CS->getStmt());
            CE && callEffect(CE, *PM, /*MayNotReturn=*/false) == CallEffect::Ends)
          return true;
    }
    return false;
  };
  // What a call that never returns did (threads it started) ends with it.
  if (const auto *CE = dyn_cast<CallExpr>(From);
      CE && callEffect(CE, *PM, /*MayNotReturn=*/false) == CallEffect::Ends)
    return false;
  if (A->Block == B->Block && A->After < B->After)
    return !EndsIn(A->Block, A->After, B->After - 1);
  if (EndsIn(A->Block, A->After, ~0u))
    return false;
  llvm::BitVector Seen(cfg(FD)->getNumBlockIDs());
  std::vector<const CFGBlock *> Work{A->Block};
  while (!Work.empty()) {
    const CFGBlock *Cur = Work.back();
    Work.pop_back();
    if (Cur != A->Block && EndsIn(Cur, 0, ~0u))
      continue;
    for (const CFGBlock::AdjacentBlock &Succ : Cur->succs()) {
      const CFGBlock *S = Succ.getReachableBlock();
      if (!S || Seen.test(S->getBlockID()))
        continue;
      if (S == B->Block && !EndsIn(S, 0, B->After - 1))
        return true;
      Seen.set(S->getBlockID());
      if (S != B->Block)
        Work.push_back(S);
    }
  }
  return false;
}

bool ProcessModel::live(const FunctionDecl *FD, const Stmt *S) {
  auto P = position(FD, S);
  const ParentMap *PM = parents(FD);
  if (!P || !PM)
    return true;
  FunctionInfo &I = info(FD);
  if (!I.LiveBuilt) {
    I.LiveBuilt = true;
    const CFG *G = cfg(FD);
    I.LiveBlocks.resize(G->getNumBlockIDs());
    I.EndsAt.assign(G->getNumBlockIDs(), ~0u);
    std::vector<const CFGBlock *> Work{&G->getEntry()};
    I.LiveBlocks.set(G->getEntry().getBlockID());
    while (!Work.empty()) {
      const CFGBlock *B = Work.back();
      Work.pop_back();
      unsigned Index = 0;
      for (const CFGElement &E : *B) {
        if (auto CS = E.getAs<CFGStmt>())
          if (const auto *CE = dyn_cast<CallExpr>(CS->getStmt());
              CE && callEffect(CE, *PM, /*MayNotReturn=*/false) == CallEffect::Ends) {
            I.EndsAt[B->getBlockID()] = Index;
            break;
          }
        ++Index;
      }
      if (I.EndsAt[B->getBlockID()] != ~0u)
        continue;
      for (const CFGBlock::AdjacentBlock &Succ : B->succs())
        if (const CFGBlock *Next = Succ.getReachableBlock();
            Next && !I.LiveBlocks.test(Next->getBlockID())) {
          I.LiveBlocks.set(Next->getBlockID());
          Work.push_back(Next);
        }
    }
  }
  unsigned Id = P->Block->getBlockID();
  return I.LiveBlocks.test(Id) && P->After - 1 <= I.EndsAt[Id];
}

bool ProcessModel::dominates(const FunctionDecl *FD, const Stmt *From, const Stmt *To) {
  auto A = position(FD, From), B = position(FD, To);
  if (!A || !B)
    return false;
  if (A->Block == B->Block)
    return A->After < B->After;
  // From the entry, stopping at From's block: To's block is not reached.
  const CFG *G = cfg(FD);
  llvm::BitVector Seen(G->getNumBlockIDs());
  std::vector<const CFGBlock *> Work{&G->getEntry()};
  Seen.set(G->getEntry().getBlockID());
  while (!Work.empty()) {
    const CFGBlock *Cur = Work.back();
    Work.pop_back();
    if (Cur == B->Block)
      return false;
    if (Cur == A->Block)
      continue;
    for (const CFGBlock::AdjacentBlock &Succ : Cur->succs())
      if (const CFGBlock *Next = Succ.getReachableBlock(); Next && !Seen.test(Next->getBlockID())) {
        Seen.set(Next->getBlockID());
        Work.push_back(Next);
      }
  }
  return true;
}

LockObjects &ProcessModel::lockObjects() {
  if (!LockObjs)
    LockObjs = std::make_unique<LockObjects>(*this);
  return *LockObjs;
}

LockSets &ProcessModel::lockSets() {
  if (!Locks)
    Locks = std::make_unique<LockSets>(*this);
  return *Locks;
}

std::optional<int64_t> ProcessModel::macroValue(llvm::StringRef Name) const {
  if (PP) {
    const IdentifierTable &Table = PP->getIdentifierTable();
    auto It = Table.find(Name);
    if (It != Table.end() && It->second)
      if (const MacroInfo *MI = PP->getMacroInfo(It->second))
        if (MI->getNumTokens() == 1 && MI->tokens().front().is(tok::numeric_constant)) {
          // getSpelling, not the token's literal data: tokens of a
          // precompiled preamble (clangd) carry none.
          bool Invalid = false;
          std::string Spelling = PP->getSpelling(MI->tokens().front(), &Invalid);
          uint64_t V;
          if (!Invalid && !llvm::StringRef(Spelling).getAsInteger(0, V))
            return int64_t(V);
        }
  }
  static const std::pair<const char *, int64_t> Linux[] = {
      {"MAP_SHARED", 0x01}, {"MAP_SHARED_VALIDATE", 0x03}, {"MAP_ANONYMOUS", 0x20},
      {"LOCK_UN", 8},
      {"F_ULOCK", 0},       {"F_SETLK", 6},                {"F_SETLKW", 7},
      {"F_UNLCK", 2},       {"PTHREAD_PROCESS_PRIVATE", 0}, {"PTHREAD_PROCESS_SHARED", 1},
      {"IPC_PRIVATE", 0}};
  for (const auto &[N, V] : Linux)
    if (Name == N)
      return V;
  return std::nullopt;
}

MemoryEffects &ProcessModel::memoryEffects() {
  if (!Effects)
    Effects = std::make_unique<MemoryEffects>(*this);
  return *Effects;
}

bool ProcessModel::returnEndsProcess(const FunctionDecl *FD, unsigned Depth) {
  FD = definitionOf(FD);
  if (!FD || FD->isExternallyVisible() || index().AddressTaken.lookup(FD) || Depth > 3)
    return false; // callers this file cannot see
  llvm::ArrayRef<CallSite> Sites = callSites(FD);
  if (Sites.empty())
    return false;
  for (const CallSite &Site : Sites) {
    if (!Site.Caller)
      return false;
    const CFG *G = cfg(Site.Caller);
    const ParentMap *PM = parents(Site.Caller);
    if (!G || !PM)
      return false;
    std::optional<CFGPosition> Pos = position(Site.Caller, Site.Call);
    const Stmt *Tail = Pos ? trivialTailFrom(*this, *PM, *Pos->Block, Pos->After) : nullptr;
    if (!Tail)
      return false;
    if (isa<ReturnStmt>(Tail) && !Site.Caller->isMain() &&
        !returnEndsProcess(Site.Caller, Depth + 1))
      return false;
  }
  return true;
}

bool ProcessModel::translationUnitForks() {
  if (!TUForks) {
    bool Forks = false;
    for (const auto &[Callee, Sites] : index().Calls)
      if (Callee && !Sites.empty() && (R->fork(ruleName(Callee)) || forkRule(Sites.front().Call))) {
        Forks = true;
        break;
      }
    TUForks = Forks;
  }
  return *TUForks;
}

bool ProcessModel::translationUnitLocks() {
  if (!TULocks) {
    bool Locks = false;
    for (const auto &[Callee, Sites] : index().Calls)
      if (Callee && !Sites.empty())
        if (const LockRule *L = R->lock(ruleName(Callee)); L && L->Kind != LockKind::Release) {
          Locks = true;
          break;
        }
    TULocks = Locks;
  }
  return *TULocks;
}

bool ProcessModel::mayFork(const FunctionDecl *FD) {
  return firstForkReachedFrom(FD) != nullptr;
}

const CallExpr *ProcessModel::firstForkReachedFrom(const FunctionDecl *FD) {
  return nearestCall(FD, Reach::Fork);
}

/// The call of the kind asked (fork-like, or wait) in the nearest function
/// (fewest calls away, then in call order) that makes one directly: a
/// breadth-first search of the functions of this file that \p FD calls. Only
/// "reaches none" is reused from other searches (it holds for every function
/// a failed search visited), so the answer does not depend on what was asked
/// before, recursion included.
const CallExpr *ProcessModel::nearestCall(const FunctionDecl *FD, Reach What) {
  FD = definitionOf(FD);
  if (!FD || !FD->hasBody())
    return nullptr;
  const unsigned K = unsigned(What);
  if (info(FD).ReachKnown[K])
    return info(FD).Reached[K];
  auto Direct = [&](const CallExpr *CE, const FunctionDecl *Callee) {
    std::string Name = ruleName(Callee);
    // A function of another file: a fork wrapper or a spawn helper, or one
    // that waits.
    if (What == Reach::Wait) {
      if (R->isWait(Name))
        return waitBlocks(CE, Name); // (not one with WNOHANG)
      const FunctionFacts *F = external(Callee, Aspect::Waits);
      return F && F->Waits;
    }
    if (R->fork(Name))
      return true;
    const FunctionFacts *F = external(Callee, Aspect::Fork);
    return (F && F->Fork) || (!Callee->hasBody() && !childCallbacks(Callee).empty());
  };
  llvm::SmallVector<const FunctionDecl *, 16> Queue = {FD};
  llvm::SmallPtrSet<const FunctionDecl *, 16> Seen = {FD};
  const CallExpr *Found = nullptr;
  for (size_t I = 0; I < Queue.size() && !Found; ++I) {
    llvm::ArrayRef<const CallExpr *> Calls = callsIn(Queue[I]);
    for (const CallExpr *CE : Calls)
      if (const FunctionDecl *Callee = CE->getDirectCallee(); Callee && Direct(CE, Callee)) {
        Found = CE;
        break;
      }
    for (const CallExpr *CE : Calls) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      Callee = Callee ? definitionOf(Callee) : nullptr;
      if (!Callee || !Callee->hasBody() || !Seen.insert(Callee).second)
        continue;
      const FunctionInfo &C = info(Callee);
      if (C.ReachKnown[K] && !C.Reached[K])
        continue; // reaches none
      Queue.push_back(Callee);
    }
  }
  if (!Found) {
    for (const FunctionDecl *F : Queue) {
      info(F).ReachKnown[K] = true;
      info(F).Reached[K] = nullptr;
    }
    return nullptr;
  }
  info(FD).ReachKnown[K] = true;
  info(FD).Reached[K] = Found;
  return Found;
}

llvm::ArrayRef<const CallExpr *> ProcessModel::callsIn(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  FunctionInfo &I = info(FD);
  if (!I.CallsCollected && FD && FD->hasBody()) {
    I.CallsCollected = true;
    CallCollector C;
    C.TraverseStmt(FD->getBody());
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD))
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Init->isWritten())
          C.TraverseStmt(Init->getInit());
    I.Calls = std::move(C.Calls);
  }
  return I.Calls;
}

bool ProcessModel::isWaitCall(const CallExpr *CE) const {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return false;
  std::string Name = ruleName(Callee);
  return R->isWait(Name) && waitBlocks(CE, Name);
}

bool ProcessModel::waitBlocks(const CallExpr *CE, llvm::StringRef Name) const {
  // `waitpid(pid, &st, WNOHANG)` returns at once when the child still runs:
  // it orders nothing. (WNOHANG is 1 on Linux, the BSDs and macOS.) Options
  // that are not a constant count as blocking.
  int Arg = R->waitOptionsArg(Name);
  if (Arg < 0 || unsigned(Arg) >= CE->getNumArgs())
    return true;
  const Expr *Options = CE->getArg(Arg);
  Expr::EvalResult Res;
  constexpr uint64_t WNoHang = 1;
  return Options->isValueDependent() || !Options->EvaluateAsInt(Res, Ctx) ||
         !(Res.Val.getInt().getZExtValue() & WNoHang);
}

bool ProcessModel::mayWait(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return false;
  if (std::string Name = ruleName(Callee); R->isWait(Name))
    return waitBlocks(CE, Name);
  if (const FunctionFacts *F = external(Callee, Aspect::Waits))
    return F->Waits;
  return nearestCall(Callee, Reach::Wait) != nullptr;
}

const FunctionSummary &ProcessModel::summary(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  FunctionInfo &I = info(FD);
  if (I.SummaryState != FunctionInfo::NotStarted)
    return I.Summary; // Done, or recursion: assume an ordinary function.
  I.SummaryState = FunctionInfo::InProgress;
  FunctionSummary S;
  const CFG *G = cfg(FD);
  const ParentMap *PM = parents(FD);
  if (G && PM) {
    PathEndings E = analyzePathEndings(*this, FD, *G, *PM);
    S.NeverReturns = !E.Returns;
    S.ReturnsOnlyAfterExecFailure = E.ReturnsOnlyAfterExecFailure;
    S.ReturnsOnlyThroughUnknownCall = E.ReturnsOnlyThroughUnknownCall;
    if (mayFork(FD) && FD->getReturnType()->isIntegralOrEnumerationType())
      for (const ForkRegions &F : forks(FD))
        if (F.ReturnsPidToCaller) {
          S.ForkWrapper = true;
          S.WrapperRule = F.Site.Rule; // the caller sees the same convention
          S.WrapperRule.MayFail = F.Site.Rule.MayFail && F.ReturnsFailure;
        }
    // A child that runs a callback it was handed (nginx's ngx_spawn_process
    // runs the worker loop through a pointer) may never come back, whatever
    // the code after the call returns: a spawn helper, not a fork wrapper.
    if (S.ForkWrapper && !childCallbacks(FD).empty())
      S.ForkWrapper = false;
  }
  I.Summary = S;
  I.SummaryState = FunctionInfo::Done;
  return I.Summary;
}

const std::vector<ForkRegions> &ProcessModel::forks(const FunctionDecl *FD) {
  FD = definitionOf(FD);
  FunctionInfo &I = info(FD);
  if (I.ForksState != FunctionInfo::NotStarted)
    return I.Forks;
  I.ForksState = FunctionInfo::InProgress;
  std::vector<ForkRegions> Result;
  const CFG *G = mayFork(FD) ? cfg(FD) : nullptr;
  const ParentMap *PM = parents(FD);
  if (G && PM) {
    llvm::SmallPtrSet<const CallExpr *, 4> Seen;
    for (const CFGBlock *B : *G)
      for (const CFGElement &E : *B) {
        auto S = E.getAs<CFGStmt>();
        if (!S)
          continue;
        const auto *CE = dyn_cast<CallExpr>(S->getStmt());
        if (!CE || !Seen.insert(CE).second)
          continue;
        std::optional<ForkRule> Rule = forkRule(CE);
        ForkSite Site;
        if (!Rule) {
          // A spawn helper: the child runs the function handed to it.
          const FunctionDecl *Callee = CE->getDirectCallee();
          std::vector<unsigned> Callbacks =
              Callee && definitionOf(Callee) != FD ? childCallbacks(Callee)
                                                   : std::vector<unsigned>();
          if (Callbacks.empty())
            continue;
          Site.ChildElsewhere = true;
          Site.ChildWaited = waitsForChild(Callee);
          Rule = ForkRule();
          for (unsigned J : Callbacks)
            if (J < CE->getNumArgs())
              if (const FunctionDecl *Entry = callbackArg(CE->getArg(J))) {
                Site.ChildEntry = Entry;
                break;
              }
        }
        Site.Call = CE;
        Site.Callee = CE->getDirectCallee();
        Site.Rule = *Rule;
        Site.ResultDiscarded = isResultDiscarded(CE, *PM);
        Result.push_back(analyzeForkSite(*this, FD, *G, *PM, Site));
      }
    llvm::sort(Result, [](const ForkRegions &A, const ForkRegions &B) {
      return A.Site.Call->getBeginLoc() < B.Site.Call->getBeginLoc();
    });
  }
  I.Forks = std::move(Result);
  I.ForksState = FunctionInfo::Done;
  return I.Forks;
}

} // namespace procshare
