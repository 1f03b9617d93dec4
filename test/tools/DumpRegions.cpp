//===- DumpRegions.cpp - Print the process regions of a file --------------===//
//
// Test tool for the process-region analysis (test/analysis/). For every fork
// site of the main file it prints the roles of each source line and what the
// analysis concluded:
//
//   fork 'fork' at 8:11 in main
//     line 9: child
//     escape: falls-into-parent child 12:5 parent 15:3
//
//===----------------------------------------------------------------------===//

#include "checks/analysis/ProcessModel.h"
#include "rules/Rules.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include <map>

using namespace clang;
using namespace procshare;

static llvm::cl::OptionCategory Cat("procshare-dump-regions");
static llvm::cl::opt<std::string> RulesPath("rules", llvm::cl::cat(Cat));

namespace {
class Dumper : public ASTConsumer, public RecursiveASTVisitor<Dumper> {
public:
  explicit Dumper(std::shared_ptr<const Rules> R) : R(std::move(R)) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaExpressions() const { return true; }

  void HandleTranslationUnit(ASTContext &C) override {
    Ctx = &C;
    ProcessModel::startTranslationUnit();
    M = &ProcessModel::get(C, R);
    TraverseDecl(C.getTranslationUnitDecl());
  }

  bool VisitFunctionDecl(FunctionDecl *FD) {
    const SourceManager &SM = Ctx->getSourceManager();
    if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
        !SM.isInMainFile(FD->getLocation()))
      return true;
    const FunctionSummary &S = M->summary(FD);
    if (S.NeverReturns || S.ReturnsOnlyAfterExecFailure || S.ForkWrapper ||
        S.ReturnsOnlyThroughUnknownCall)
      llvm::outs() << "function " << FD->getNameAsString() << ":"
                   << (S.NeverReturns ? " never-returns" : "")
                   << (S.ReturnsOnlyAfterExecFailure ? " returns-after-exec-failure" : "")
                   << (S.ReturnsOnlyThroughUnknownCall ? " may-not-return" : "")
                   << (S.ForkWrapper ? " fork-wrapper" : "") << "\n";
    for (const ForkRegions &F : M->forks(FD))
      dump(F, SM);
    return true;
  }

private:
  std::shared_ptr<const Rules> R;
  ASTContext *Ctx = nullptr;
  ProcessModel *M = nullptr;

  static std::string pos(const SourceManager &SM, const Stmt *S) {
    if (!S)
      return "none";
    SourceLocation L = SM.getExpansionLoc(S->getBeginLoc());
    return std::to_string(SM.getExpansionLineNumber(L)) + ":" +
           std::to_string(SM.getExpansionColumnNumber(L));
  }

  void dump(const ForkRegions &F, const SourceManager &SM) {
    llvm::outs() << "fork '" << F.Site.Callee->getNameAsString() << "' at "
                 << pos(SM, F.Site.Call) << " in " << F.Function->getNameAsString()
                 << "\n";
    std::map<unsigned, RoleSet> Lines;
    for (const auto &[S, Roles] : F.Roles)
      Lines[SM.getExpansionLineNumber(S->getBeginLoc())] |= Roles;
    for (const auto &[Line, Roles] : Lines)
      llvm::outs() << "  line " << Line << ": " << roleSetName(Roles) << "\n";
    std::string Facts;
    if (F.Site.ResultDiscarded)
      Facts += " discarded";
    if (F.ChildIsolated)
      Facts += " isolated";
    if (F.Reforks)
      Facts += " reforks";
    if (F.ReturnsPidToCaller)
      Facts += " returns-pid";
    if (F.StoresPidForCaller)
      Facts += " stores-pid";
    llvm::outs() << "  facts:" << (Facts.empty() ? " none" : Facts) << "\n";
    // The parent's waits: whether it returns only after one, and the lines
    // it reaches without having waited since the fork.
    std::map<unsigned, bool> Unwaited;
    for (const auto &[S, Roles] : F.UnwaitedRoles)
      if (Roles & RoleParent)
        Unwaited[SM.getExpansionLineNumber(S->getBeginLoc())] = true;
    llvm::outs() << "  parent:" << (F.ParentWaitsBeforeReturn ? " waits-before-return" : "")
                 << (F.ParentReforksBeforeWait ? " reforks-before-wait" : "")
                 << " unwaited at";
    for (const auto &[Line, _] : Unwaited)
      llvm::outs() << " " << Line;
    llvm::outs() << "\n";
    auto Escape = [&](const char *Label, const std::optional<ChildEscape> &E) {
      if (!E)
        return;
      static const char *Kinds[] = {"falls-into-parent", "returns-to-caller",
                                    "loops-to-fork"};
      llvm::outs() << "  " << Label << ": " << Kinds[E->K] << " child "
                   << pos(SM, E->ChildStmt) << " parent " << pos(SM, E->ParentStmt)
                   << (E->OnlyIfExecFails ? " if-exec-fails" : "") << "\n";
    };
    Escape("escape", F.Escape);
    Escape("escape-after-unknown-call", F.EscapeAfterUnknownCall);
  }
};

class Action : public ASTFrontendAction {
public:
  explicit Action(std::shared_ptr<const Rules> R) : R(std::move(R)) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, StringRef) override {
    return std::make_unique<Dumper>(R);
  }

private:
  std::shared_ptr<const Rules> R;
};
} // namespace

int main(int argc, const char **argv) {
  auto Parser = tooling::CommonOptionsParser::create(argc, argv, Cat);
  if (!Parser) {
    llvm::errs() << llvm::toString(Parser.takeError()) << "\n";
    return 2;
  }
  std::string Error;
  std::shared_ptr<const Rules> R = Rules::get(RulesPath, Error);
  if (!R) {
    llvm::errs() << Error << "\n";
    return 2;
  }
  struct Factory : tooling::FrontendActionFactory {
    std::shared_ptr<const Rules> R;
    std::unique_ptr<FrontendAction> create() override { return std::make_unique<Action>(R); }
  } F;
  F.R = R;
  // One tool per file, as the procshare CLI does: a ClangTool shares its
  // file manager between files, which goes wrong with same-named files.
  int Status = 0;
  for (const std::string &File : Parser->getSourcePathList()) {
    tooling::ClangTool Tool(Parser->getCompilations(), {File});
    Status |= Tool.run(&F);
  }
  return Status;
}
