//===- ResultCache.cpp - Results of translation units, kept ---------------===//

#include "driver/ResultCache.h"
#include "driver/ResultWriter.h"
#include "rules/Rules.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
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

using namespace clang;
using clang::tidy::ClangTidyError;

namespace procshare {

namespace {
std::string absoluteIn(llvm::StringRef Dir, llvm::StringRef Path) {
  if (Path.empty() || llvm::sys::path::is_absolute(Path) || Dir.empty())
    return Path.str();
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, Path);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

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

namespace {

/// Each piece is hashed with its length, so that ("ab","c") and ("a","bc")
/// differ.
void add(llvm::BLAKE3 &H, llvm::StringRef Piece) {
  uint64_t Size = Piece.size();
  H.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&Size), sizeof Size));
  H.update(Piece);
}

/// Hashes the name and contents of every file the preprocessor enters.
class InputsHasher : public PPCallbacks {
public:
  InputsHasher(SourceManager &SM, llvm::BLAKE3 &H) : SM(SM), H(H) {}
  void FileChanged(SourceLocation Loc, FileChangeReason Reason, SrcMgr::CharacteristicKind,
                   FileID) override {
    if (Reason != EnterFile)
      return;
    FileID FID = SM.getFileID(Loc);
    add(H, SM.getBufferName(Loc));
    add(H, SM.getBufferDataOrNone(FID).value_or("<unreadable>"));
  }

private:
  SourceManager &SM;
  llvm::BLAKE3 &H;
};

class HashInputsAction : public PreprocessOnlyAction {
public:
  explicit HashInputsAction(llvm::BLAKE3 &H) : H(H) {}
  bool BeginSourceFileAction(CompilerInstance &CI) override {
    CI.getPreprocessor().addPPCallbacks(
        std::make_unique<InputsHasher>(CI.getSourceManager(), H));
    return PreprocessOnlyAction::BeginSourceFileAction(CI);
  }

private:
  llvm::BLAKE3 &H;
};

class HashInputsFactory : public tooling::FrontendActionFactory {
public:
  explicit HashInputsFactory(llvm::BLAKE3 &H) : H(H) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<HashInputsAction>(H);
  }

private:
  llvm::BLAKE3 &H;
};

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
  for (const tooling::CompileCommand &C : Compilations.getCompileCommands(File))
    add(H, C.Directory);

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
  HashInputsFactory Factory(H);
  Tool.run(&Factory);
  return llvm::toHex(H.final(), /*LowerCase=*/true);
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
