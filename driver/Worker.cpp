//===- Worker.cpp - The worker side of the command line -------------------===//

#include "driver/Worker.h"
#include "driver/Options.h"
#include "driver/ResultCache.h"
#include "driver/ResultWriter.h"
#include "driver/WorkerPool.h"
#include "checks/analysis/Summarizer.h"
#include "index/ProjectIndex.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/PrettyStackTrace.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <optional>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;
using namespace procshare::cli;

namespace procshare {

int runAsWorker(ClangTidyOptionsProvider &Provider,
                std::unique_ptr<tooling::CompilationDatabase> Compilations) {
  // A crash is reported by the parent, which goes on with the other files.
  llvm::setBugReportMsg("procshare: the analysis crashed; the file is skipped. Please "
                        "report it with the stack dump below.\n");
  // --extra-arg, and -fno-caret-diagnostics so that clang itself does not
  // print "N warnings generated." (procshare prints its own summary).
  auto Adjusting = std::make_unique<tooling::ArgumentsAdjustingCompilations>(
      std::move(Compilations));
  std::vector<std::string> Extra(ExtraArgs.begin(), ExtraArgs.end());
  Extra.push_back("-fno-caret-diagnostics");
  Adjusting->appendArgumentsAdjuster(
      tooling::getInsertArgumentAdjuster(Extra, tooling::ArgumentInsertPosition::END));
  if (!ExtraArgsBefore.empty())
    Adjusting->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        std::vector<std::string>(ExtraArgsBefore.begin(), ExtraArgsBefore.end()),
        tooling::ArgumentInsertPosition::BEGIN));
  // A physical file system: compile commands run in their directory without
  // changing the process's (the cache key and the analysis share it); with
  // --vfsoverlay, the overlay on top of it.
  IntrusiveRefCntPtr<vfs::FileSystem> Physical(vfs::createPhysicalFileSystem().release());
  IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS(new vfs::OverlayFileSystem(Physical));
  if (!VfsOverlay.empty()) {
    std::string Error;
    IntrusiveRefCntPtr<vfs::FileSystem> Overlay = loadVfsOverlay(VfsOverlay, Physical, Error);
    if (!Overlay)
      return usageError(Error);
    FS->pushOverlay(Overlay);
  }
  // --enable-check-profile: each file's profile is stored for the parent,
  // which prints one table for the run; --store-check-profile keeps them.
  std::string ProfileDir;
  if (EnableCheckProfile)
    ProfileDir = StoreCheckProfile.empty() ? profileDir(WorkerDir) : absolute(StoreCheckProfile);
  std::optional<ResultCache> Cache;
  if (!CacheDir.empty())
    Cache.emplace(absolute(CacheDir));
  // With a project index, each file's summary goes beside its results.
  bool Indexing = !WorkerIndex.empty();
  std::shared_ptr<const ProjectIndex> Index;
  if (Indexing) {
    std::string Error;
    Index = ProjectIndex::get(WorkerIndex, Error);
    if (!Index)
      return usageError(Error);
  }
  auto Analyse = [&](const std::string &File, const std::string &Out, bool &FromCache) {
    std::string Key, Text, Error;
    TUSummary Summary;
    if (Cache) {
      Key = Cache->key(File, *Adjusting, Provider.getOptions(File), FS);
      std::vector<ClangTidyError> Kept;
      // An entry that cannot be read is analysed again (and replaced); with
      // the index, so is one whose analysis read facts that changed since.
      FromCache = Cache->lookup(Key, Text) && deserializeErrors(Text, Kept, Error);
      std::string SummaryText;
      if (FromCache && Indexing)
        FromCache = Cache->lookupSummary(Key, SummaryText) &&
                    ProjectIndex::readUnit(SummaryText, Summary, Error) &&
                    llvm::all_of(Summary.Consulted, [&](const auto &C) {
                      return Index->answer(C.first) == C.second;
                    });
    }
    if (!FromCache) {
      // A fresh context per file: each run's diagnostic IDs (numbered afresh
      // by its own DiagnosticsEngine) map to the right check names, which a
      // context kept across runs would remember from the first.
      ClangTidyContext Context(std::make_unique<SharedOptionsProvider>(Provider));
      // The file's options before the run: the diagnostic consumer takes
      // its header filter from the options current when it is made, which
      // would otherwise be those of the working directory.
      Context.setCurrentFile(File);
      ConsultLog Log;
      Summary = TUSummary();
      if (Indexing) {
        ProjectIndex::setConsultLog(&Log);
        setSummarySink(&Summary);
      }
      Text = serializeErrors(
          File, runClangTidy(Context, *Adjusting, File, FS, /*ApplyAnyFix=*/false,
                             EnableCheckProfile, ProfileDir));
      setSummarySink(nullptr);
      ProjectIndex::setConsultLog(nullptr);
      Summary.File = File;
      Summary.Made = uint64_t(std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
      Summary.Consulted = std::move(Log.Answers);
      if (Cache && !Cache->store(Key, Text, Error))
        errs() << "procshare: warning: " << Error << "\n";
      if (Cache && Indexing &&
          !Cache->storeSummary(Key, ProjectIndex::writeUnit(Summary), Error))
        errs() << "procshare: warning: " << Error << "\n";
    }
    if (Indexing) {
      Summary.File = File;
      if (!writeFileAtomically(summaryPath(Out),
                                          ProjectIndex::writeUnit(Summary), Error)) {
        errs() << "procshare: error: " << Error << "\n";
        return false;
      }
    }
    if (writeFileAtomically(Out, Text, Error))
      return true;
    errs() << "procshare: error: " << Error << "\n";
    return false;
  };
  return workerMain(WorkerDir, Analyse);
}


} // namespace procshare
