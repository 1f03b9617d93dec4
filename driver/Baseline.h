//===- Baseline.h - Accepting today's findings ----------------------------===//
//
// A baseline records the findings of a run (check, file, fingerprint) so that
// later runs report only new ones. The fingerprint does not include the line
// number, so findings keep matching when unrelated lines move.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_BASELINE_H
#define PROCSHARE_DRIVER_BASELINE_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include <string>
#include <vector>

namespace procshare {

struct BaselineEntry {
  std::string Check, File, Fingerprint;
};

/// The baseline entries of the procshare findings among \p Errors.
std::vector<BaselineEntry> baselineOf(const std::vector<clang::tidy::ClangTidyError> &Errors,
                                      llvm::StringRef Root);

/// The JSON text of a baseline file.
std::string renderBaseline(const std::vector<BaselineEntry> &Entries);

/// Reads a baseline file; on failure returns false with \p Error naming the
/// file, line and column.
bool readBaseline(const std::string &Path, std::vector<BaselineEntry> &Out,
                  std::string &Error);

/// Removes from \p Errors the findings \p Baseline lists (each entry matches
/// one finding) and returns the entries that matched nothing (stale).
std::vector<BaselineEntry> applyBaseline(std::vector<clang::tidy::ClangTidyError> &Errors,
                                         const std::vector<BaselineEntry> &Baseline,
                                         llvm::StringRef Root);

} // namespace procshare

#endif
