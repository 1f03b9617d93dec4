//===- ResultCache.cpp - Results of translation units, kept ---------------===//

#include "driver/ResultCache.h"
#include "driver/ResultWriter.h"
#include "rules/Rules.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Lex/HeaderSearchOptions.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"
#include <nlohmann/json.hpp>
#include <chrono>
#include <optional>
#include <set>

using namespace clang;
using clang::tidy::ClangTidyError;

namespace procshare {

namespace {
/// A message's file and its fixes' files, absolute against the directory
/// the compiler ran in (a header found through -I../include is named
/// relative to it).
void makeAbsolute(tooling::DiagnosticMessage &M, llvm::StringRef Dir) {
  M.FilePath = absoluteIn(Dir, M.FilePath);
  llvm::StringMap<tooling::Replacements> Fix;
  for (const auto &[File, Reps] : M.Fix) {
    std::string Abs = absoluteIn(Dir, File);
    tooling::Replacements &Into = Fix[Abs];
    for (const tooling::Replacement &R : Reps)
      llvm::consumeError(Into.add(tooling::Replacement(Abs, R.getOffset(), R.getLength(),
                                                       R.getReplacementText())));
  }
  M.Fix = std::move(Fix);
}
} // namespace

std::string serializeErrors(const std::string &File, const std::vector<ClangTidyError> &Errors) {
  tooling::TranslationUnitDiagnostics TUD;
  TUD.MainSourceFile = File;
  TUD.Diagnostics.assign(Errors.begin(), Errors.end());
  for (tooling::Diagnostic &D : TUD.Diagnostics) {
    // One without a place (an unknown compiler argument, "too many errors")
    // is the analysed file's, so that every report can name a file.
    if (D.Message.FilePath.empty()) {
      D.Message.FilePath = File;
      D.Message.FileOffset = 0;
    }
    makeAbsolute(D.Message, D.BuildDirectory);
    for (tooling::DiagnosticMessage &N : D.Notes)
      makeAbsolute(N, D.BuildDirectory);
  }
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  llvm::yaml::Output YOut(OS);
  YOut << TUD;
  return Text;
}

bool deserializeErrors(llvm::StringRef Text, std::vector<ClangTidyError> &Out,
                       std::string &Error) {
  tooling::TranslationUnitDiagnostics TUD;
  std::string Problem;
  llvm::yaml::Input YIn(
      Text, nullptr,
      [](const llvm::SMDiagnostic &D, void *Ctx) {
        *static_cast<std::string *>(Ctx) = D.getMessage().str();
      },
      &Problem);
  YIn >> TUD;
  if (YIn.error()) {
    Error = Problem.empty() ? YIn.error().message() : Problem;
    return false;
  }
  for (tooling::Diagnostic &D : TUD.Diagnostics) {
    ClangTidyError E(D.DiagnosticName, D.DiagLevel, D.BuildDirectory,
                     /*IsWarningAsError=*/false);
    E.Message = std::move(D.Message);
    E.Notes = std::move(D.Notes);
    Out.push_back(std::move(E));
  }
  return true;
}

/// What a key computed by running the preprocessor rests on: every file it
/// entered (with a hash of its contents) and every directory whose listing
/// decides what an #include finds (the header search path, and the
/// directories of the files entered).
struct CacheInputs {
  std::vector<std::pair<std::string, std::string>> Files; // absolute path, content hash
  std::set<std::string> Dirs;                              // absolute
};

namespace {

/// Each piece is hashed with its length, so that ("ab","c") and ("a","bc")
/// differ.
void add(llvm::BLAKE3 &H, llvm::StringRef Piece) {
  uint64_t Size = Piece.size();
  H.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&Size), sizeof Size));
  H.update(Piece);
}

std::string hexHash(llvm::StringRef Data) {
  llvm::BLAKE3 H;
  H.update(Data);
  return llvm::toHex(H.final(), /*LowerCase=*/true);
}


