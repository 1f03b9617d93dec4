//===- StdioBuffers.cpp - Output that may still sit in stdio buffers ------===//

#include "checks/analysis/StdioBuffers.h"
#include "checks/analysis/Dataflow.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procshare {

struct StdioBuffers::State {
  bool Reached = false;
  /// Output pending on every path (intersection at joins), with the write
  /// that left it. Output printed only on some paths (`if (verbose)
  /// printf(...)`) is left out: the branches are often correlated with
  /// others that avoid the fork (`-p` prints the configuration and returns).
  llvm::SmallVector<PendingWrite, 2> Pending;
  /// Flushed on every path since the function's entry (intersection).
  bool FlushedAll = false;
  llvm::SmallVector<StreamKey, 2> Flushed;

  bool pending(StreamKey K) const {
    return llvm::any_of(Pending, [&](const PendingWrite &W) { return W.Stream == K; });
  }
  bool flushed(StreamKey K) const { return FlushedAll || llvm::is_contained(Flushed, K); }
  void write(StreamKey K, const Stmt *S) {
    if (!pending(K))
      Pending.push_back({K, S});
  }
  void flush(StreamKey K) {
    llvm::erase_if(Pending, [&](const PendingWrite &W) { return W.Stream == K; });
    if (!llvm::is_contained(Flushed, K))
      Flushed.push_back(K);
  }
  void flushAll() {
    Pending.clear();
    FlushedAll = true;
    Flushed.clear();
  }
  bool join(const State &O) {
    if (!O.Reached)
      return false;
    if (!Reached) {
      *this = O;
      return true;
    }
    size_t Before = Pending.size();
    llvm::erase_if(Pending, [&](const PendingWrite &W) { return !O.pending(W.Stream); });
    bool Changed = Pending.size() != Before;
    if (!(FlushedAll && O.FlushedAll)) {
      llvm::SmallVector<StreamKey, 2> Both;
      for (StreamKey K : FlushedAll ? O.Flushed : Flushed)
        if (O.flushed(K) && flushed(K))
          Both.push_back(K);
      Changed |= FlushedAll || Both.size() != Flushed.size();
      FlushedAll = false;
      Flushed = std::move(Both);
    }
    return Changed;
  }
};

struct StdioBuffers::FunctionResult {
  bool Done = false;
  State Exit;
  /// The state before each call and construction.
  llvm::DenseMap<const Stmt *, State> Before;
};

namespace {
char StdoutTag;

bool isFilePointer(QualType T) {
  const auto *PT = T->getAs<PointerType>();
  if (!PT)
    return false;
  QualType P = PT->getPointeeType().getUnqualifiedType();
  if (const auto *TT = P->getAs<TypedefType>())
    return TT->getDecl()->getName() == "FILE";
  if (const auto *RD = P->getAsRecordDecl())
    return RD->getName() == "_IO_FILE" || RD->getName() == "__sFILE";
  return false;
}

bool isFileStream(QualType T) {
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  auto IsOf = [](const CXXRecordDecl *C) {
    std::string N = ProcessModel::ruleName(C);
    return N == "std::basic_ofstream" || N == "std::basic_fstream";
  };
  if (IsOf(RD))
    return true;
  bool Found = false;
  RD->forallBases([&](const CXXRecordDecl *B) {
    Found |= IsOf(B);
    return true;
  });
  return Found;
}

/// The stream at the left of `out << a << b`.
const Expr *chainRoot(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  while (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (Op->getOperator() != OO_LessLess || Op->getNumArgs() != 2)
      break;
    E = Op->getArg(0)->IgnoreParenImpCasts();
  }
  return E;
}

bool isManipulator(const Expr *E, llvm::StringRef Name) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  const auto *FD = DRE ? dyn_cast<FunctionDecl>(DRE->getDecl()) : nullptr;
  return FD && FD->isInStdNamespace() && FD->getName() == Name;
}
} // namespace

StdioBuffers::StdioBuffers(ProcessModel &M, bool UseIndex) : M(M), UseIndex(UseIndex) {}
StdioBuffers::~StdioBuffers() = default;

StreamKey StdioBuffers::stdoutKey() { return &StdoutTag; }

std::string StdioBuffers::name(StreamKey K) const {
  if (K == stdoutKey())
    return "stdout";
  return static_cast<const NamedDecl *>(K)->getNameAsString();
}

bool StdioBuffers::isFileStreamObject(StreamKey K) const {
  return K != stdoutKey() &&
         isFileStream(static_cast<const ValueDecl *>(K)->getType());
}

