//===- Filters.cpp - Which findings of a run are reported -----------------===//

#include "driver/Filters.h"
#include "driver/ResultWriter.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"

using clang::tidy::ClangTidyError;

namespace procshare {

unsigned keepFindings(std::vector<ClangTidyError> &Errors,
                      llvm::function_ref<bool(llvm::StringRef File, unsigned Line)> Keep) {
  std::vector<unsigned> Lines = lines(Errors);
  std::vector<ClangTidyError> Kept;
  for (size_t I = 0; I < Errors.size(); ++I)
    if (Errors[I].DiagLevel == clang::tooling::Diagnostic::Error ||
        Keep(Errors[I].Message.FilePath, Lines[I]))
      Kept.push_back(std::move(Errors[I]));
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
