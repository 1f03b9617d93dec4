//===- ResultCache.h - Results of translation units, kept -----------------===//
//
// A file's diagnostics as text (clang's diagnostics YAML, the format of
// --export-fixes), which is how a worker hands them to the CLI and how the
// result cache (--cache-dir) keeps them.
//
// A cache entry is keyed by everything the result depends on:
//  - the contents and names of every file the preprocessor reads for the
//    translation unit (the main file, each header it enters, the predefined
//    macros), in order: they determine its preprocessed content, and, unlike
//    the preprocessed tokens alone, also the offsets and comments (NOLINT)
//    that the diagnostics depend on;
//  - each compile command (directory and final arguments);
//  - procshare itself (a hash of the executable, whose compiled-in rules are
//    part of it) and the LLVM version;
//  - the configuration in effect for the file (.clang-tidy files, --config,
//    --checks, the header filter) and the contents of the rules files it
//    names.
// Computing the key runs the preprocessor only, so a re-run costs a
// preprocessing pass for files that did not change.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_RESULTCACHE_H
#define PROCSHARE_DRIVER_RESULTCACHE_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <optional>
#include <string>
#include <vector>

namespace procshare {

/// A hash of the running procshare executable and the LLVM version: what
/// a result or an index made by another build is told apart by.
const std::string &selfHash();

/// \p Errors of the analysis of \p File as text, every path in them made
/// absolute against the diagnostic's build directory; a diagnostic without
/// a file is put at the start of \p File.
std::string serializeErrors(const std::string &File,
                            const std::vector<clang::tidy::ClangTidyError> &Errors);

/// The diagnostics in \p Text; false with \p Error when it cannot be read.
bool deserializeErrors(llvm::StringRef Text, std::vector<clang::tidy::ClangTidyError> &Out,
                       std::string &Error);

/// What a key made by the preprocessor rests on (ResultCache.cpp).
struct CacheInputs;

class ResultCache {
public:
  /// A cache in \p Dir (created when needed).
  explicit ResultCache(std::string Dir);

  /// The key of \p File's result under \p Options (the configuration in
  /// effect for it) with \p Compilations and the file system \p FS.
  std::string key(const std::string &File, const clang::tooling::CompilationDatabase &Compilations,
                  const clang::tidy::ClangTidyOptions &Options,
                  llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS);

  /// The result kept under \p Key, if any.
  bool lookup(const std::string &Key, std::string &Text) const;

  /// Keeps \p Text under \p Key (atomically: concurrent runs may share a
  /// cache). False with \p Error when it cannot be written.
  bool store(const std::string &Key, llvm::StringRef Text, std::string &Error) const;

  /// The unit's summary for the project index, kept beside its results
  /// (it is valid only while the index answers its consultations alike).
  bool lookupSummary(const std::string &Key, std::string &Text) const;
  bool storeSummary(const std::string &Key, llvm::StringRef Text, std::string &Error) const;

private:
  std::string pathOf(const std::string &Key, llvm::StringRef Suffix = ".yaml") const;
  /// The key a manifest records, if every input it lists is unchanged.
  std::optional<std::string> fromManifest(const std::string &Path,
                                          llvm::vfs::FileSystem &FS) const;
  void writeManifest(const std::string &Path, const std::string &Key,
                     const CacheInputs &Read, llvm::vfs::FileSystem &FS) const;
  std::string Dir;
  std::string Self; ///< the hash of procshare's executable and LLVM's version
};

} // namespace procshare

#endif