StreamKey StdioBuffers::streamOf(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  const ValueDecl *D = nullptr;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    D = DRE->getDecl();
  else if (const auto *ME = dyn_cast<MemberExpr>(E))
    D = ME->getMemberDecl();
  if (!D || isa<ParmVarDecl>(D))
    return nullptr; // a parameter: the caller's stream, unknown here
  if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasGlobalStorage()) {
    std::string N = ProcessModel::ruleName(VD);
    if (N == "stdout" || N == "std::cout" || N == "std::wcout")
      return stdoutKey(); // cout writes through stdout's buffer (sync_with_stdio)
    if (N == "stderr" || N == "std::cerr" || N == "std::clog" || N == "std::wcerr" ||
        N == "std::wclog")
      return nullptr;
  }
  if (isFilePointer(D->getType())) {
    // A FILE* that may hold stderr (`FILE *log = stderr;`) is unbuffered.
    auto It = M.index().Assigned.find(cast<ValueDecl>(D->getCanonicalDecl()));
    if (It != M.index().Assigned.end())
      for (const Expr *V : It->second)
        if (const auto *R = dyn_cast<DeclRefExpr>(V->IgnoreParenImpCasts()))
          if (R->getDecl()->getName() == "stderr")
            return nullptr;
    return D->getCanonicalDecl();
  }
  if (isFileStream(D->getType()))
    return D->getCanonicalDecl();
  return nullptr;
}

StdioBuffers::Effect StdioBuffers::effectOf(const Stmt *S) {
  const Rules &R = M.rules();
  Effect None;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    if (Op->getOperator() != OO_LessLess || Op->getNumArgs() != 2)
      return None;
    StreamKey K = streamOf(chainRoot(Op->getArg(0)));
    if (!K)
      return None;
    if (isManipulator(Op->getArg(1), "endl") || isManipulator(Op->getArg(1), "flush"))
      return {Effect::Flush, K};
    return {Effect::Write, K};
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    StreamKey K = MD ? streamOf(MC->getImplicitObjectArgument()) : nullptr;
    if (!K)
      return None;
    StringRef N = MD->getName();
    if (N == "flush" || N == "close")
      return {Effect::Flush, K};
    if (N == "write" || N == "put")
      return {Effect::Write, K};
    return None;
  }
  const auto *CE = dyn_cast<CallExpr>(S);
  const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
  if (!Callee)
    return None;
  std::string Name = ProcessModel::ruleName(Callee);
  if (auto Arg = R.stdioWriteStream(Name)) {
    if (*Arg < 0)
      return {Effect::Write, stdoutKey()};
    if (unsigned(*Arg) < CE->getNumArgs())
      if (StreamKey K = streamOf(CE->getArg(*Arg)))
        return {Effect::Write, K};
    return None;
  }
  if (auto Arg = R.stdioFlushStream(Name)) {
    if (*Arg < 0)
      return {Effect::FlushAll, nullptr};
    if (unsigned(*Arg) >= CE->getNumArgs())
      return None;
    const Expr *A = CE->getArg(*Arg);
    if (A->isNullPointerConstant(M.context(), Expr::NPC_ValueDependentIsNotNull))
      return {Effect::FlushAll, nullptr};
    if (StreamKey K = streamOf(A))
      return {Effect::Flush, K};
  }
  return None;
}

void StdioBuffers::findManaged() {
  if (ManagedFound)
    return;
  ManagedFound = true;
  for (const auto &[Callee, Sites] : M.index().Calls) {
    if (!Callee)
      continue;
    auto Arg = M.rules().stdioBufferingStream(ProcessModel::ruleName(Callee));
    if (!Arg)
      continue;
    for (const ProcessModel::CallSite &Site : Sites)
      if (*Arg >= 0 && unsigned(*Arg) < Site.Call->getNumArgs())
        if (StreamKey K = streamOf(Site.Call->getArg(*Arg)))
          Managed.insert(K);
  }
}

void StdioBuffers::transfer(const CFGElement &E, State &S, const FunctionDecl *FD) {
  if (!S.Reached)
    return;
  auto CS = E.getAs<CFGStmt>();
  if (!CS)
    return;
  const Stmt *St = CS->getStmt();
  Effect Eff = effectOf(St);
  switch (Eff.K) {
  case Effect::Write:
    S.write(Eff.Stream, St);
    return;
  case Effect::Flush:
    S.flush(Eff.Stream);
    return;
  case Effect::FlushAll:
    S.flushAll();
    return;
  case Effect::None:
    break;
  }
  const auto *CE = dyn_cast<CallExpr>(St);
  if (!CE)
    return;
  const FunctionDecl *Callee = CE->getDirectCallee();
  const FunctionDecl *Def = nullptr;
  if (Callee && Callee->hasBody(Def) && Def && Def != FD) {
    FunctionResult &C = solve(Def);
    if (C.Done && C.Exit.Reached) {
      if (C.Exit.FlushedAll)
        S.flushAll();
      for (StreamKey K : C.Exit.Flushed)
        S.flush(K);
      for (const PendingWrite &W : C.Exit.Pending)
        S.write(W.Stream, W.Write);
    }
  } else if (const FunctionFacts *F = UseIndex ? M.external(Callee, Aspect::Stdio) : nullptr) {
    // A function of another file: its effect on stdout, as the index has it.
    if (F->FlushesAll)
      S.flushAll();
    if (F->PendingStdout.valid())
      S.write(stdoutKey(), CE);
  }
  if (const ParentMap *PM = M.parents(FD))
    if (M.callEffect(CE, *PM, /*MayNotReturn=*/false) == CallEffect::Ends)
      S.Reached = false;
}