/// \p Name as the compiler found it, absolute against its working directory.
std::string absoluteIn(const FileManager &FM, llvm::StringRef Name) {
  llvm::SmallString<256> P(Name);
  FM.makeAbsolutePath(P);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

/// Hashes the name and contents of every file the preprocessor enters, and
/// records them.
class InputsHasher : public PPCallbacks {
public:
  InputsHasher(SourceManager &SM, llvm::BLAKE3 &H, CacheInputs &Rec) : SM(SM), H(H), Rec(Rec) {}
  void FileChanged(SourceLocation Loc, FileChangeReason Reason, SrcMgr::CharacteristicKind,
                   FileID) override {
    if (Reason != EnterFile)
      return;
    FileID FID = SM.getFileID(Loc);
    std::optional<llvm::StringRef> Data = SM.getBufferDataOrNone(FID);
    add(H, SM.getBufferName(Loc));
    add(H, Data.value_or("<unreadable>"));
    if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID)) {
      std::string Path = absoluteIn(SM.getFileManager(), FE->getName());
      Rec.Dirs.insert(llvm::sys::path::parent_path(Path).str());
      Rec.Files.push_back({std::move(Path), hexHash(Data.value_or(""))});
    }
  }

private:
  SourceManager &SM;
  llvm::BLAKE3 &H;
  CacheInputs &Rec;
};

class HashInputsAction : public PreprocessOnlyAction {
public:
  HashInputsAction(llvm::BLAKE3 &H, CacheInputs &Rec) : H(H), Rec(Rec) {}
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    Preprocessor &PP = CI.getPreprocessor();
    // The search path as given (-I, -isystem and the driver's own), those
    // that do not exist too: one made later may hold a header found first.
    for (const HeaderSearchOptions::Entry &E : CI.getHeaderSearchOpts().UserEntries)
      Rec.Dirs.insert(absoluteIn(CI.getFileManager(), E.Path));
    PP.addPPCallbacks(std::make_unique<InputsHasher>(CI.getSourceManager(), H, Rec));
    return PreprocessOnlyAction::BeginSourceFileAction(CI);
  }

private:
  llvm::BLAKE3 &H;
  CacheInputs &Rec;
};

class HashInputsFactory : public tooling::FrontendActionFactory {
public:
  HashInputsFactory(llvm::BLAKE3 &H, CacheInputs &Rec) : H(H), Rec(Rec) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<HashInputsAction>(H, Rec);
  }

private:
  llvm::BLAKE3 &H;
  CacheInputs &Rec;
};

/// The names in a directory, sorted, hashed: what a new or removed header
/// changes. (Read from the disk: an empty directory is an error to the VFS's
/// overlay iterator.)
std::optional<std::string> listingHash(llvm::StringRef Dir) {
  std::error_code EC;
  std::vector<std::string> Names;
  for (llvm::sys::fs::directory_iterator I(Dir, EC), E; I != E && !EC; I.increment(EC))
    Names.push_back(llvm::sys::path::filename(I->path()).str());
  if (EC)
    return std::nullopt;
  llvm::sort(Names);
  llvm::BLAKE3 H;
  for (const std::string &N : Names)
    add(H, N);
  return llvm::toHex(H.final(), /*LowerCase=*/true);
}

int64_t mtimeOf(const llvm::vfs::Status &S) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             S.getLastModificationTime().time_since_epoch())
      .count();
}

int selfAnchor;

} // namespace

const std::string &selfHash() {
  static const std::string Hash = [] {
    llvm::BLAKE3 H;
    add(H, "procshare " PROCSHARE_VERSION " LLVM " LLVM_VERSION_STRING);
    std::string Exe = llvm::sys::fs::getMainExecutable(nullptr, &selfAnchor);
    if (auto Buf = llvm::MemoryBuffer::getFile(Exe))
      add(H, (*Buf)->getBuffer());
    else
      add(H, Exe); // unreadable: the version alone
    return llvm::toHex(H.final(), /*LowerCase=*/true);
  }();
  return Hash;
}

ResultCache::ResultCache(std::string Dir) : Dir(std::move(Dir)), Self(selfHash()) {}

