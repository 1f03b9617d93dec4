//===- IndexFile.h - The project index of a command-line run --------------===//
//
// Where the CLI keeps the project index (index/ProjectIndex.h) between runs,
// and how a run reads and refreshes it: the index of the last run is read
// first (a damaged index, or one another procshare build or other rules
// made, is reported once and built anew), each file analysed replaces its
// unit's summary, and the result is written back atomically.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_INDEXFILE_H
#define PROCSHARE_DRIVER_INDEXFILE_H

#include "index/Facts.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace procshare {

/// The index of a run: --index, else index.json in the cache directory,
/// else .procshare/index.json beside the compile database; empty when there
/// is none of these (the index then lives only during the run).
std::string indexPathFor(llvm::StringRef Option, llvm::StringRef CacheDir,
                         llvm::StringRef CompileDatabase);

/// What an index is made by: this procshare build and the rules file given.
std::string indexStamp(llvm::StringRef RulesFile);

/// The units of the index at \p Path, if it exists and is usable for a run
/// stamped \p Stamp; otherwise none, and (unless \p Quiet) one line on
/// standard error saying why it is built anew. A damaged index is always
/// reported.
std::vector<TUSummary> loadIndex(llvm::StringRef Path, llvm::StringRef Stamp, bool Quiet);

/// Writes \p Units to \p Path atomically (creating its directory).
bool storeIndex(llvm::StringRef Path, const std::vector<TUSummary> &Units,
                llvm::StringRef Stamp, std::string &Error);

/// Replaces the summary of \p U's file in \p Units, or adds it.
void putUnit(std::vector<TUSummary> &Units, TUSummary U);

} // namespace procshare

#endif
