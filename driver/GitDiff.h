//===- GitDiff.h - The lines a change touches -----------------------------===//
//
// For --diff: the lines of each file that differ from a git ref (the working
// tree against the ref, so uncommitted changes count), found by running git.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_GITDIFF_H
#define PROCSHARE_DRIVER_GITDIFF_H

#include "llvm/ADT/StringMap.h"
#include <set>
#include <string>

namespace procshare {

/// Absolute path -> changed line numbers (1-based, in the working tree).
using ChangedLines = llvm::StringMap<std::set<unsigned>>;

/// The lines changed since \p Ref; when \p Ref is empty, since the merge base
/// with the upstream branch, or HEAD when there is no upstream. On failure
/// returns false with \p Error saying why.
bool changedLines(std::string Ref, ChangedLines &Out, std::string &Error);

} // namespace procshare

#endif
