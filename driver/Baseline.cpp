//===- Baseline.cpp - Accepting today's findings --------------------------===//

#include "driver/Baseline.h"
#include "driver/ResultWriter.h"
#include "rules/JsonLocator.h"

#include "llvm/Support/MemoryBuffer.h"
#include <map>
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using clang::tidy::ClangTidyError;

namespace procshare {

namespace {
bool isFinding(const ClangTidyError &E) {
  return E.DiagLevel != clang::tooling::Diagnostic::Error &&
         llvm::StringRef(E.DiagnosticName).starts_with("procshare-");
}
} // namespace

std::vector<BaselineEntry> baselineOf(const std::vector<ClangTidyError> &Errors,
                                      llvm::StringRef Root) {
  std::vector<BaselineEntry> Out;
  std::vector<std::string> Prints = fingerprints(Errors, Root);
  for (size_t I = 0; I < Errors.size(); ++I)
    if (isFinding(Errors[I]))
      Out.push_back({Errors[I].DiagnosticName, relativePath(Errors[I].Message.FilePath, Root),
                     Prints[I]});
  return Out;
}

std::string renderBaseline(const std::vector<BaselineEntry> &Entries) {
  json Findings = json::array();
  for (const BaselineEntry &E : Entries)
    Findings.push_back({{"check", E.Check}, {"file", E.File}, {"fingerprint", E.Fingerprint}});
  return json{{"version", 1}, {"findings", Findings}}.dump(2) + "\n";
}

bool readBaseline(const std::string &Path, std::vector<BaselineEntry> &Out,
                  std::string &Error) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = Path + ": cannot read the baseline: " + Buf.getError().message();
    return false;
  }
  std::string Text = (*Buf)->getBuffer().str();
  json Doc;
  if (!parseJson(Path, Text, Doc, Error))
    return false;
  if (!Doc.is_object() || !Doc.contains("findings") || !Doc["findings"].is_array()) {
    Error = jsonErrorAt(Path, Text, {}, "a baseline is an object with a \"findings\" array");
    return false;
  }
  const json &Findings = Doc["findings"];
  for (size_t I = 0; I < Findings.size(); ++I) {
    const json &F = Findings[I];
    for (const char *Key : {"check", "file", "fingerprint"})
      if (!F.is_object() || !F.contains(Key) || !F[Key].is_string()) {
        Error = jsonErrorAt(Path, Text, {std::string("findings"), I},
                            std::string("each finding needs a string \"") + Key + "\"");
        return false;
      }
    Out.push_back({F["check"].get<std::string>(), F["file"].get<std::string>(),
                   F["fingerprint"].get<std::string>()});
  }
  return true;
}

std::vector<BaselineEntry> applyBaseline(std::vector<ClangTidyError> &Errors,
                                         const std::vector<BaselineEntry> &Baseline,
                                         llvm::StringRef Root) {
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> Count;
  for (const BaselineEntry &E : Baseline)
    ++Count[{E.Check, E.File, E.Fingerprint}];
  std::vector<std::string> Prints = fingerprints(Errors, Root);
  std::vector<ClangTidyError> Kept;
  for (size_t I = 0; I < Errors.size(); ++I) {
    if (isFinding(Errors[I])) {
      auto It = Count.find({Errors[I].DiagnosticName,
                            relativePath(Errors[I].Message.FilePath, Root), Prints[I]});
      if (It != Count.end() && It->second > 0) {
        --It->second;
        continue;
      }
    }
    Kept.push_back(std::move(Errors[I]));
  }
  Errors = std::move(Kept);
  std::vector<BaselineEntry> Stale;
  for (const auto &[Key, N] : Count)
    for (unsigned I = 0; I < N; ++I)
      Stale.push_back({std::get<0>(Key), std::get<1>(Key), std::get<2>(Key)});
  return Stale;
}

} // namespace procshare
