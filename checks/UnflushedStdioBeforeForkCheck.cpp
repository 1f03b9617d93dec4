//===- UnflushedStdioBeforeForkCheck.cpp - procshare-unflushed-stdio-before-fork -===//

#include "checks/UnflushedStdioBeforeForkCheck.h"

#include "clang/AST/ParentMap.h"

using namespace clang;

namespace procshare {

const Stmt *UnflushedStdioBeforeForkCheck::childFlush(const ForkRegions &F,
                                                      StreamKey Stream,
                                                      ASTContext &Ctx) {
  ProcessModel &M = model(Ctx);
  StdioBuffers &B = M.stdioBuffers();
  const Stmt *Found = nullptr;
  walkChild(M, F, [&](const Stmt *S) {
    if (Found)
      return false;
    if (isa<ReturnStmt>(S) && F.Function->isMain()) {
      Found = S; // returning from main calls exit
      return false;
    }
    StdioBuffers::Effect E = B.effectOf(S);
    if (E.K == StdioBuffers::Effect::FlushAll ||
        (E.K == StdioBuffers::Effect::Flush && E.Stream == Stream)) {
      Found = S;
      return false;
    }
    if (const auto *CE = dyn_cast<CallExpr>(S))
      if (const FunctionDecl *Callee = CE->getDirectCallee()) {
        std::string Name = ProcessModel::ruleName(Callee);
        const FunctionDecl *Def = nullptr;
        if ((rules().isExit(Name) && !StringRef(Name).ends_with("quick_exit")) ||
            (Callee->hasBody(Def) && Def &&
             !Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) &&
             B.mayFlush(Def))) {
          Found = S;
          return false;
        }
      }
    return true;
  });
  if (!Found && F.ChildFallsOffEnd && F.Function->isMain())
    Found = F.Function->getBody();
  return Found;
}

void UnflushedStdioBeforeForkCheck::checkForkSite(const ForkRegions &F, ASTContext &Ctx) {
  // A wrapper's child returns to its caller, where the caller's own fork
  // site (the wrapper call) is checked.
  if (F.ReturnsPidToCaller || F.Site.Rule.Vfork)
    return;
  ProcessModel &M = model(Ctx);
  std::vector<PendingWrite> Pending =
      M.stdioBuffers().pendingAt(F.Function, F.Site.Call);
  const SourceManager &SM = Ctx.getSourceManager();
  for (const PendingWrite &W : Pending) {
    const Stmt *Flush = childFlush(F, W.Stream, Ctx);
    if (!Flush)
      continue;
    std::string Stream = M.stdioBuffers().name(W.Stream);
    std::string Name = calleeName(F.Site.Call);
    bool Object = M.stdioBuffers().isFileStreamObject(W.Stream);
    {
    auto D = diag(F.Site.Call->getBeginLoc(),
                  "output written to '%0' may still be buffered when '%1' copies "
                  "the process; the child flushes its copy too, so it is written "
                  "twice when '%0' is a pipe or a file; call %select{fflush(NULL)|"
                  "%0.flush()}2 before '%1'")
             << Stream << Name << Object;
    // Fix-it: `fflush(NULL);` on its own line before the statement that
    // forks (`pid = fork();`, `if ((pid = fork()) < 0)`, `switch (fork())`),
    // when that is a statement of a block and fflush is declared. Not before
    // a loop whose condition forks: later iterations would not flush.
    const ParentMap *PM = M.parents(F.Function);
    const Stmt *Full = F.Site.Call;
    while (const Stmt *P = PM ? PM->getParent(Full) : nullptr) {
      const auto *If = dyn_cast<IfStmt>(P);
      const auto *Switch = dyn_cast<SwitchStmt>(P);
      if (isa<Expr>(P) || isa<DeclStmt>(P) || (If && If->getCond() == Full) ||
          (Switch && Switch->getCond() == Full))
        Full = P;
      else
        break;
    }
    bool InBlock = PM && isa_and_nonnull<CompoundStmt>(PM->getParent(Full));
    bool HaveFflush =
        !Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get("fflush")).empty();
    SourceLocation Loc = Full->getBeginLoc();
    if (!Object && InBlock && HaveFflush && Loc.isFileID() && !F.Site.Call->getBeginLoc().isMacroID()) {
      std::pair<FileID, unsigned> Pos = SM.getDecomposedLoc(Loc);
      StringRef Buffer = SM.getBufferData(Pos.first);
      size_t LineStart = Buffer.rfind('\n', Pos.second ? Pos.second - 1 : 0);
      LineStart = LineStart == StringRef::npos ? 0 : LineStart + 1;
      StringRef Indent = Buffer.slice(LineStart, Pos.second);
      if (Indent.find_first_not_of(" \t") == StringRef::npos)
        D << FixItHint::CreateInsertion(Loc, ("fflush(NULL);\n" + Indent).str());
    }
    } // the warning is emitted here, before its notes
    diag(W.Write->getBeginLoc(), "output is written to '%0' here", DiagnosticIDs::Note)
        << Stream;
    SourceLocation FlushLoc = isa<CompoundStmt>(Flush)
                                  ? cast<CompoundStmt>(Flush)->getRBracLoc()
                                  : Flush->getBeginLoc();
    diag(FlushLoc, "the child flushes its copy here", DiagnosticIDs::Note);
    return; // one report per fork
  }
}

} // namespace procshare
