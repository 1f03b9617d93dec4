//===- Options.h - The command line and the configuration it makes -------===//
//
// The options of `procshare` (clang-tidy's, and procshare's own), shared by
// the driver (driver/ProcshareMain.cpp) and its workers (driver/Worker.cpp),
// and the pieces both build the configuration of a file from: the
// .clang-tidy parser and the options providers.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_OPTIONS_H
#define PROCSHARE_DRIVER_OPTIONS_H

#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <memory>
#include <string>

namespace procshare {
namespace cli {

extern llvm::cl::OptionCategory Category;
extern const char Overview[];
enum class OutputFormat { Text, Json, Sarif, Html };
extern llvm::cl::list<std::string> Sources;
extern llvm::cl::opt<std::string> BuildPath;
extern llvm::cl::opt<std::string> Checks;
extern llvm::cl::opt<std::string> RulesFile;
extern llvm::cl::opt<std::string> HeaderFilter;
extern llvm::cl::opt<std::string> Config;
extern llvm::cl::list<std::string> ExtraArgs;
extern llvm::cl::opt<std::string> Explain;
extern llvm::cl::opt<bool> ListChecks;
extern llvm::cl::opt<OutputFormat> Format;
extern llvm::cl::opt<std::string> OutputFile;
extern llvm::cl::opt<std::string> IncludeFiles;
extern llvm::cl::opt<std::string> ExcludeFiles;
extern llvm::cl::opt<std::string> Shard;
extern llvm::cl::opt<bool> Fix;
extern llvm::cl::opt<bool> FixErrors;
extern llvm::cl::opt<bool> FixNotes;
extern llvm::cl::opt<std::string> ExportFixes;
extern llvm::cl::opt<unsigned> Jobs;
extern llvm::cl::opt<std::string> Diff;
extern llvm::cl::opt<std::string> BaselineFile;
extern llvm::cl::opt<std::string> WriteBaseline;
extern llvm::cl::opt<std::string> CacheDir;
extern llvm::cl::opt<std::string> WorkerDir;
extern llvm::cl::opt<std::string> WorkerIndex;
extern llvm::cl::opt<std::string> IndexOption;
extern llvm::cl::opt<bool> DebugIndex;
extern llvm::cl::opt<bool> SuggestRules;
extern llvm::cl::opt<bool> NoIndex;
extern llvm::cl::opt<std::string> DocsUrl;
extern llvm::cl::opt<std::string> ConfigFile;
extern llvm::cl::opt<std::string> WarningsAsErrors;
extern llvm::cl::opt<std::string> LineFilter;
extern llvm::cl::opt<bool> UseColor;
extern llvm::cl::opt<bool> SystemHeaders;
extern llvm::cl::opt<std::string> ExcludeHeaderFilter;
extern llvm::cl::list<std::string> ExtraArgsBefore;
extern llvm::cl::opt<std::string> VfsOverlay;
extern llvm::cl::opt<bool> DumpConfig;
extern llvm::cl::opt<bool> VerifyConfig;
extern llvm::cl::opt<bool> EnableCheckProfile;
extern llvm::cl::opt<std::string> StoreCheckProfile;
extern llvm::cl::opt<bool> AllowNoChecks;
extern llvm::cl::opt<bool> AllowAlphaCheckers;
extern llvm::cl::opt<bool> Quiet;

/// Set when a .clang-tidy file (or --config) could not be parsed; the
/// error has been printed, and the run exits with 2.
extern bool ConfigError;

/// procshare's parser of .clang-tidy text (and of --config).
llvm::ErrorOr<clang::tidy::ClangTidyOptions> parseConfigFile(llvm::MemoryBufferRef Buffer);

/// Lends one options provider, which caches what it reads, to several
/// contexts (a fresh one per file), each of which wants to own one.
class SharedOptionsProvider : public clang::tidy::ClangTidyOptionsProvider {
public:
  explicit SharedOptionsProvider(clang::tidy::ClangTidyOptionsProvider &P) : P(P) {}
  const clang::tidy::ClangTidyGlobalOptions &getGlobalOptions() override {
    return P.getGlobalOptions();
  }
  std::vector<OptionsSource> getRawOptions(llvm::StringRef FileName) override {
    return P.getRawOptions(FileName);
  }

private:
  clang::tidy::ClangTidyOptionsProvider &P;
};

/// The .clang-tidy files above each file (read with parseConfigFile) between
/// \p Defaults and \p Overrides, with \p Global options for every file.
std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>
makeOptionsProvider(clang::tidy::ClangTidyGlobalOptions Global,
                    clang::tidy::ClangTidyOptions Defaults,
                    clang::tidy::ClangTidyOptions Overrides);

/// \p Path made absolute against the working directory, without dots.
std::string absolute(llvm::StringRef Path);

/// --verify-config on the configuration in effect: the procshare checks its
/// Checks names and the procshare options its CheckOptions sets must exist.
/// Returns the exit status (0 right, 1 not).
int verifyConfig(const clang::tidy::ClangTidyOptions &Effective);

/// Prints "procshare: error: MESSAGE" and returns 2, the exit status.
int usageError(const llvm::Twine &Message);

/// Writes an output file atomically; false (after saying why) on failure.
bool writeOut(llvm::StringRef Path, llvm::StringRef Text);

/// The file system of the VFS overlay file \p Path (--vfsoverlay) over
/// \p External; null with \p Error when it cannot be read or is not one.
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
loadVfsOverlay(llvm::StringRef Path, llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> External,
               std::string &Error);

/// Where the check pages are, as a URI ending in '/' (see --docs-url).
std::string docsBase(const char *Argv0);

} // namespace cli
} // namespace procshare

#endif
