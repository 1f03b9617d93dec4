//===- ResultWriter.h - Findings as JSON or SARIF -------------------------===//
//
// Machine-readable output of the procshare CLI: one JSON object per
// diagnostic, or a SARIF 2.1.0 log that GitHub code scanning accepts (one
// rule per check, results with physical and related locations, fixes, and a
// partial fingerprint that does not change when unrelated lines move).
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_RESULTWRITER_H
#define PROCSHARE_DRIVER_RESULTWRITER_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"
#include <vector>

namespace procshare {

/// The name of the error diagnostic a file gets when the analysis could not
/// finish it (its worker crashed).
inline constexpr char CrashDiagnosticName[] = "procshare-crash";

/// Writes \p Text to \p Path through a temporary file renamed over it, so
/// the file is never half-written; false with \p Error on failure.
bool writeFileAtomically(llvm::StringRef Path, llvm::StringRef Text, std::string &Error);

/// Line and column (1-based, in bytes) of offsets in files, and the text of
/// their lines; each file read once, each question answered in O(log lines).
class Positions {
public:
  struct Pos {
    unsigned Line = 0, Column = 0;
    std::string LineText;
  };
  Pos at(const std::string &File, unsigned Offset);
  /// The text of line \p Line (1-based), without its newline; empty past
  /// the end.
  std::string line(const std::string &File, unsigned Line);
  unsigned lineCount(const std::string &File);

private:
  struct Text {
    std::string Content;
    std::vector<size_t> LineStarts;
  };
  const Text &text(const std::string &File);
  llvm::StringMap<Text> Files;
};

/// \p Path made absolute against \p Dir when it is relative (and \p Dir is
/// given), without dots; an empty path stays empty.
std::string absoluteIn(llvm::StringRef Dir, llvm::StringRef Path);

/// \p Path relative to \p Root when inside it.
std::string relativePath(llvm::StringRef Path, llvm::StringRef Root);

/// The fingerprint of each of \p Errors: a hash of the check, the file, the
/// message and the text of the reported line (not its number), so that it
/// survives unrelated line shifts.
std::vector<std::string> fingerprints(const std::vector<clang::tidy::ClangTidyError> &Errors,
                                      llvm::StringRef Root);

/// Writes \p Errors as a JSON array; paths relative to \p Root when inside.
void writeJson(const std::vector<clang::tidy::ClangTidyError> &Errors,
               llvm::StringRef Root, llvm::raw_ostream &OS);

/// Writes \p Errors as a SARIF 2.1.0 log; each check's rule links to its
/// page under \p DocsBase (an absolute URI ending in '/').
void writeSarif(const std::vector<clang::tidy::ClangTidyError> &Errors,
                llvm::StringRef Root, llvm::StringRef Version, llvm::StringRef DocsBase,
                llvm::raw_ostream &OS);

/// \p AbsolutePath as a file:// URI.
std::string fileUri(llvm::StringRef AbsolutePath);

} // namespace procshare

#endif
