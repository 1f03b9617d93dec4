//===- Worker.h - The worker side of the command line ---------------------===//
#ifndef PROCSHARE_DRIVER_WORKER_H
#define PROCSHARE_DRIVER_WORKER_H

#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <memory>

namespace procshare {

/// The worker's side of the CLI (driver/WorkerPool.h): analyses the files
/// it is sent, each with a fresh context, through the result cache when
/// there is one. Returns the exit status.
int runAsWorker(clang::tidy::ClangTidyOptionsProvider &Provider,
                std::unique_ptr<clang::tooling::CompilationDatabase> Compilations);

} // namespace procshare

#endif