std::string ResultCache::key(const std::string &File,
                             const tooling::CompilationDatabase &Compilations,
                             const tidy::ClangTidyOptions &Options,
                             llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS) {
  // What needs no preprocessor: procshare, the file, its configuration and
  // rules, its commands as the database gives them.
  llvm::BLAKE3 H;
  add(H, Self);
  add(H, File);
  // The project index the checks read is no part of the key: an entry is
  // reused only while the index answers what its analysis asked alike.
  tidy::ClangTidyOptions Keyed = Options;
  std::vector<std::string> IndexKeys;
  for (const auto &Entry : Keyed.CheckOptions)
    if (Entry.getKey().ends_with("IndexFile"))
      IndexKeys.push_back(Entry.getKey().str());
  for (const std::string &K : IndexKeys)
    Keyed.CheckOptions.erase(K);
  bool Indexing = !IndexKeys.empty();
  add(H, Indexing ? "indexed" : "alone");
  add(H, tidy::configurationAsText(Keyed));
  for (const auto &[Name, Value] : Options.CheckOptions) {
    if (!llvm::StringRef(Name).ends_with("RulesFile") || Value.Value.empty())
      continue;
    std::string Path = Rules::resolvePath(Value.Value, File);
    add(H, Path);
    auto Buf = llvm::MemoryBuffer::getFile(Path);
    add(H, Buf ? (*Buf)->getBuffer() : llvm::StringRef("<unreadable>"));
  }
  llvm::BLAKE3 Quick = H;
  for (const tooling::CompileCommand &C : Compilations.getCompileCommands(File)) {
    add(H, C.Directory);
    add(Quick, C.Directory);
    add(Quick, C.Filename);
    for (const std::string &A : C.CommandLine)
      add(Quick, A);
  }
  // A manifest of the last preprocessor run under the same commands: its
  // key holds while every file it read and every directory it searched is
  // as it was (the same size and time, or the same contents and names).
  std::string Manifest = pathOf(llvm::toHex(Quick.final(), /*LowerCase=*/true), ".manifest");
  if (std::optional<std::string> Known = fromManifest(Manifest, *FS))
    return *Known;

  // The preprocessor's run, with the arguments clang-tidy would use: the
  // final arguments of each command and every file it reads.
  tooling::ClangTool Tool(Compilations, {File}, std::make_shared<PCHContainerOperations>(),
                          FS);
  Tool.appendArgumentsAdjuster(
      [&Options](const tooling::CommandLineArguments &Args, llvm::StringRef) {
        tooling::CommandLineArguments Adjusted = Args;
        if (Options.ExtraArgsBefore) {
          auto I = Adjusted.begin();
          if (I != Adjusted.end() && !llvm::StringRef(*I).starts_with("-"))
            ++I;
          Adjusted.insert(I, Options.ExtraArgsBefore->begin(), Options.ExtraArgsBefore->end());
        }
        if (Options.ExtraArgs)
          Adjusted.insert(Adjusted.end(), Options.ExtraArgs->begin(), Options.ExtraArgs->end());
        return Adjusted;
      });
  Tool.appendArgumentsAdjuster(tooling::getStripPluginsAdjuster());
  Tool.appendArgumentsAdjuster(
      [&H](const tooling::CommandLineArguments &Args, llvm::StringRef) {
        add(H, "command");
        for (const std::string &A : Args)
          add(H, A);
        return Args;
      });
  IgnoringDiagConsumer Quiet;
  Tool.setDiagnosticConsumer(&Quiet);
  Tool.setPrintErrorMessage(false);
  CacheInputs Read;
  HashInputsFactory Factory(H, Read);
  Tool.run(&Factory);
  std::string Key = llvm::toHex(H.final(), /*LowerCase=*/true);
  writeManifest(Manifest, Key, Read, *FS);
  return Key;
}

