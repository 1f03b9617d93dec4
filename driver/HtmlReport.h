//===- HtmlReport.h - Findings as one self-contained HTML page ------------===//
//
// --format=html: a page a person would rather read than a log. A summary by
// check and by file; then, per file (collapsed when there are many), each
// finding with the source around it and the path drawn step by step, numbered
// as in scan-build's reports: the notes procshare emits (the fork, the child
// branch, the mapping, the thread start) and the finding itself, in the order
// they occur in the file. No script, font or style is fetched: the page works
// offline, and its size grows linearly with the findings.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_HTMLREPORT_H
#define PROCSHARE_DRIVER_HTMLREPORT_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/Support/raw_ostream.h"
#include <vector>

namespace procshare {

/// Writes \p Errors as an HTML page; paths relative to \p Root when inside
/// it, each check linked to its page under \p DocsBase.
void writeHtml(const std::vector<clang::tidy::ClangTidyError> &Errors, llvm::StringRef Root,
               llvm::StringRef Version, llvm::StringRef DocsBase, llvm::raw_ostream &OS);

} // namespace procshare

#endif
