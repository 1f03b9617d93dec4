//===- ProcshareMain.cpp - The procshare command-line driver --------------===//
//
// A thin front end over clang-tidy's library: the same invocation as
// clang-tidy (`procshare [options] <source>... [-- <compiler args>]`), the
// procshare checks enabled by default, .clang-tidy files and NOLINT honoured,
// clear errors on bad input, and exit codes a CI can use:
//   0  no findings    1  findings    2  usage or input error
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"
#include "driver/CheckProfile.h"
#include "driver/CompileDatabase.h"
#include "driver/Filters.h"
#include "driver/Fixes.h"
#include "driver/HtmlReport.h"
#include "driver/Options.h"
#include "driver/Worker.h"
#include "driver/GitDiff.h"
#include "driver/IndexFile.h"
#include "driver/SuggestRules.h"
#include "driver/Merge.h"
#include "driver/Baseline.h"
#include "driver/ResultCache.h"
#include "driver/ResultWriter.h"
#include "driver/WorkerPool.h"
#include "checks/analysis/Summarizer.h"
#include "index/ProjectIndex.h"
#include "rules/Rules.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang-tidy/GlobList.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/PrettyStackTrace.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <thread>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

using namespace procshare::cli;

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  (void)procshare::ProcshareModuleAnchorSource;
  if (argc > 1 && StringRef(argv[1]) == "merge")
    return procshare::mergeMain(argc, argv);

  // Everything after "--" is compiler arguments (kept for the workers).
  std::optional<std::vector<std::string>> FixedArgs;
  for (int I = 1; I < argc; ++I)
    if (StringRef(argv[I]) == "--") {
      FixedArgs.emplace(argv + I + 1, argv + argc);
      break;
    }
  std::string FixedError;
  std::unique_ptr<tooling::CompilationDatabase> Compilations =
      tooling::FixedCompilationDatabase::loadFromCommandLine(argc, argv, FixedError);
  if (!FixedError.empty())
    // Flags the driver rejects are each file's compiler error, reported
    // with the file and analysed as far as it goes, as clang-tidy does.
    Compilations = std::make_unique<tooling::FixedCompilationDatabase>(".", *FixedArgs);

  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "procshare " PROCSHARE_VERSION " (LLVM " LLVM_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(argc, argv, Overview, &errs()))
    return 2;
  if (!Explain.empty()) {
    static const std::pair<const char *, const char *> Pages[] = {
#include "driver/DocPages.inc"
    };
    for (const procshare::CheckInfo &C : procshare::checkCatalog())
      if (Explain == C.Name || Explain == StringRef(C.Name).drop_front(strlen("procshare-")))
        for (const auto &[Page, Text] : Pages)
          if (StringRef(Page) == C.DocPage) {
            outs() << Text;
            return 0;
          }
    return usageError("no check named '" + Explain + "' (see --list-checks)");
  }
  bool Fixing = Fix || FixErrors || FixNotes;
  if (Fixing && Format != OutputFormat::Text)
    return usageError("--fix reports in text; use --export-fixes with --format=json or sarif");
  if (ExportFixes == "-" && Format != OutputFormat::Text && OutputFile.empty())
    return usageError("--export-fixes=- and the " + std::string(Format == OutputFormat::Json ? "json"
                                                    : Format == OutputFormat::Sarif ? "sarif"
                                                                                    : "html") +
                      " output would both go to standard output; give --output=<file>");
  if (!OutputFile.empty() && Format == OutputFormat::Text)
    return usageError("--output needs --format=json, sarif or html");

  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,procshare-*";
  Defaults.HeaderFilterRegex = "";
  Defaults.SystemHeaders = false;
  ClangTidyOptions Overrides;
  if (!Config.empty() && !ConfigFile.empty())
    return usageError("--config and --config-file are alternatives: give one");
  std::string ConfigText = Config, ConfigName = "--config";
  if (!ConfigFile.empty()) {
    auto Buffer = MemoryBuffer::getFile(ConfigFile);
    if (!Buffer)
      return usageError("cannot read the configuration file '" + ConfigFile +
                        "': " + Buffer.getError().message());
    ConfigText = (*Buffer)->getBuffer().str();
    ConfigName = ConfigFile;
  }
  if (!ConfigText.empty()) {
    auto Parsed = parseConfigFile(MemoryBufferRef(ConfigText, ConfigName));
    if (!Parsed || ConfigError)
      return 2;
    Overrides = *Parsed;
  }
  if (Checks.getNumOccurrences())
    Overrides.Checks = Checks;
  if (HeaderFilter.getNumOccurrences())
    Overrides.HeaderFilterRegex = HeaderFilter;
  if (ExcludeHeaderFilter.getNumOccurrences())
    Overrides.ExcludeHeaderFilterRegex = ExcludeHeaderFilter;
  if (SystemHeaders.getNumOccurrences())
    Overrides.SystemHeaders = SystemHeaders;
  if (UseColor.getNumOccurrences())
    Overrides.UseColor = UseColor;
  if (WarningsAsErrors.getNumOccurrences())
    // After those of the configuration, as clang-tidy adds them.
    Overrides.WarningsAsErrors =
        (Overrides.WarningsAsErrors ? *Overrides.WarningsAsErrors + "," : std::string()) +
        WarningsAsErrors;
  if (!VfsOverlay.empty()) {
    // Checked here, before any file: the workers would each fail on it.
    std::string Error;
    if (!loadVfsOverlay(VfsOverlay, vfs::getRealFileSystem(), Error))
      return usageError(Error);
  }
  ClangTidyGlobalOptions Global;
  if (!LineFilter.empty())
    if (std::error_code EC = parseLineFilter(LineFilter, Global))
      return usageError("invalid --line-filter: " + EC.message() + " (expected " +
                        "[{\"name\":\"file.c\",\"lines\":[[1,3],[5,7]]},...])");
  if (!RulesFile.empty()) {
    std::string Error;
    if (!procshare::Rules::get(absolute(RulesFile), Error))
      return usageError(Error);
    ClangTidyOptions::ClangTidyValue Value(absolute(RulesFile));
    Overrides.CheckOptions["RulesFile"] = Value;
    for (const procshare::CheckInfo &C : procshare::checkCatalog())
      Overrides.CheckOptions[std::string(C.Name) + ".RulesFile"] = Value;
  }
  if (!WorkerIndex.empty()) {
    // A worker's checks read the index of its run.
    ClangTidyOptions::ClangTidyValue Value(WorkerIndex);
    Overrides.CheckOptions["IndexFile"] = Value;
    for (const procshare::CheckInfo &C : procshare::checkCatalog())
      Overrides.CheckOptions[std::string(C.Name) + ".IndexFile"] = Value;
  }
  std::unique_ptr<ClangTidyOptionsProvider> Provider =
      makeOptionsProvider(Global, Defaults, Overrides);
  if (DumpConfig || VerifyConfig) {
    std::string Where = Sources.empty() ? absolute("procshare-dump-config")
                                        : absolute(Sources.front());
    ClangTidyOptions Effective = Provider->getOptions(Where);
    if (ConfigError)
      return 2;
    if (VerifyConfig)
      return verifyConfig(Effective);
    Effective.CheckOptions = getCheckOptions(Effective, false);
    outs() << configurationAsText(Effective) << "\n";
    return 0;
  }

  if (ListChecks) {
    std::string Where = Sources.empty() ? absolute("procshare-list-checks")
                                        : absolute(Sources.front());
    ClangTidyOptions Effective = Provider->getOptions(Where);
    if (ConfigError)
      return 2;
    std::vector<std::string> Enabled = getCheckNames(Effective, false);
    std::set<std::string> On(Enabled.begin(), Enabled.end());
    outs() << "procshare checks (* = enabled):\n";
    for (const procshare::CheckInfo &C : procshare::checkCatalog())
      outs() << (On.count(C.Name) ? "  * " : "    ") << C.Name << "\n      "
             << C.Summary << "\n";
    return 0;
  }

  // The compile database: -p, or the flags after --, or one found above the
  // first source, or defaults with a notice.
  std::vector<std::string> Files;
  std::string DbPath;
  if (!Compilations) {
    if (!BuildPath.empty()) {
      DbPath = procshare::compileDatabaseIn(BuildPath);
      if (!sys::fs::exists(DbPath))
        return usageError("no compile_commands.json in '" + BuildPath + "'");
    } else if (!Sources.empty()) {
      DbPath = procshare::findCompileDatabaseAbove(Sources.front());
    }
    if (!DbPath.empty()) {
      std::string Error;
      Compilations = procshare::loadCompileDatabase(DbPath, Error);
      if (!Compilations)
        return usageError(Error);
    } else if (!Sources.empty()) {
      if (!Quiet)
        errs() << "procshare: no compile_commands.json found above '" << Sources.front()
               << "'; analysing with default flags (use -p <build-dir> or -- <flags>)\n";
      Compilations = std::make_unique<tooling::FixedCompilationDatabase>(
          ".", std::vector<std::string>());
      FixedArgs.emplace();
    }
  }
  if (!WorkerDir.empty()) {
    if (!Compilations)
      return usageError("a worker needs -p or --");
    return procshare::runAsWorker(*Provider, std::move(Compilations));
  }
  if (Sources.empty()) {
    if (BuildPath.empty() || !Compilations)
      return usageError("no source files given (see --help)");
    // Sorted: the database's own order is its hash table's, which changes
    // with the directory it sits in, and the output follows this order.
    Files = Compilations->getAllFiles();
    llvm::sort(Files);
    if (Files.empty())
      return usageError("the compile database in '" + BuildPath + "' lists no files");
  }

  bool InputError = false;
  for (const std::string &S : Sources) {
    std::string Abs = absolute(S);
    if (!sys::fs::is_regular_file(Abs)) {
      errs() << "procshare: error: no such file: " << S << "\n";
      InputError = true;
      continue;
    }
    Files.push_back(Abs);
  }
  // --include, --exclude and --shard narrow the list, deterministically.
  for (auto [Pattern, Keep] : {std::pair<StringRef, bool>{IncludeFiles, true},
                               std::pair<StringRef, bool>{ExcludeFiles, false}}) {
    if (Pattern.empty())
      continue;
    Regex R(Pattern);
    std::string Error;
    if (!R.isValid(Error))
      return usageError("invalid regex '" + Pattern + "': " + Error);
    bool KeepMatches = Keep; // (a structured binding cannot be captured in C++17)
    llvm::erase_if(Files, [&](const std::string &F) { return R.match(F) != KeepMatches; });
  }
  if (!Shard.empty()) {
    unsigned K = 0, N = 0;
    auto [KText, NText] = StringRef(Shard).split('/');
    if (KText.getAsInteger(10, K) || NText.getAsInteger(10, N) || N == 0 || K == 0 ||
        K > N)
      return usageError("--shard takes K/N with 1 <= K <= N, not '" + Shard + "'");
    llvm::sort(Files); // (sources given by name too)
    Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
    std::vector<std::string> Mine;
    for (size_t I = 0; I < Files.size(); ++I)
      if (I % N == K - 1)
        Mine.push_back(Files[I]);
    Files = std::move(Mine);
  }
  if (Files.empty()) {
    if (InputError)
      return 2;
    if (!Quiet)
      errs() << "procshare: no file to analyse after --include, --exclude and --shard\n";
    return 0;
  }

  // Read every configuration before analysing anything: a broken .clang-tidy
  // or rules file stops the run with a clear error.
  bool AnyEnabled = false;
  for (const std::string &F : Files) {
    ClangTidyOptions Opts = Provider->getOptions(F);
    if (ConfigError)
      return 2;
    for (const auto &[Key, Value] : Opts.CheckOptions) {
      if (!StringRef(Key).ends_with("RulesFile") || Value.Value.empty())
        continue;
      std::string Error;
      if (!procshare::Rules::get(procshare::Rules::resolvePath(Value.Value, F), Error))
        return usageError(Error);
    }
    if (!AnyEnabled) // (building the check list costs: once is enough)
      AnyEnabled = !getCheckNames(Opts, false).empty();
  }
  if (!AnyEnabled && AllowNoChecks)
    return 0;
  if (!AnyEnabled)
    return usageError("no procshare check is enabled (check --checks and the "
                      "Checks of .clang-tidy files)");
  // The changed lines, before anything is analysed.
  procshare::ChangedLines Changed;
  if (Diff.getNumOccurrences()) {
    std::string Error;
    if (!procshare::changedLines(Diff, Changed, Error))
      return usageError(Error);
  }
  // A baseline is read before anything is analysed: a broken one is an
  // input error.
  std::vector<procshare::BaselineEntry> Baseline;
  if (!BaselineFile.empty()) {
    std::string Error;
    if (!procshare::readBaseline(BaselineFile, Baseline, Error))
      return usageError(Error);
  }

  if (!CacheDir.empty())
    if (std::error_code EC = sys::fs::create_directories(CacheDir))
      return usageError("cannot create the cache directory '" + CacheDir +
                        "': " + EC.message());

  // Every file is analysed in a worker process (driver/WorkerPool.h), up to
  // -j at once: a file that crashes the analysis takes only its worker down.
  // The results are kept in file order, so the output does not depend on
  // timing.
  auto Start = std::chrono::steady_clock::now();
  SmallString<128> WorkDir;
  if (std::error_code EC = sys::fs::createUniqueDirectory("procshare", WorkDir))
    return usageError("cannot create a temporary directory: " + EC.message());
  std::vector<std::string> WorkerArgv = {
      sys::fs::getMainExecutable(argv[0], reinterpret_cast<void *>(&usageError)),
      "--worker=" + std::string(WorkDir), "--quiet"};
  if (!DbPath.empty())
    WorkerArgv.push_back("-p=" + absolute(DbPath));
  if (Checks.getNumOccurrences())
    WorkerArgv.push_back("--checks=" + Checks);
  if (!RulesFile.empty())
    WorkerArgv.push_back("--rules=" + absolute(RulesFile));
  if (HeaderFilter.getNumOccurrences())
    WorkerArgv.push_back("--header-filter=" + HeaderFilter);
  if (ExcludeHeaderFilter.getNumOccurrences())
    WorkerArgv.push_back("--exclude-header-filter=" + ExcludeHeaderFilter);
  if (SystemHeaders.getNumOccurrences())
    WorkerArgv.push_back(std::string("--system-headers=") + (SystemHeaders ? "true" : "false"));
  if (!ConfigFile.empty())
    WorkerArgv.push_back("--config-file=" + absolute(ConfigFile));
  for (const std::string &A : ExtraArgsBefore)
    WorkerArgv.push_back("--extra-arg-before=" + A);
  if (!VfsOverlay.empty())
    WorkerArgv.push_back("--vfsoverlay=" + absolute(VfsOverlay));
  if (EnableCheckProfile)
    WorkerArgv.push_back("--enable-check-profile");
  if (!StoreCheckProfile.empty())
    WorkerArgv.push_back("--store-check-profile=" + absolute(StoreCheckProfile));
  if (!Config.empty())
    WorkerArgv.push_back("--config=" + Config);
  for (const std::string &A : ExtraArgs)
    WorkerArgv.push_back("--extra-arg=" + A);
  if (!CacheDir.empty())
    WorkerArgv.push_back("--cache-dir=" + absolute(CacheDir));
  if (DbPath.empty() && FixedArgs) {
    WorkerArgv.push_back("--");
    WorkerArgv.insert(WorkerArgv.end(), FixedArgs->begin(), FixedArgs->end());
  }

  // The project index: the last run's, refreshed by this one. Several
  // files, a compile database or a cache make one (a lone file given its
  // flags after -- has no other file to learn from).
  if (SuggestRules && NoIndex)
    return usageError("--suggest-rules reads the project index; drop --no-index");
  bool UseIndex = SuggestRules || (!NoIndex && (Files.size() > 1 || !IndexOption.empty() || !DbPath.empty() ||
                               !CacheDir.empty()));
  std::string IndexPath =
      UseIndex ? procshare::indexPathFor(IndexOption, CacheDir, DbPath) : std::string();
  std::string Stamp = procshare::indexStamp(RulesFile.empty() ? "" : absolute(RulesFile));
  std::vector<procshare::TUSummary> Units;
  if (UseIndex) {
    Units = procshare::loadIndex(IndexPath, Stamp, Quiet);
    if (!DbPath.empty()) {
      // Files no longer in the compile database leave the index.
      std::set<std::string> InDatabase;
      for (const std::string &F : Compilations->getAllFiles())
        InDatabase.insert(absolute(F));
      llvm::erase_if(Units, [&](const procshare::TUSummary &U) {
        return !InDatabase.count(U.File) && !llvm::is_contained(Files, U.File);
      });
    }
    // (before the compiler arguments that follow "--")
    WorkerArgv.insert(WorkerArgv.begin() + 3,
                      "--worker-index=" + std::string(WorkDir) + "/index.json");
  }

  bool Terminal = sys::Process::StandardErrIsDisplayed();
  bool Progress = !Quiet && Files.size() > 1;
  size_t Done = 0;
  std::vector<size_t> Batch(Files.size()); // the files of this round
  for (size_t I = 0; I < Files.size(); ++I)
    Batch[I] = I;
  std::vector<procshare::FileOutcome> Outcomes(Files.size()), RoundOutcomes;
  std::vector<std::string> ResultTexts(Files.size());
  auto OnDone = [&](size_t K) {
    ++Done;
    size_t I = Batch[K];
    if (RoundOutcomes[K].State == procshare::FileOutcome::Failed) {
      if (Progress && Terminal)
        errs() << "\r\x1b[K";
      errs() << "procshare: error: " << Files[I] << ": " << RoundOutcomes[K].Why
             << "; going on with the other files\n";
    }
    if (Progress) {
      if (Terminal) {
        // A bar updated in place: [=========>          ] 45/120 file.c
        const size_t Width = 30, Filled = Done * Width / Batch.size();
        errs() << "\r\x1b[K[" << std::string(Filled, '=') << (Filled < Width ? ">" : "")
               << std::string(Width - std::min(Width, Filled + 1), ' ') << "] " << Done << "/"
               << Batch.size() << " " << sys::path::filename(Files[I]);
      }
      else
        errs() << "procshare: [" << Done << "/" << Batch.size() << "] " << Files[I] << "\n";
    }
  };
  unsigned Workers = Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
  std::string PoolError;
  bool Ran = true;
  // Rounds: a file whose analysis read facts of other files that changed
  // once those files were summarised is analysed again, until nothing
  // changes (a wrapper of a wrapper in a third file takes a round more).
  const unsigned MaxRounds = 4;
  unsigned Rounds = 0;
  std::set<size_t> Reanalysed;
  while (Ran && !Batch.empty() && Rounds < MaxRounds) {
    ++Rounds;
    if (UseIndex) {
      std::string Error;
      if (!procshare::writeFileAtomically(std::string(WorkDir) + "/index.json",
                                          procshare::ProjectIndex::write(Units, Stamp),
                                          Error))
        return usageError(Error);
    }
    if (Rounds > 1 && !Quiet)
      errs() << "procshare: analysing " << Batch.size()
             << (Batch.size() == 1 ? " file" : " files")
             << " again with what the other files were found to do\n";
    std::vector<std::string> Names;
    for (size_t I : Batch)
      Names.push_back(Files[I]);
    Done = 0;
    Ran = procshare::runWorkers(WorkerArgv, WorkDir, Names, Workers, RoundOutcomes, OnDone,
                                PoolError);
    if (Progress && Terminal)
      errs() << "\r\x1b[K";
    for (size_t K = 0; Ran && K < Batch.size(); ++K) {
      size_t I = Batch[K];
      Outcomes[I] = RoundOutcomes[K];
      if (Rounds > 1)
        Reanalysed.insert(I);
      if (Outcomes[I].State == procshare::FileOutcome::Failed)
        continue;
      std::string Path = procshare::resultPath(WorkDir, K);
      auto Text = MemoryBuffer::getFile(Path);
      if (!Text) {
        Outcomes[I].State = procshare::FileOutcome::Failed;
        Outcomes[I].Why = "its results could not be read back (" + Text.getError().message() + ")";
        continue;
      }
      ResultTexts[I] = (*Text)->getBuffer().str();
      if (!UseIndex)
        continue;
      auto SummaryText = MemoryBuffer::getFile(procshare::summaryPath(Path));
      procshare::TUSummary Unit;
      std::string Error;
      if (SummaryText && procshare::ProjectIndex::readUnit((*SummaryText)->getBuffer(), Unit, Error))
        procshare::putUnit(Units, std::move(Unit));
    }
    if (!Ran || !UseIndex)
      break;
    // The files of this run whose analysis read answers the index now gives
    // otherwise.
    std::vector<procshare::TUSummary> Mine;
    std::map<std::string, size_t> FileIndex;
    for (size_t I = 0; I < Files.size(); ++I)
      FileIndex[Files[I]] = I;
    for (const procshare::TUSummary &U : Units)
      if (FileIndex.count(U.File) &&
          Outcomes[FileIndex[U.File]].State != procshare::FileOutcome::Failed)
        Mine.push_back(U);
    Batch.clear();
    procshare::ProjectIndex Resolved(Units);
    for (const std::string &F : Resolved.staleUnits(Mine)) {
      Batch.push_back(FileIndex[F]);
      if (DebugIndex)
        for (const procshare::TUSummary &U : Mine)
          if (U.File == F)
            for (const auto &[Key, Hash] : U.Consulted)
              if (Resolved.answer(Key) != Hash)
                errs() << "procshare: round " << Rounds << ": " << F << " read " << Key
                       << " as " << Hash << ", now " << Resolved.answer(Key) << "\n";
    }
    llvm::sort(Batch);
  }
  if (Ran && UseIndex && !Batch.empty() && !Quiet)
    errs() << "procshare: the project index did not settle in " << MaxRounds << " rounds; "
           << Batch.size() << (Batch.size() == 1 ? " file was" : " files were")
           << " analysed with facts of other files that changed since (a new run settles them)\n";
  if (Ran && !IndexPath.empty()) {
    std::string Error;
    if (!procshare::storeIndex(IndexPath, Units, Stamp, Error))
      errs() << "procshare: warning: " << Error << "\n";
  }
  if (Ran && SuggestRules) {
    // The rules the index inferred, instead of the findings.
    std::string Error;
    std::shared_ptr<const procshare::Rules> Known =
        procshare::Rules::get(RulesFile.empty() ? "" : absolute(RulesFile), Error);
    unsigned Count = 0;
    outs() << procshare::suggestRules(procshare::ProjectIndex(Units),
                                      Known ? *Known : *procshare::Rules::defaults(), Count);
    sys::fs::remove_directories(WorkDir);
    if (!Quiet)
      errs() << "procshare: " << Count << (Count == 1 ? " rule" : " rules")
             << " inferred from " << Files.size() << (Files.size() == 1 ? " file" : " files")
             << " (review them before pinning them in a rules file; see docs/rules.md)\n";
    return 0;
  }
  std::vector<ClangTidyError> Errors;
  std::set<std::string> FilesWithErrors;
  unsigned Failed = 0, FromCache = 0;
  for (size_t I = 0; Ran && I < Files.size(); ++I) {
    procshare::FileOutcome &O = Outcomes[I];
    if (O.State == procshare::FileOutcome::Analysed ||
        O.State == procshare::FileOutcome::FromCache) {
      std::string Error;
      if (size_t First = Errors.size();
          procshare::deserializeErrors(ResultTexts[I], Errors, Error)) {
        FromCache += O.State == procshare::FileOutcome::FromCache;
        // Files with compiler errors are counted by the file analysed,
        // wherever (which header) the errors are.
        for (size_t K = First; K < Errors.size(); ++K)
          if (Errors[K].DiagLevel == tooling::Diagnostic::Error)
            FilesWithErrors.insert(Files[I]);
        // WarningsAsErrors of the file's configuration, as clang-tidy marks
        // them (the results' text does not carry the mark).
        ClangTidyOptions Opts = Provider->getOptions(Files[I]);
        if (Opts.WarningsAsErrors && !Opts.WarningsAsErrors->empty()) {
          CachedGlobList AsErrors(*Opts.WarningsAsErrors);
          for (size_t K = First; K < Errors.size(); ++K)
            Errors[K].IsWarningAsError =
                Errors[K].DiagLevel == tooling::Diagnostic::Warning &&
                AsErrors.contains(Errors[K].DiagnosticName);
        }
      }
      if (!Error.empty()) {
        O.State = procshare::FileOutcome::Failed;
        O.Why = "its results could not be read back (" + Error + ")";
        errs() << "procshare: error: " << Files[I] << ": " << O.Why << "\n";
      }
    } else if (O.State == procshare::FileOutcome::Failed && !O.Why.empty() &&
               llvm::StringRef(O.Why).starts_with("its results")) {
      errs() << "procshare: error: " << Files[I] << ": " << O.Why << "\n";
    }
    if (O.State != procshare::FileOutcome::Failed)
      continue;
    // The failure is a diagnostic of the file, so that JSON and SARIF carry
    // it too.
    ++Failed;
    ClangTidyError E(procshare::CrashDiagnosticName, tooling::Diagnostic::Error, "", false);
    E.Message = tooling::DiagnosticMessage("procshare could not analyse this file: " + O.Why +
                                           "; the other files were analysed");
    E.Message.FilePath = Files[I];
    E.Message.FileOffset = 0;
    Errors.push_back(std::move(E));
  }
  if (Ran && EnableCheckProfile && StoreCheckProfile.empty())
    procshare::printCheckProfile(procshare::profileDir(WorkDir), errs());
  sys::fs::remove_directories(WorkDir);
  if (!Ran)
    return usageError(PoolError);
  // A finding in a header that several files include is reported once (the
  // first file's, with its notes). Errors stay, one per analysis.
  {
    std::set<std::tuple<std::string, std::string, unsigned, std::string>> Seen;
    llvm::erase_if(Errors, [&](const ClangTidyError &E) {
      if (E.DiagLevel != tooling::Diagnostic::Warning)
        return false;
      // (paths are absolute: see serializeErrors)
      return !Seen.insert({E.DiagnosticName, E.Message.FilePath, E.Message.FileOffset,
                           E.Message.Message})
                  .second;
    });
  }
  double Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  IntrusiveRefCntPtr<vfs::OverlayFileSystem> BaseFS(
      new vfs::OverlayFileSystem(vfs::getRealFileSystem()));
  ClangTidyContext Context(std::make_unique<SharedOptionsProvider>(*Provider));

  unsigned OutsideDiff = 0, InBaseline = 0, OutsideLineFilter = 0;
  if (!Global.LineFilter.empty())
    OutsideLineFilter = procshare::keepFindings(Errors, /*OrNotes=*/true,
                                                [&](StringRef File, unsigned Line) {
      return procshare::passesLineFilter(Global.LineFilter, File, Line);
    });
  if (Diff.getNumOccurrences())
    OutsideDiff = procshare::keepFindings(Errors, /*OrNotes=*/false,
                                          [&](StringRef File, unsigned Line) {
      return procshare::onChangedLine(Changed, File, Line);
    });
  SmallString<256> Root;
  sys::fs::current_path(Root);
  if (!WriteBaseline.empty()) {
    std::vector<procshare::BaselineEntry> Entries = procshare::baselineOf(Errors, Root);
    if (!writeOut(WriteBaseline, procshare::renderBaseline(Entries)))
      return 2;
    if (!Quiet)
      errs() << "procshare: wrote " << Entries.size()
             << (Entries.size() == 1 ? " baseline entry" : " baseline entries") << " to "
             << WriteBaseline << "\n";
  }
  if (!ExportFixes.empty()) {
    std::string Yaml;
    raw_string_ostream OS(Yaml);
    exportReplacements(Files.size() == 1 ? Files.front() : "", Errors, OS);
    if (ExportFixes == "-")
      outs() << Yaml;
    else if (!writeOut(ExportFixes, Yaml))
      return 2;
  }
  if (!BaselineFile.empty()) {
    // Entries of files analysed in this run that match no finding any more.
    std::set<std::string> Analysed;
    for (const std::string &F : Files)
      Analysed.insert(procshare::relativePath(F, Root));
    size_t Before = Errors.size();
    std::vector<procshare::BaselineEntry> Stale = procshare::applyBaseline(Errors, Baseline, Root);
    InBaseline = Before - Errors.size();
    for (const procshare::BaselineEntry &S : Stale)
      if (Analysed.count(S.File))
        errs() << "procshare: stale baseline entry: " << S.File << ": " << S.Check
               << " no longer reported (fixed, or its line changed)\n";
  }

  unsigned Findings = 0, CompileErrors = 0;
  std::map<std::string, unsigned> PerCheck;
  for (const ClangTidyError &E : Errors) {
    if (E.DiagnosticName == procshare::CrashDiagnosticName)
      continue;
    if (E.DiagLevel == tooling::Diagnostic::Error)
      ++CompileErrors;
    else if (StringRef(E.DiagnosticName).starts_with("procshare-")) {
      ++Findings;
      ++PerCheck[E.DiagnosticName];
    }
  }
  if (Format == OutputFormat::Text) {
    unsigned WErrors = 0;
    handleErrors(Errors, Context, FixBehaviour::FB_NoFix, WErrors, BaseFS);
    // Fixes go into files that compile, unless --fix-errors says otherwise,
    // as clang-tidy does.
    if (Fixing && !FilesWithErrors.empty() && !FixErrors) {
      errs() << "procshare: " << FilesWithErrors.size()
             << (FilesWithErrors.size() == 1 ? " file has" : " files have")
             << " compiler errors, so no fix was applied (--fix-errors applies them anyway)\n";
    } else if (Fixing) {
      procshare::FixOutcome Fixed = procshare::applyFixes(Errors, FixNotes, FixErrors);
      for (const std::string &Problem : Fixed.Problems)
        usageError(Problem);
      if (!Quiet)
        errs() << "procshare applied " << Fixed.Applied << " of " << Fixed.Total
               << (Fixed.Total == 1 ? " fix" : " fixes") << "\n";
      if (!Fixed.Problems.empty())
        InputError = true;
    }
  } else {
    std::string Text;
    raw_string_ostream OS(Text);
    if (Format == OutputFormat::Json)
      procshare::writeJson(Errors, Root, OS);
    else if (Format == OutputFormat::Html)
      procshare::writeHtml(Errors, Root, PROCSHARE_VERSION, docsBase(argv[0]), OS);
    else
      procshare::writeSarif(Errors, Root, PROCSHARE_VERSION, docsBase(argv[0]), OS);
    if (OutputFile.empty()) {
      outs() << Text;
    } else if (!writeOut(OutputFile, Text)) {
      return 2;
    }
  }

  if (!Quiet) {
    errs() << "procshare: " << Findings << (Findings == 1 ? " finding" : " findings")
           << " in " << Files.size() << (Files.size() == 1 ? " file" : " files");
    if (FromCache)
      errs() << " (" << FromCache << " from the cache)";
    if (!Reanalysed.empty())
      errs() << "; " << Reanalysed.size()
             << (Reanalysed.size() == 1 ? " file" : " files")
             << " analysed again with the project index";
    if (InBaseline)
      errs() << "; " << InBaseline << " more in the baseline";
    if (OutsideDiff)
      errs() << "; " << OutsideDiff << " more outside the lines of --diff";
    if (OutsideLineFilter)
      errs() << "; " << OutsideLineFilter << " more outside the lines of --line-filter";
    if (CompileErrors)
      errs() << "; " << FilesWithErrors.size()
             << (FilesWithErrors.size() == 1 ? " file has" : " files have")
             << " compiler errors (analysed as far as they parse)";
    if (Failed)
      errs() << "; " << Failed << (Failed == 1 ? " file" : " files")
             << " could not be analysed (see the errors above)";
    errs() << "; " << format("%.1f", Seconds) << " s\n";
    if (PerCheck.size() > 1) {
      errs() << "procshare: by check:";
      for (const auto &[Check, N] : PerCheck)
        errs() << " " << N << " " << Check << (Check == PerCheck.rbegin()->first ? "" : ",");
      errs() << "\n";
    }
  }
  if (InputError || CompileErrors || Failed)
    return 2;
  if (!WriteBaseline.empty())
    return 0; // the findings are recorded, not failed on
  return Findings ? 1 : 0;
}