StdioBuffers::FunctionResult &StdioBuffers::solve(const FunctionDecl *FD) {
  auto [It, New] = Results.try_emplace(FD, nullptr);
  if (!New)
    return *It->second; // solved, or being solved (recursion: no effect)
  It->second = std::make_unique<FunctionResult>();
  FunctionResult *R = It->second.get();
  const CFG *G = M.cfg(FD);
  if (!G)
    return *R;
  std::vector<State> In;
  solveForward(*G, In, State(),
               [&](const CFGElement &E, State &S) { transfer(E, S, FD); });
  // Record the state before each call, and the state at the exit.
  for (const CFGBlock *B : *G) {
    State S = In[B->getBlockID()];
    if (!S.Reached)
      continue;
    for (const CFGElement &E : *B) {
      if (auto CS = E.getAs<CFGStmt>())
        if (isa<CallExpr>(CS->getStmt()))
          R->Before.try_emplace(CS->getStmt(), S);
      transfer(E, S, FD);
    }
  }
  R->Exit = In[G->getExit().getBlockID()];
  R->Done = true;
  return *R;
}

std::vector<PendingWrite> StdioBuffers::pendingAt(const FunctionDecl *FD, const Stmt *S,
                                                  unsigned Depth) {
  findManaged();
  std::vector<PendingWrite> Out;
  FunctionResult &R = solve(FD);
  auto It = R.Before.find(S);
  if (It == R.Before.end())
    return Out;
  const State &Local = It->second;
  for (const PendingWrite &W : Local.Pending)
    if (!Managed.count(W.Stream))
      Out.push_back(W);
  if (Local.FlushedAll || Depth >= 3)
    return Out;
  // What the callers of this file left in the buffers before calling FD.
  auto [E, New] = AtEntry.try_emplace(FD);
  if (New) {
    std::vector<PendingWrite> Entry;
    for (const ProcessModel::CallSite &Site : M.callSites(FD))
      if (Site.Caller && Site.Caller != FD)
        for (const PendingWrite &W : pendingAt(Site.Caller, Site.Call, Depth + 1))
          if (llvm::none_of(Entry, [&](const PendingWrite &X) { return X.Stream == W.Stream; }))
            Entry.push_back(W);
    AtEntry[FD] = std::move(Entry);
  }
  for (const PendingWrite &W : AtEntry[FD])
    if (!Local.flushed(W.Stream) && !Managed.count(W.Stream) &&
        llvm::none_of(Out, [&](const PendingWrite &X) { return X.Stream == W.Stream; }))
      Out.push_back(W);
  return Out;
}

StdioBuffers::ReturnEffect StdioBuffers::returnEffect(const FunctionDecl *FD) {
  findManaged();
  ReturnEffect E;
  FunctionResult &R = solve(FD);
  if (!R.Done || !R.Exit.Reached)
    return E;
  E.FlushesAll = R.Exit.FlushedAll;
  for (const PendingWrite &W : R.Exit.Pending)
    if (W.Stream == stdoutKey() && !Managed.count(W.Stream))
      E.PendingStdout = W.Write;
  return E;
}

bool StdioBuffers::mayFlush(const FunctionDecl *FD) {
  auto [It, New] = Flushes.try_emplace(FD, -1);
  if (!New)
    return It->second == 1;
  bool Found = false;
  for (const CallExpr *CE : M.callsIn(FD)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      continue;
    std::string Name = ProcessModel::ruleName(Callee);
    if ((M.rules().isExit(Name) && !StringRef(Name).ends_with("quick_exit")) ||
        effectOf(CE).K == Effect::Flush || effectOf(CE).K == Effect::FlushAll) {
      Found = true;
      break;
    }
    const FunctionDecl *Def = nullptr;
    if (Callee->hasBody(Def) && Def && Def != FD && mayFlush(Def)) {
      Found = true;
      break;
    }
    if (const FunctionFacts *F = UseIndex ? M.external(Callee, Aspect::Stdio) : nullptr;
        F && (F->MayFlush || F->FlushesAll)) {
      Found = true;
      break;
    }
  }
  Flushes[FD] = Found;
  return Found;
}

} // namespace procshare
