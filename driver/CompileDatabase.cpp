//===- CompileDatabase.cpp - Finding and loading compile_commands.json ----===//

#include "driver/CompileDatabase.h"
#include "driver/ResultWriter.h"
#include "rules/JsonLocator.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

using namespace clang::tooling;

namespace procshare {
namespace {

bool validate(const std::string &Path, const std::string &Text,
              std::string &Error) {
  nlohmann::json Doc;
  if (!parseJson(Path, Text, Doc, Error))
    return false;
  if (!Doc.is_array()) {
    Error = jsonErrorAt(Path, Text, {}, "a compile database must be a JSON array of entries");
    return false;
  }
  for (size_t I = 0; I < Doc.size(); ++I) {
    const nlohmann::json &E = Doc[I];
    std::string Which = "entry " + std::to_string(I);
    if (!E.is_object()) {
      Error = jsonErrorAt(Path, Text, {I}, Which + " must be an object");
      return false;
    }
    for (const char *Key : {"directory", "file"})
      if (!E.contains(Key) || !E[Key].is_string()) {
        Error = jsonErrorAt(Path, Text, E.contains(Key) ? JsonPath{I, Key} : JsonPath{I},
                   Which + " needs '" + Key + "' as a string");
        return false;
      }
    bool HasCommand = E.contains("command");
    bool HasArguments = E.contains("arguments");
    if (!HasCommand && !HasArguments) {
      Error = jsonErrorAt(Path, Text, {I}, Which + " needs 'command' or 'arguments'");
      return false;
    }
    if (HasCommand && !E["command"].is_string()) {
      Error = jsonErrorAt(Path, Text, {I, "command"}, "'command' must be a string");
      return false;
    }
    if (HasArguments) {
      bool Ok = E["arguments"].is_array();
      for (size_t A = 0; Ok && A < E["arguments"].size(); ++A)
        Ok = E["arguments"][A].is_string();
      if (!Ok) {
        Error = jsonErrorAt(Path, Text, {I, "arguments"},
                   "'arguments' must be an array of strings");
        return false;
      }
    }
  }
  return true;
}

/// Every command's directory and file made absolute (the directory against
/// the database's own, the file against the directory), and the file's
/// argument with it: configuration lookup, the cache, the index and the
/// reports then name one file the same way, wherever procshare runs from.
class AbsolutePaths : public CompilationDatabase {
public:
  AbsolutePaths(std::unique_ptr<CompilationDatabase> Inner, std::string Base)
      : Inner(std::move(Inner)), Base(std::move(Base)) {}

  std::vector<CompileCommand> getCompileCommands(llvm::StringRef File) const override {
    return fix(Inner->getCompileCommands(File));
  }
  std::vector<std::string> getAllFiles() const override {
    std::vector<std::string> Files = Inner->getAllFiles();
    for (std::string &F : Files)
      F = absoluteIn(Base, F);
    return Files;
  }
  std::vector<CompileCommand> getAllCompileCommands() const override {
    return fix(Inner->getAllCompileCommands());
  }

private:
  std::vector<CompileCommand> fix(std::vector<CompileCommand> Commands) const {
    for (CompileCommand &C : Commands) {
      C.Directory = absoluteIn(Base, C.Directory);
      if (llvm::sys::path::is_absolute(C.Filename))
        continue;
      std::string Abs = absoluteIn(C.Directory, C.Filename);
      // The input is the last argument naming the file (an earlier one
      // could be an option's value).
      for (auto It = C.CommandLine.rbegin(); It != C.CommandLine.rend(); ++It)
        if (*It == C.Filename) {
          *It = Abs;
          break;
        }
      C.Filename = Abs;
    }
    return Commands;
  }

  std::unique_ptr<CompilationDatabase> Inner;
  std::string Base;
};

} // namespace

std::string compileDatabaseIn(const std::string &BuildDir) {
  if (llvm::sys::fs::is_directory(BuildDir)) {
    llvm::SmallString<256> P(BuildDir);
    llvm::sys::path::append(P, "compile_commands.json");
    return std::string(P);
  }
  return BuildDir;
}

std::string findCompileDatabaseAbove(const std::string &SourceFile) {
  llvm::SmallString<256> Dir(SourceFile);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    for (const char *Sub : {"", "build"}) {
      llvm::SmallString<256> Candidate(D);
      llvm::sys::path::append(Candidate, Sub, "compile_commands.json");
      if (llvm::sys::fs::is_regular_file(Candidate))
        return std::string(Candidate);
    }
  }
  return "";
}

std::unique_ptr<CompilationDatabase>
loadCompileDatabase(const std::string &JsonPath, std::string &Error) {
  auto Buffer = llvm::MemoryBuffer::getFile(JsonPath, /*IsText=*/true);
  if (!Buffer) {
    Error = JsonPath + ": cannot read compile database: " +
            Buffer.getError().message();
    return nullptr;
  }
  std::string Text = (*Buffer)->getBuffer().str();
  if (!validate(JsonPath, Text, Error))
    return nullptr;
  std::string LoadError;
  std::unique_ptr<CompilationDatabase> DB = JSONCompilationDatabase::loadFromFile(
      JsonPath, LoadError, JSONCommandLineSyntax::AutoDetect);
  if (!DB) {
    Error = JsonPath + ": " + LoadError;
    return nullptr;
  }
  llvm::SmallString<256> Base(JsonPath);
  llvm::sys::fs::make_absolute(Base);
  llvm::sys::path::remove_filename(Base);
  return std::make_unique<AbsolutePaths>(inferMissingCompileCommands(std::move(DB)),
                                         std::string(Base));
}

} // namespace procshare
