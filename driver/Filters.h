//===- Filters.h - Which findings of a run are reported -------------------===//
//
// After the analysis, --line-filter (clang-tidy's) and --diff keep the
// findings on some lines only; compiler errors are always kept.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_FILTERS_H
#define PROCSHARE_DRIVER_FILTERS_H

#include "driver/GitDiff.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <vector>

namespace procshare {

/// Keeps the compiler errors of \p Errors and the other diagnostics that
/// \p Keep accepts for the place they are reported at (file and line) or,
/// with \p OrNotes, for the place of one of their notes, as clang-tidy's
/// line filter does; returns how many were left out.
unsigned keepFindings(std::vector<clang::tidy::ClangTidyError> &Errors, bool OrNotes,
                      llvm::function_ref<bool(llvm::StringRef File, unsigned Line)> Keep);

/// clang-tidy's --line-filter: a file named by a filter (its name ends the
/// path) keeps the lines the filter lists (all, when it lists none); a file
/// no filter names keeps none.
bool passesLineFilter(const std::vector<clang::tidy::FileFilter> &Filters, llvm::StringRef File,
                      unsigned Line);

/// --diff: the line is one the change touched (the file compared by its real
/// path).
bool onChangedLine(const ChangedLines &Changed, llvm::StringRef File, unsigned Line);

} // namespace procshare

#endif
