//===- SuggestRules.h - A rules file from the project index ---------------===//
//
// `procshare --suggest-rules` prints, for review, the rules that the project
// index inferred (docs/rules.md): fork wrappers, functions that never return
// (through exit, or otherwise), exec wrappers, allocators of shared memory,
// lock and unlock wrappers, lock initialisation wrappers that make a lock
// process-private, and functions that start threads. A team can pin them in
// its rules file, or correct them; rules always override the index.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_SUGGESTRULES_H
#define PROCSHARE_DRIVER_SUGGESTRULES_H

#include "index/ProjectIndex.h"
#include "rules/Rules.h"
#include <string>

namespace procshare {

/// The rules file (JSON) of what \p Index inferred and \p Known does not
/// already say; \p Count receives the number of entries.
std::string suggestRules(const ProjectIndex &Index, const Rules &Known, unsigned &Count);

} // namespace procshare

#endif
