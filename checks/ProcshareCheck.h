//===- ProcshareCheck.h - Base of every procshare check -------------------===//
//
// Every procshare check reads the same `RulesFile` option (local to the check,
// or global in CheckOptions) and asks the shared per-translation-unit
// ProcessModel its questions.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_PROCSHARECHECK_H
#define PROCSHARE_CHECKS_PROCSHARECHECK_H

#include "checks/analysis/ProcessModel.h"
#include "rules/Rules.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace procshare {

class ProcshareCheck : public clang::tidy::ClangTidyCheck {
public:
  ProcshareCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;
  void registerPPCallbacks(const clang::SourceManager &SM, clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;

protected:
  const Rules &rules() const { return *RulesPtr; }
  ProcessModel &model(clang::ASTContext &Ctx) {
    ProcessModel &M = ProcessModel::get(Ctx, RulesPtr, IndexPtr);
    M.setPreprocessor(PP);
    return M;
  }
  /// Asks for one match per translation unit, on which forEachFunction
  /// calls back for every function definition. A matcher on function
  /// declarations would be tried on each of the thousands a C file's headers
  /// declare, once per check; this costs one match per check.
  void registerFunctionsMatcher(clang::ast_matchers::MatchFinder *Finder);
  /// When \p Result is the match of registerFunctionsMatcher, calls \p F for
  /// each function definition with a body, not dependent, in the order of
  /// the AST (the model's index), and returns true.
  bool forEachFunction(const clang::ast_matchers::MatchFinder::MatchResult &Result,
                       llvm::function_ref<void(const clang::FunctionDecl *)> F);
  /// The name a diagnostic uses for a callee ("fork", "xfork").
  static std::string calleeName(const clang::CallExpr *CE);
  /// The notes that say where shared memory comes from: the mapping here,
  /// or the call of another file's allocator and the mapping it makes there.
  void noteMapping(clang::ASTContext &Ctx, const SharedOrigin &Source);

private:
  std::string RulesFile;
  std::shared_ptr<const Rules> RulesPtr;
  /// The project index (`IndexFile`, found like the rules file); none when
  /// the option is empty or the file cannot be used.
  std::string IndexFile;
  std::shared_ptr<const ProjectIndex> IndexPtr;
  const clang::Preprocessor *PP = nullptr;
  /// A problem with the rules file or the index, said (by the first enabled
  /// check only) at the start of the main file once the file is known, so
  /// that an editor shows it in the file being edited.
  std::string ConfigProblem;
  clang::DiagnosticIDs::Level ConfigProblemLevel = clang::DiagnosticIDs::Error;
  clang::tidy::ClangTidyContext *TidyContext;
};

} // namespace procshare

#endif
