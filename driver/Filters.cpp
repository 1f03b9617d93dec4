//===- Filters.cpp - Which findings of a run are reported -----------------===//

#include "driver/Filters.h"
#include "driver/ResultWriter.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"

using clang::tidy::ClangTidyError;

namespace procshare {

unsigned keepFindings(std::vector<ClangTidyError> &Errors, bool OrNotes,
                      llvm::function_ref<bool(llvm::StringRef File, unsigned Line)> Keep) {
  Positions P;
  auto Passes = [&](const clang::tooling::DiagnosticMessage &M) {
    return Keep(M.FilePath, P.at(M.FilePath, M.FileOffset).Line);
  };
  std::vector<ClangTidyError> Kept;
  for (ClangTidyError &E : Errors)
    if (E.DiagLevel == clang::tooling::Diagnostic::Error || Passes(E.Message) ||
        (OrNotes && llvm::any_of(E.Notes, Passes)))
      Kept.push_back(std::move(E));
  unsigned Left = Errors.size() - Kept.size();
  Errors = std::move(Kept);
  return Left;
}

bool passesLineFilter(const std::vector<clang::tidy::FileFilter> &Filters, llvm::StringRef File,
                      unsigned Line) {
  for (const clang::tidy::FileFilter &F : Filters)
    if (File.ends_with(F.Name))
      return F.LineRanges.empty() || llvm::any_of(F.LineRanges, [&](const auto &R) {
               return R.first <= Line && Line <= R.second;
             });
  return false;
}

bool onChangedLine(const ChangedLines &Changed, llvm::StringRef File, unsigned Line) {
  llvm::SmallString<256> Real;
  if (llvm::sys::fs::real_path(File, Real))
    Real = File;
  auto It = Changed.find(Real);
  return It != Changed.end() && It->second.count(Line);
}

} // namespace procshare
