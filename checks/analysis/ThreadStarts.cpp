//===- ThreadStarts.cpp - Where the program starts threads ----------------===//

#include "checks/analysis/ThreadStarts.h"
#include "checks/analysis/AstNames.h"
#include "checks/analysis/ProcessModel.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace procshare {

void ThreadStarts::build() {
  if (Built)
    return;
  Built = true;
  // Only the program's own code counts: library headers have inline
  // functions that call pthread_create (libstdc++'s __gthread_create).
  const SourceManager &SM = M.context().getSourceManager();
  auto Mine = [&](SourceLocation L) {
    return !SM.isInSystemHeader(SM.getExpansionLoc(L));
  };
  const Rules &R = M.rules();
  for (const auto &[Callee, Sites] : M.index().Calls) {
    if (!Callee)
      continue;
    std::string Name = ProcessModel::ruleName(Callee);
    bool Start = R.isThreadStart(Name), Join = R.isThreadJoin(Name);
    if (!Start && !Join)
      continue;
    for (const ProcessModel::CallSite &Site : Sites)
      if (Mine(Site.Call->getBeginLoc())) {
        if (Start)
          Direct[Site.Caller].push_back(Site.Call);
        else if (Site.Caller)
          Joins[Site.Caller].push_back(Site.Call);
      }
  }
  for (auto [CCE, Where] : M.index().ThreadConstructions)
    if (Mine(CCE->getBeginLoc()))
      Direct[Where].push_back(CCE);
}

const Stmt *ThreadStarts::startedIn(const FunctionDecl *FD) {
  build();
  auto [It, New] = Reached.try_emplace(FD, nullptr);
  if (!New)
    return It->second; // known, or being computed (recursion): none
  const Stmt *Found = nullptr;
  if (auto D = Direct.find(FD); D != Direct.end() && !D->second.empty())
    Found = D->second.front();
  if (!Found && FD->hasBody())
    for (const CallExpr *CE : M.callsIn(FD)) {
      const FunctionDecl *Callee = CE->getDirectCallee();
      const FunctionDecl *Def = nullptr;
      if (Callee && Callee->hasBody(Def) && Def && startedIn(Def)) {
        Found = CE;
        break;
      }
      // A function of another file that starts one.
      if (const FunctionFacts *F = UseIndex ? M.external(Callee, Aspect::Thread) : nullptr;
          F && F->StartsThread.valid()) {
        Found = CE;
        break;
      }
    }
  Reached[FD] = Found;
  return Found;
}

const ValueDecl *ThreadStarts::handleOf(const FunctionDecl *FD, const Stmt *S) {
  const Expr *H = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
    H = MC->getImplicitObjectArgument();
  else if (const auto *CE = dyn_cast<CallExpr>(S))
    H = CE->getNumArgs() ? CE->getArg(0) : nullptr;
  else if (isa<CXXConstructExpr>(S)) {
    // std::thread t(f): the variable being constructed.
    const ParentMap *PM = M.parents(FD);
    for (const Stmt *P = PM ? PM->getParent(S) : nullptr; P; P = PM->getParent(P))
      if (const auto *DS = dyn_cast<DeclStmt>(P))
        return DS->isSingleDecl() ? dyn_cast<ValueDecl>(DS->getSingleDecl()) : nullptr;
      else if (!isa<Expr>(P))
        break;
    return nullptr;
  }
  return H ? namedDecl(H) : nullptr;
}

bool ThreadStarts::joinedBetween(const FunctionDecl *FD, const Stmt *Start,
                                 const Stmt *At) {
  auto J = Joins.find(FD);
  if (J == Joins.end())
    return false;
  const ValueDecl *Handle = handleOf(FD, Start);
  if (!Handle)
    return false;
  for (const CallExpr *Join : J->second)
    if (handleOf(FD, Join) == Handle && M.reaches(FD, Start, Join) &&
        M.reaches(FD, Join, At))
      return true;
  return false;
}

ThreadStart ThreadStarts::startedBefore(const FunctionDecl *FD, const Stmt *At,
                                        unsigned Depth, bool CallersElsewhere) {
  build();
  // Static initialisers and constructor functions run before main.
  if (Depth == 0) {
    if (auto D = Direct.find(nullptr); D != Direct.end() && !D->second.empty())
      return {D->second.front(), {}};
  }
  if (!FD || !FD->hasBody())
    return {};
  std::vector<const Stmt *> Starts;
  if (auto D = Direct.find(FD); D != Direct.end())
    Starts = D->second;
  for (const CallExpr *CE : M.callsIn(FD)) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    const FunctionDecl *Def = nullptr;
    if (!Callee)
      continue;
    if (Callee->hasBody(Def) ? Def && Def != FD && startedIn(Def)
                             : UseIndex && M.external(Callee, Aspect::Thread) &&
                                   M.external(Callee, Aspect::Thread)->StartsThread.valid())
      Starts.push_back(CE);
  }
  for (const Stmt *S : Starts)
    if (S != At && M.reaches(FD, S, At) && !joinedBetween(FD, S, At))
      return {S, {}};
  if (Depth >= 3)
    return {};
  for (const ProcessModel::CallSite &Site : M.callSites(FD))
    if (Site.Caller && Site.Caller != FD)
      if (ThreadStart S = startedBefore(Site.Caller, Site.Call, Depth + 1, CallersElsewhere))
        return S;
  // Callers in other files that started a thread before calling.
  if (UseIndex && CallersElsewhere)
    if (const FunctionFacts *F = M.indexed(FD, Aspect::Entry); F && F->ThreadsAtEntry.valid())
      return {nullptr, F->ThreadsAtEntry};
  return {};
}

} // namespace procshare