std::optional<std::string> ResultCache::fromManifest(const std::string &Path,
                                                     llvm::vfs::FileSystem &FS) const {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return std::nullopt;
  nlohmann::json M = nlohmann::json::parse((*Buf)->getBuffer().begin(),
                                           (*Buf)->getBuffer().end(), nullptr,
                                           /*allow_exceptions=*/false);
  // A manifest that cannot be read is as none: the key is made again.
  try {
    if (!M.is_object() || !M.contains("key") || !M["key"].is_string())
      return std::nullopt;
    // Times that moved while the contents stayed (a fresh checkout) are
    // written back, so that the next run trusts them without reading.
    bool Moved = false;
    for (nlohmann::json &F : M.at("files")) {
      std::string Name = F.at("path").get<std::string>();
      llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Name);
      if (!St)
        return std::nullopt;
      if (int64_t(St->getSize()) == F.at("size").get<int64_t>() &&
          mtimeOf(*St) == F.at("mtime").get<int64_t>())
        continue;
      auto Data = FS.getBufferForFile(Name);
      if (!Data || hexHash((*Data)->getBuffer()) != F.at("hash").get<std::string>())
        return std::nullopt;
      F["size"] = int64_t(St->getSize());
      F["mtime"] = mtimeOf(*St);
      Moved = true;
    }
    for (nlohmann::json &D : M.at("dirs")) {
      std::string Name = D.at("path").get<std::string>();
      llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Name);
      if (D.value("absent", false)) {
        if (St)
          return std::nullopt;
        continue;
      }
      if (!St)
        return std::nullopt;
      if (mtimeOf(*St) == D.at("mtime").get<int64_t>())
        continue;
      std::optional<std::string> Listing = listingHash(Name);
      if (!Listing || *Listing != D.at("listing").get<std::string>())
        return std::nullopt;
      D["mtime"] = mtimeOf(*St);
      Moved = true;
    }
    std::string Error;
    if (Moved)
      writeFileAtomically(Path, M.dump(), Error); // (if not, the next run reads again)
    return M["key"].get<std::string>();
  } catch (const nlohmann::json::exception &) {
    return std::nullopt;
  }
}

void ResultCache::writeManifest(const std::string &Path, const std::string &Key,
                                const CacheInputs &Read, llvm::vfs::FileSystem &FS) const {
  nlohmann::json Files = nlohmann::json::array(), Dirs = nlohmann::json::array();
  std::set<std::string> Seen;
  for (const auto &[Name, Hash] : Read.Files) {
    llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Name);
    if (!St || !Seen.insert(Name).second)
      continue;
    Files.push_back({{"path", Name}, {"hash", Hash}, {"size", int64_t(St->getSize())},
                     {"mtime", mtimeOf(*St)}});
  }
  for (const std::string &Name : Read.Dirs) {
    llvm::ErrorOr<llvm::vfs::Status> St = FS.status(Name);
    if (!St) {
      Dirs.push_back({{"path", Name}, {"absent", true}});
      continue;
    }
    std::optional<std::string> Listing = listingHash(Name);
    if (!Listing)
      continue;
    Dirs.push_back({{"path", Name}, {"listing", *Listing}, {"mtime", mtimeOf(*St)}});
  }
  std::string Error;
  if (std::error_code EC =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)))
    return; // (the key is right; only the next run is slower)
  writeFileAtomically(Path, nlohmann::json{{"key", Key}, {"files", Files}, {"dirs", Dirs}}.dump(),
                      Error);
}

std::string ResultCache::pathOf(const std::string &Key, llvm::StringRef Suffix) const {
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Key.substr(0, 2), Key.substr(2) + Suffix);
  return std::string(P);
}

bool ResultCache::lookupSummary(const std::string &Key, std::string &Text) const {
  auto Buf = llvm::MemoryBuffer::getFile(pathOf(Key, ".summary.json"));
  if (!Buf)
    return false;
  Text = (*Buf)->getBuffer().str();
  return true;
}

bool ResultCache::storeSummary(const std::string &Key, llvm::StringRef Text,
                               std::string &Error) const {
  return writeFileAtomically(pathOf(Key, ".summary.json"), Text, Error);
}

bool ResultCache::lookup(const std::string &Key, std::string &Text) const {
  auto Buf = llvm::MemoryBuffer::getFile(pathOf(Key));
  if (!Buf)
    return false;
  Text = (*Buf)->getBuffer().str();
  return true;
}

bool ResultCache::store(const std::string &Key, llvm::StringRef Text, std::string &Error) const {
  std::string Path = pathOf(Key);
  if (std::error_code EC =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path))) {
    Error = "cannot create '" + llvm::sys::path::parent_path(Path).str() + "': " + EC.message();
    return false;
  }
  return writeFileAtomically(Path, Text, Error);
}

} // namespace procshare
