//===- ProcshareCheck.cpp - Base of every procshare check -----------------===//

#include "checks/ProcshareCheck.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace procshare {

ProcshareCheck::ProcshareCheck(llvm::StringRef Name,
                               tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      RulesFile(Options.getLocalOrGlobal("RulesFile", "")) {
  std::string Error;
  std::string Path = Rules::resolvePath(RulesFile, Context->getCurrentFile());
  RulesPtr = Rules::get(Path, Error);
  if (!RulesPtr) {
    configurationDiag("cannot use rules file: %0", DiagnosticIDs::Error) << Error;
    RulesPtr = Rules::defaults();
  }
}

void ProcshareCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "RulesFile", RulesFile);
}

void ProcshareCheck::registerPPCallbacks(const SourceManager &, Preprocessor *P,
                                         Preprocessor *) {
  PP = P; // the analyses read macro values (MAP_SHARED) at the end
}

void ProcshareCheck::onStartOfTranslationUnit() {
  ProcessModel::startTranslationUnit();
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

std::string ProcshareCheck::calleeName(const CallExpr *CE) {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->getNameAsString();
  return "fork";
}

} // namespace procshare
