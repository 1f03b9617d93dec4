//===- ProcshareCheck.cpp - Base of every procshare check -----------------===//

#include "checks/ProcshareCheck.h"

using namespace clang;

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

std::string ProcshareCheck::calleeName(const CallExpr *CE) {
  if (const FunctionDecl *FD = CE->getDirectCallee())
    return FD->getNameAsString();
  return "fork";
}

} // namespace procshare
