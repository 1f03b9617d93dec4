//===- Summarizer.h - A translation unit's summary for the project index --===//
//
// At the end of each translation unit, when a front end builds the project
// index, the model of that unit is summarised (index/Facts.h): the facts of
// each function it defines with external linkage, computed by the same
// analyses the checks use; every call it makes of such a function, with
// what the caller knows there (other processes running, threads started,
// the memory it passes); what it assigns to globals and fields.
//
// Facts other files close over the call graph (threads, waits, the context
// of callers, the memory parameters get) are summarised from this file's
// code alone, so the index can resolve them; the others are computed with
// the index the analysis was given, and the answers it read are recorded
// (ProjectIndex's ConsultLog) so that the unit is analysed again when they
// change.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_SUMMARIZER_H
#define PROCSHARE_CHECKS_ANALYSIS_SUMMARIZER_H

#include "index/Facts.h"

namespace procshare {

class ProcessModel;

/// The summary of the translation unit \p M analyses.
TUSummary summarizeTranslationUnit(ProcessModel &M);

/// Where the summary of the translation unit being analysed on this thread
/// goes: set by a front end that builds the index, null otherwise.
void setSummarySink(TUSummary *Sink);
/// Called by every check at the start of a translation unit, and at its end:
/// the first call at the end summarises the unit into the sink, if any.
void startTranslationUnitSummary();
void finishTranslationUnit(ProcessModel &M);

} // namespace procshare

#endif
