//===- Fixes.h - Applying the fix-its of a run ----------------------------===//
#ifndef PROCSHARE_DRIVER_FIXES_H
#define PROCSHARE_DRIVER_FIXES_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include <string>
#include <vector>

namespace procshare {

struct FixOutcome {
  unsigned Total = 0;   ///< diagnostics with a fix
  unsigned Applied = 0; ///< of those, the ones whose fix went in
  std::vector<std::string> Problems; ///< files that could not be rewritten, and why
};

/// Applies the fix of every warning in \p Errors to the files on disk (each
/// file rewritten atomically). A fix that overlaps one already taken is left
/// out, whole. With \p FromNotes, a warning without a fix of its own takes
/// the fix of its notes when exactly one note has one (clang-tidy's
/// --fix-notes). With \p OfErrors, compiler errors' fix-its are applied too
/// (--fix-errors).
FixOutcome applyFixes(const std::vector<clang::tidy::ClangTidyError> &Errors, bool FromNotes,
                      bool OfErrors);

} // namespace procshare

#endif
