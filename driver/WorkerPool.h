//===- WorkerPool.h - Analysing files in worker processes -----------------===//
//
// The CLI analyses every file in a worker process of its own (procshare
// started again with --worker), so that a translation unit that crashes the
// analysis takes only its worker down: the crash is reported, a new worker
// takes its place, and the run goes on. N workers give N files in parallel
// with nothing shared between them.
//
// The parent writes the file list (NUL-separated) to DIR/files and sends
// each worker the index of its next file on its standard input, one per
// line. The worker writes the file's diagnostics to DIR/<index>.yaml and
// answers "<index> <from-cache>" on file descriptor 3. End of input ends the
// worker; end of its answers before the answer for the file it was given
// means it died on that file.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_WORKERPOOL_H
#define PROCSHARE_DRIVER_WORKERPOOL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace procshare {

struct FileOutcome {
  enum Kind { Pending, Analysed, FromCache, Failed } State = Pending;
  std::string Why; ///< for Failed: how the worker ended
};

/// The result file of file \p Index in \p Dir.
std::string resultPath(llvm::StringRef Dir, size_t Index);
/// The summary file (for the project index) beside a result file.
std::string summaryPath(llvm::StringRef ResultPath);
/// Where the workers of \p Dir store each file's check profile
/// (--enable-check-profile) for the parent to add up.
std::string profileDir(llvm::StringRef Dir);

/// Runs \p Files through up to \p Jobs workers started as \p WorkerArgv
/// (which must contain "--worker=<Dir>"). \p OnDone is called in the parent
/// as each file ends, with its index. False with \p Error if no worker could
/// be started at all.
bool runWorkers(llvm::ArrayRef<std::string> WorkerArgv, llvm::StringRef Dir,
                llvm::ArrayRef<std::string> Files, unsigned Jobs,
                std::vector<FileOutcome> &Outcomes,
                llvm::function_ref<void(size_t)> OnDone, std::string &Error);

/// The worker's side: reads DIR/files, then analyses the files it is sent
/// with \p Analyse (which writes the result file and says whether it came
/// from the cache) until its input ends. Returns the exit status.
int workerMain(llvm::StringRef Dir,
               llvm::function_ref<bool(const std::string &File, const std::string &ResultPath,
                                       bool &FromCache)>
                   Analyse);

} // namespace procshare

#endif
