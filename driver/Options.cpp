//===- Options.cpp - The command line and the configuration it makes -----===//

#include "driver/Options.h"
#include "driver/ResultWriter.h"
#include "checks/ProcshareModule.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/GlobList.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <set>

using namespace clang::tidy;
using namespace llvm;

namespace procshare {
namespace cli {

cl::OptionCategory Category("procshare options");

const char Overview[] = R"(procshare finds process-sharing bugs after fork(): child
writes the parent never sees, unlocked updates of shared memory, thread-only
locks used between processes, children that fall into the parent's code, and
the fork hygiene around them.

  procshare file.c                      flags from compile_commands.json found
                                        above file.c, or defaults
  procshare -p build/ src/a.c src/b.cc  flags from build/compile_commands.json
  procshare -p build/                   every file in the compile database
  procshare file.c -- -Iinclude -DX=1   flags given after --

Exit status: 0 no findings, 1 findings, 2 usage or input error.
)";

cl::list<std::string> Sources(cl::Positional, cl::desc("<source>..."),
                              cl::cat(Category));
cl::opt<std::string> BuildPath("p", cl::desc("Build directory holding compile_commands.json"),
                               cl::value_desc("build-dir"), cl::cat(Category));
cl::opt<std::string> Checks(
    "checks",
    cl::desc("Comma-separated globs of checks to run, added to those of\n"
             ".clang-tidy files (default: procshare-*); '-' removes"),
    cl::value_desc("globs"), cl::cat(Category));
cl::opt<std::string> RulesFile(
    "rules", cl::desc("A rules file declaring this codebase's wrappers\n(docs/rules.md)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Also report in headers whose path matches this regex\n(default: only the main files)"),
    cl::value_desc("regex"), cl::cat(Category));
cl::opt<std::string> Config(
    "config",
    cl::desc("Configuration in .clang-tidy's YAML format, applied over the\n"
             ".clang-tidy files, e.g. --config='{CheckOptions: {RulesFile: r.json}}'"),
    cl::value_desc("yaml"), cl::cat(Category));
cl::list<std::string> ExtraArgs("extra-arg", cl::desc("Add an argument to every compile command"),
                                cl::value_desc("arg"), cl::cat(Category));
cl::opt<std::string> Explain("explain", cl::desc("Print the documentation of a check and exit"),
                            cl::value_desc("check"), cl::cat(Category));
cl::opt<bool> ListChecks("list-checks", cl::desc("List the checks and exit"),
                         cl::cat(Category));
cl::opt<OutputFormat> Format(
    "format", cl::desc("Output format (default: text)"),
    cl::values(clEnumValN(OutputFormat::Text, "text", "clang-tidy's text, to standard output"),
               clEnumValN(OutputFormat::Json, "json", "a JSON array, one object per diagnostic"),
               clEnumValN(OutputFormat::Sarif, "sarif", "SARIF 2.1.0 (GitHub code scanning)"),
               clEnumValN(OutputFormat::Html, "html",
                          "one self-contained HTML page: summaries, and each finding's path")),
    cl::init(OutputFormat::Text), cl::cat(Category));
cl::opt<std::string> OutputFile(
    "output",
    cl::desc("Write the json, sarif or html output to this file (default: standard output)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> IncludeFiles(
    "include", cl::desc("Analyse only the files whose path matches this regex"),
    cl::value_desc("regex"), cl::cat(Category));
cl::opt<std::string> ExcludeFiles(
    "exclude", cl::desc("Do not analyse the files whose path matches this regex"),
    cl::value_desc("regex"), cl::cat(Category));
cl::opt<std::string> Shard(
    "shard",
    cl::desc("Analyse only shard K of N (1 <= K <= N) of the sorted file list, so\n"
             "that N CI jobs share the work without overlap"),
    cl::value_desc("K/N"), cl::cat(Category));
cl::opt<bool> Fix("fix",
                   cl::desc("Apply the fix-its: each file is replaced atomically, a fix that\n"
                            "overlaps another is not applied; nothing is applied when a\n"
                            "file has compiler errors (see --fix-errors)"),
                   cl::cat(Category));
cl::opt<bool> FixErrors("fix-errors",
                        cl::desc("--fix even in files with compiler errors, with the\n"
                                 "compiler's own fix-its"),
                        cl::cat(Category));
cl::opt<bool> FixNotes("fix-notes",
                       cl::desc("--fix, and a warning without a fix takes the one fix\n"
                                "found in its notes"),
                       cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fix-its as YAML for clang-apply-replacements ('-':\n"
             "standard output)"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<unsigned> Jobs("j", cl::Prefix,
                       cl::desc("Files analysed in parallel (default: the number of cores)"),
                       cl::value_desc("N"), cl::init(0), cl::cat(Category));
cl::opt<std::string> Diff(
    "diff", cl::ValueOptional,
    cl::desc("Report only findings on lines changed since a git ref (default:\n"
             "the merge base with the upstream branch, or HEAD without one)"),
    cl::value_desc("ref"), cl::cat(Category));
cl::opt<std::string> BaselineFile(
    "baseline", cl::desc("Do not report the findings this baseline file records"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WriteBaseline(
    "write-baseline", cl::desc("Record this run's findings in a baseline file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("Keep each file's results in this directory and reuse them while\n"
             "what they depend on (the files it reads, its flags, procshare,\n"
             "the configuration) is unchanged"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<std::string> WorkerDir("worker", cl::Hidden,
                               cl::desc("Internal: run as a worker of the CLI"),
                               cl::cat(Category));
cl::opt<std::string> WorkerIndex(
    "worker-index", cl::Hidden,
    cl::desc("Internal: the project index a worker reads; it writes each file's summary"),
    cl::cat(Category));
cl::opt<std::string> IndexOption(
    "index",
    cl::desc("The project index to read and refresh (default: index.json in\n"
             "the cache directory, or .procshare/index.json beside the compile\n"
             "database); facts of other files' functions and globals"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> DebugIndex("debug-index", cl::Hidden,
                         cl::desc("Print the answers that make files be analysed again"),
                         cl::cat(Category));
cl::opt<bool> SuggestRules(
    "suggest-rules",
    cl::desc("Print, for review, the rules the project index inferred (fork\n"
             "wrappers, functions that never return, shared allocators, lock\n"
             "wrappers, thread starters) instead of the findings"),
    cl::cat(Category));
cl::opt<bool> NoIndex("no-index",
                      cl::desc("Analyse each file on its own, without the project index"),
                      cl::cat(Category));
cl::opt<std::string> DocsUrl(
    "docs-url",
    cl::desc("Base URL of the check pages, for SARIF's helpUri (default: the\n"
             "build's PROCSHARE_DOCS_URL, else the installed docs directory)"),
    cl::value_desc("url"), cl::cat(Category));
// clang-tidy's own options, with clang-tidy's meaning, so that scripts
// written for it (run-clang-tidy, clang-tidy-diff.py) can run procshare.
cl::opt<std::string> ConfigFile(
    "config-file",
    cl::desc("--config, read from this file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> WarningsAsErrors(
    "warnings-as-errors",
    cl::desc("Checks whose findings are errors, added after the WarningsAsErrors\n"
             "of .clang-tidy files"),
    cl::value_desc("globs"), cl::cat(Category));
cl::opt<std::string> LineFilter(
    "line-filter",
    cl::desc("Report only on these lines, as clang-tidy's -line-filter:\n"
             "[{\"name\":\"file.c\",\"lines\":[[1,3],[5,7]]},...]"),
    cl::value_desc("json"), cl::cat(Category));
cl::opt<bool> UseColor("use-color",
                       cl::desc("Colour the text output (default: when stdout is a terminal)"),
                       cl::cat(Category));
cl::opt<bool> SystemHeaders("system-headers", cl::desc("Also report in system headers"),
                            cl::cat(Category));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter",
    cl::desc("Do not report in headers matching this regex (with --header-filter)"),
    cl::value_desc("regex"), cl::cat(Category));
cl::list<std::string> ExtraArgsBefore(
    "extra-arg-before", cl::desc("Add an argument before every compile command's own"),
    cl::value_desc("arg"), cl::cat(Category));
cl::opt<std::string> VfsOverlay(
    "vfsoverlay", cl::desc("Overlay the file system with this VFS overlay file"),
    cl::value_desc("file"), cl::cat(Category));
cl::opt<bool> DumpConfig("dump-config",
                         cl::desc("Print the configuration in effect for the first\n"
                                  "source (or the working directory) and exit"),
                         cl::cat(Category));
cl::opt<bool> VerifyConfig("verify-config",
                           cl::desc("Check the configuration (check names and options)\n"
                                    "and exit: 0 when it is right, 1 otherwise"),
                           cl::cat(Category));
cl::opt<bool> EnableCheckProfile(
    "enable-check-profile",
    cl::desc("Print the time each check takes, summed over the files, on stderr"),
    cl::cat(Category));
cl::opt<std::string> StoreCheckProfile(
    "store-check-profile",
    cl::desc("With --enable-check-profile: keep each file's profile as JSON in\n"
             "this directory instead of printing the table"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> AllowNoChecks("allow-no-checks",
                            cl::desc("No error when no check is enabled: exit 0"),
                            cl::cat(Category));
cl::opt<bool> AllowAlphaCheckers("allow-enabling-analyzer-alpha-checkers", cl::Hidden,
                                 cl::desc("Accepted for clang-tidy's scripts; procshare has "
                                          "no analyzer checks"),
                                 cl::cat(Category));
cl::opt<bool> Quiet("quiet", cl::desc("Print findings only, no summary or notices"),
                    cl::cat(Category));

bool ConfigError = false;

/// .clang-tidy files are parsed with diagnostics that name file, line and
/// column; any error makes the run exit with 2. A broken file is said once:
/// by its diagnostic, or by one line when it has none (clang-tidy's own
/// "Error parsing" line is not printed, as the parse is answered for).
llvm::ErrorOr<ClangTidyOptions> parseConfigFile(llvm::MemoryBufferRef Buffer) {
  bool Said = false;
  auto Result = parseConfigurationWithDiags(Buffer, [&](const SMDiagnostic &D) {
    D.print("procshare", errs());
    Said = true;
    if (D.getKind() == SourceMgr::DK_Error)
      ConfigError = true;
  });
  if (Result)
    return Result;
  ConfigError = true;
  if (!Said)
    errs() << "procshare: error: invalid configuration file " << Buffer.getBufferIdentifier()
           << ": " << Result.getError().message() << "\n";
  return ClangTidyOptions();
}

std::string absolute(StringRef Path) {
  SmallString<256> P(Path);
  sys::fs::make_absolute(P);
  sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

namespace {
/// FileOptionsProvider with procshare's .clang-tidy parser. LLVM 19's
/// constructor taking config handlers leaves the file system unset, so set
/// it here.
class OptionsProvider : public FileOptionsProvider {
public:
  using FileOptionsProvider::ConfigFileHandlers;
  OptionsProvider(ClangTidyGlobalOptions Global, ClangTidyOptions Defaults,
                  ClangTidyOptions Overrides, ConfigFileHandlers Handlers)
      : FileOptionsProvider(std::move(Global), std::move(Defaults), std::move(Overrides),
                            std::move(Handlers)) {
    FS = vfs::getRealFileSystem();
  }
};
} // namespace

std::unique_ptr<ClangTidyOptionsProvider> makeOptionsProvider(ClangTidyGlobalOptions Global,
                                                              ClangTidyOptions Defaults,
                                                              ClangTidyOptions Overrides) {
  OptionsProvider::ConfigFileHandlers Handlers;
  Handlers.emplace_back(".clang-tidy", parseConfigFile);
  return std::make_unique<OptionsProvider>(std::move(Global), std::move(Defaults),
                                           std::move(Overrides), std::move(Handlers));
}

/// --docs-url, else the build's PROCSHARE_DOCS_URL, else the docs installed
/// beside the executable (<prefix>/share/doc/procshare), else the source
/// tree's docs/ (a build tree's procshare).
std::string docsBase(const char *Argv0) {
  std::string Base = DocsUrl.getNumOccurrences() ? std::string(DocsUrl) : PROCSHARE_DOCS_URL;
  if (Base.empty()) {
    SmallString<256> Installed(
        sys::path::parent_path(sys::fs::getMainExecutable(Argv0, (void *)&docsBase)));
    sys::path::append(Installed, "..", "share", "doc", "procshare");
    sys::path::remove_dots(Installed, /*remove_dot_dot=*/true);
    Base = procshare::fileUri(sys::fs::is_directory(Installed) ? StringRef(Installed)
                                                               : PROCSHARE_SOURCE_DOCS);
  }
  if (!StringRef(Base).ends_with("/"))
    Base += "/";
  return Base;
}

IntrusiveRefCntPtr<vfs::FileSystem> loadVfsOverlay(StringRef Path,
                                                   IntrusiveRefCntPtr<vfs::FileSystem> External,
                                                   std::string &Error) {
  auto Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer) {
    Error = "cannot read the VFS overlay '" + Path.str() + "': " + Buffer.getError().message();
    return nullptr;
  }
  // (the YAML parser's own message goes to stderr before)
  IntrusiveRefCntPtr<vfs::FileSystem> FS =
      vfs::getVFSFromYAML(std::move(*Buffer), nullptr, Path, nullptr, std::move(External));
  if (!FS)
    Error = "'" + Path.str() + "' is not a valid VFS overlay file";
  return FS;
}

namespace {
/// "; did you mean 'X'?" for the name of \p Names closest to \p Typed, when
/// it is close (at most a third of its letters differ), as clang-tidy says.
std::string didYouMean(StringRef Typed, const std::set<std::string> &Names) {
  unsigned Best = Typed.size() / 3 + 1;
  std::string Closest;
  for (const std::string &N : Names)
    if (unsigned D = Typed.edit_distance(N, /*AllowReplacements=*/true, Best); D < Best) {
      Best = D;
      Closest = N;
    }
  return Closest.empty() ? "" : "; did you mean '" + Closest + "'?";
}
} // namespace

/// --verify-config: the procshare checks that Checks names and the procshare
/// options CheckOptions sets must exist. Globs of other tools' checks are
/// said to be ignored, not errors (a shared .clang-tidy names them).
int verifyConfig(const ClangTidyOptions &Effective) {
  ClangTidyOptions All;
  All.Checks = "-*,procshare-*";
  ClangTidyOptions::OptionMap Known = getCheckOptions(All, false);
  std::set<std::string> Names;
  for (const CheckInfo &C : checkCatalog())
    Names.insert(C.Name);
  bool Bad = false;
  std::string ChecksText = Effective.Checks.value_or("");
  SmallVector<StringRef> Globs;
  StringRef(ChecksText).split(Globs, ',', -1, false);
  for (StringRef G : Globs) {
    G = G.trim();
    StringRef Pattern = G.starts_with("-") ? G.drop_front() : G;
    if (Pattern.empty() || Pattern == "*")
      continue;
    GlobList One(Pattern);
    bool Matches = llvm::any_of(Names, [&](const std::string &N) { return One.contains(N); });
    if (Matches)
      continue;
    if (Pattern.starts_with("procshare")) {
      errs() << "procshare: error: check glob '" << G << "' matches no procshare check"
             << didYouMean(Pattern, Names) << "\n";
      Bad = true;
    } else {
      errs() << "procshare: note: check glob '" << G
             << "' names no procshare check; procshare ignores it\n";
    }
  }
  std::set<std::string> KnownKeys;
  for (const auto &Entry : Known)
    KnownKeys.insert(Entry.getKey().str());
  for (const auto &[Key, Value] : Effective.CheckOptions) {
    StringRef K(Key);
    if (K == "RulesFile" || K == "IndexFile" || !K.starts_with("procshare-") ||
        KnownKeys.count(K.str()))
      continue;
    errs() << "procshare: error: unknown check option '" << Key << "'" << didYouMean(K, KnownKeys)
           << "\n";
    Bad = true;
  }
  if (Bad)
    return 1;
  outs() << "No config errors detected.\n";
  return 0;
}

int usageError(const Twine &Message) {
  errs() << "procshare: error: " << Message << "\n";
  return 2;
}

bool writeOut(StringRef Path, StringRef Text) {
  std::string Error;
  if (procshare::writeFileAtomically(Path, Text, Error))
    return true;
  usageError(Error);
  return false;
}

} // namespace cli
} // namespace procshare
