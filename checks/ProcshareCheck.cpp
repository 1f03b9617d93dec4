//===- ProcshareCheck.cpp - Base of every procshare check -----------------===//

#include "checks/ProcshareCheck.h"
#include "checks/ProcshareModule.h"
#include "checks/analysis/Summarizer.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

ProcshareCheck::ProcshareCheck(llvm::StringRef Name,
                               tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RulesFile(Options.getLocalOrGlobal("RulesFile", "")),
      IndexFile(Options.getLocalOrGlobal("IndexFile", "")), TidyContext(Context) {
  std::string Error;
  std::string Path = Rules::resolvePath(RulesFile, Context->getCurrentFile());
  RulesPtr = Rules::get(Path, Error);
  // A problem with the rules or the index is the same for every check: the
  // first enabled one says it, once per file analysed.
  bool Reports = false;
  for (const CheckInfo &C : checkCatalog())
    if (Context->isCheckEnabled(C.Name)) {
      Reports = Name == C.Name;
      break;
    }
  if (!RulesPtr) {
    if (Reports)
      ConfigProblem = "cannot use rules file: " + Error;
    RulesPtr = Rules::defaults();
  }
  if (!IndexFile.empty()) {
    std::string IndexPath = Rules::resolvePath(IndexFile, Context->getCurrentFile());
    IndexPtr = ProjectIndex::get(IndexPath, Error);
    // The analysis goes on without the index, as with none.
    if (!IndexPtr && Reports && ConfigProblem.empty()) {
      ConfigProblem = "cannot use the project index: " + Error + "; analysing without it";
      ConfigProblemLevel = DiagnosticIDs::Warning;
    }
  }
}

void ProcshareCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "RulesFile", RulesFile);
  Options.store(Opts, "IndexFile", IndexFile);
}

void ProcshareCheck::registerPPCallbacks(const SourceManager &SM, Preprocessor *P,
                                         Preprocessor *) {
  PP = P; // the analyses read macro values (MAP_SHARED) at the end
  if (!ConfigProblem.empty()) {
    std::string Format; // (the text is a diagnostic format: '%' must be doubled)
    for (char C : ConfigProblem)
      Format += C == '%' ? std::string("%%") : std::string(1, C);
    TidyContext->diag("clang-tidy-config", SM.getLocForStartOfFile(SM.getMainFileID()),
                      Format, ConfigProblemLevel);
  }
}

void ProcshareCheck::onStartOfTranslationUnit() {
  ProcessModel::startTranslationUnit();
  startTranslationUnitSummary();
}

void ProcshareCheck::onEndOfTranslationUnit() {
  // The model the checks built is summarised for the project index, once.
  if (!ProcessModel::currentModels().empty())
    finishTranslationUnit(*ProcessModel::currentModels().front());
}

void ProcshareCheck::registerFunctionsMatcher(MatchFinder *Finder) {
  Finder->addMatcher(translationUnitDecl().bind("procshare-unit"), this);
}

bool ProcshareCheck::forEachFunction(const MatchFinder::MatchResult &Result,
                                     llvm::function_ref<void(const FunctionDecl *)> F) {
  if (!Result.Nodes.getNodeAs<TranslationUnitDecl>("procshare-unit"))
    return false;
  // The index walks what the AST's traversal scope holds: in clangd, the
  // main file's declarations only, as the matchers would.
  for (const FunctionDecl *FD : model(*Result.Context).index().Definitions)
    if (!FD->isDependentContext() && FD->hasBody())
      F(FD);
  return true;
}

void ProcshareCheck::noteMapping(ASTContext &Ctx, const SharedOrigin &Source) {
  SourceLocation Elsewhere =
      Source.Elsewhere.valid() ? model(Ctx).location(Source.Elsewhere) : SourceLocation();
  if (Source.Call && Elsewhere.isValid()) {
    diag(Source.Call->getBeginLoc(), "the shared memory comes from '%0' here",
         DiagnosticIDs::Note)
        << calleeName(Source.Call);
    diag(Elsewhere, "which maps it here", DiagnosticIDs::Note);
  } else if (Source.Call) {
    diag(Source.Call->getBeginLoc(), "the shared memory is mapped here", DiagnosticIDs::Note);
  } else if (Elsewhere.isValid()) {
    diag(Elsewhere, "the shared memory is mapped here", DiagnosticIDs::Note);
  }
}

std::string ProcshareCheck::calleeName(const CallExpr *CE) {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->getNameAsString();
  return "fork";
}

} // namespace procshare
