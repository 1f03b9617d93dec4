//===- ResultWriter.cpp - Findings as JSON or SARIF -----------------------===//

#include "driver/ResultWriter.h"
#include "checks/ProcshareModule.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include <nlohmann/json.hpp>

using json = nlohmann::json;
using clang::tidy::ClangTidyError;
using clang::tooling::DiagnosticMessage;

namespace procshare {

Positions::Pos Positions::at(const std::string &File, unsigned Offset) {
  const Text &T = text(File);
  Pos P;
  if (Offset > T.Content.size() || T.LineStarts.empty())
    return P;
  // The last line start at or before the offset.
  auto It = std::upper_bound(T.LineStarts.begin(), T.LineStarts.end(), Offset);
  size_t Line = It - T.LineStarts.begin(); // 1-based
  size_t Start = T.LineStarts[Line - 1];
  P.Line = Line;
  P.Column = 1 + Offset - Start;
  P.LineText = line(File, Line);
  return P;
}

std::string Positions::line(const std::string &File, unsigned Line) {
  const Text &T = text(File);
  if (Line == 0 || Line > T.LineStarts.size())
    return "";
  size_t Start = T.LineStarts[Line - 1];
  size_t End = T.Content.find('\n', Start);
  return T.Content.substr(Start, End == std::string::npos ? std::string::npos : End - Start);
}

unsigned Positions::lineCount(const std::string &File) { return text(File).LineStarts.size(); }

const Positions::Text &Positions::text(const std::string &File) {
  auto [It, New] = Files.try_emplace(File);
  if (New) {
    if (auto Buf = llvm::MemoryBuffer::getFile(File))
      It->second.Content = (*Buf)->getBuffer().str();
    const std::string &C = It->second.Content;
    It->second.LineStarts.push_back(0);
    for (size_t I = 0; I < C.size(); ++I)
      if (C[I] == '\n' && I + 1 < C.size())
        It->second.LineStarts.push_back(I + 1);
  }
  return It->second;
}

namespace {

/// \p Path as a URI reference: unreserved characters and '/' as they are,
/// every other byte percent-encoded (RFC 3986).
std::string uriPath(llvm::StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("-._~/").contains(C))
      Out += C;
    else
      Out += "%" + llvm::utohexstr(C, /*LowerCase=*/false, /*Width=*/2);
  }
  return Out;
}


/// A SARIF artifactLocation: relative to %SRCROOT% (the root) for a file
/// under it, an absolute file:// URI for one elsewhere.
json artifact(const std::string &File, llvm::StringRef Root) {
  std::string Rel = relativePath(File, Root);
  if (llvm::sys::path::is_absolute(Rel))
    return {{"uri", fileUri(Rel)}};
  return {{"uri", uriPath(Rel)}, {"uriBaseId", "SRCROOT"}};
}

std::string severity(const ClangTidyError &E) {
  return E.DiagLevel == clang::tooling::Diagnostic::Error ? "error" : "warning";
}

json location(const DiagnosticMessage &M, Positions &P, llvm::StringRef Root) {
  Positions::Pos At = P.at(M.FilePath, M.FileOffset);
  return {{"file", relativePath(M.FilePath, Root)}, {"line", At.Line}, {"column", At.Column}};
}

/// Every replacement of a message, as file/offset/length/text.
json fixesOf(const DiagnosticMessage &M, Positions &P, llvm::StringRef Root) {
  json Out = json::array();
  for (const auto &[File, Reps] : M.Fix)
    for (const clang::tooling::Replacement &R : Reps) {
      Positions::Pos At = P.at(R.getFilePath().str(), R.getOffset());
      Out.push_back({{"file", relativePath(R.getFilePath(), Root)},
                     {"offset", R.getOffset()},
                     {"length", R.getLength()},
                     {"line", At.Line},
                     {"column", At.Column},
                     {"replacement", R.getReplacementText().str()}});
    }
  return Out;
}

/// A fingerprint that survives unrelated line shifts: the check, the file,
/// the message and the text of the reported line (trimmed), not its number.
std::string fingerprint(const ClangTidyError &E, Positions &P, llvm::StringRef Root) {
  Positions::Pos At = P.at(E.Message.FilePath, E.Message.FileOffset);
  std::string Key = E.DiagnosticName + "\n" + relativePath(E.Message.FilePath, Root) + "\n" +
                    E.Message.Message + "\n" + llvm::StringRef(At.LineText).trim().str();
  return llvm::utohexstr(llvm::xxh3_64bits(Key), /*LowerCase=*/true);
}
} // namespace

bool writeFileAtomically(llvm::StringRef Path, llvm::StringRef Text, std::string &Error) {
  llvm::SmallString<256> Temp, Model(Path);
  Model += ".tmp-%%%%%%";
  int FD;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Temp)) {
    Error = "cannot write '" + Path.str() + "': " + EC.message();
    return false;
  }
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      llvm::sys::fs::remove(Temp);
      Error = "cannot write '" + Path.str() + "': " + OS.error().message();
      OS.clear_error();
      return false;
    }
  }
  if (std::error_code EC = llvm::sys::fs::rename(Temp, Path)) {
    llvm::sys::fs::remove(Temp);
    Error = "cannot write '" + Path.str() + "': " + EC.message();
    return false;
  }
  return true;
}

std::string fileUri(llvm::StringRef AbsolutePath) { return "file://" + uriPath(AbsolutePath); }

std::string absoluteIn(llvm::StringRef Dir, llvm::StringRef Path) {
  if (Path.empty())
    return "";
  llvm::SmallString<256> P;
  if (llvm::sys::path::is_relative(Path))
    P = Dir;
  llvm::sys::path::append(P, Path);
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

std::string relativePath(llvm::StringRef Path, llvm::StringRef Root) {
  if (!Root.empty() && Path.starts_with(Root)) {
    llvm::StringRef Rest = Path.drop_front(Root.size());
    if (Rest.consume_front("/"))
      return Rest.str();
  }
  return Path.str();
}

std::vector<std::string> fingerprints(const std::vector<ClangTidyError> &Errors,
                                      llvm::StringRef Root) {
  Positions P;
  std::vector<std::string> Out;
  for (const ClangTidyError &E : Errors)
    Out.push_back(fingerprint(E, P, Root));
  return Out;
}

void writeJson(const std::vector<ClangTidyError> &Errors, llvm::StringRef Root,
               llvm::raw_ostream &OS) {
  Positions P;
  json Out = json::array();
  for (const ClangTidyError &E : Errors) {
    json D = location(E.Message, P, Root);
    D["check"] = E.DiagnosticName;
    D["severity"] = severity(E);
    D["message"] = E.Message.Message;
    json Notes = json::array();
    for (const DiagnosticMessage &N : E.Notes) {
      json L = location(N, P, Root);
      L["message"] = N.Message;
      Notes.push_back(L);
    }
    D["notes"] = Notes;
    D["fixes"] = fixesOf(E.Message, P, Root);
    D["fingerprint"] = fingerprint(E, P, Root);
    Out.push_back(D);
  }
  OS << Out.dump(2) << "\n";
}

void writeSarif(const std::vector<ClangTidyError> &Errors, llvm::StringRef Root,
                llvm::StringRef Version, llvm::StringRef DocsBase, llvm::raw_ostream &OS) {
  Positions P;
  json Rules = json::array();
  llvm::StringMap<unsigned> RuleIndex;
  for (const CheckInfo &C : checkCatalog()) {
    RuleIndex[C.Name] = Rules.size();
    std::string Help = DocsBase.str() + C.DocPage;
    Rules.push_back({{"id", C.Name},
                     {"name", C.Name},
                     {"shortDescription", {{"text", C.Summary}}},
                     {"fullDescription", {{"text", C.Summary}}},
                     {"helpUri", Help},
                     {"help",
                      {{"text", std::string(C.Summary) + " See " + Help + "."},
                       {"markdown", std::string(C.Summary) + " See [" + C.Name + "](" + Help +
                                        ")."}}},
                     {"defaultConfiguration", {{"level", "warning"}}}});
  }
  auto Physical = [&](const std::string &File, unsigned Offset) {
    Positions::Pos At = P.at(File, Offset);
    return json{{"physicalLocation",
                 {{"artifactLocation", artifact(File, Root)},
                  {"region", {{"startLine", At.Line}, {"startColumn", At.Column}}}}}};
  };
  // Results that are not a check's: a rule each too, so that every result
  // names one (compiler diagnostics, files the analysis could not finish).
  for (const ClangTidyError &E : Errors) {
    if (RuleIndex.count(E.DiagnosticName))
      continue;
    std::string Text = E.DiagnosticName == CrashDiagnosticName
                           ? "procshare could not analyse a file: the analysis crashed"
                           : "a diagnostic of the compiler (" + E.DiagnosticName + ")";
    RuleIndex[E.DiagnosticName] = Rules.size();
    Rules.push_back({{"id", E.DiagnosticName},
                     {"name", E.DiagnosticName},
                     {"shortDescription", {{"text", Text}}},
                     {"defaultConfiguration", {{"level", severity(E)}}}});
  }
  json Results = json::array();
  for (const ClangTidyError &E : Errors) {
    json R = {{"ruleId", E.DiagnosticName},
              {"level", severity(E)},
              {"message", {{"text", E.Message.Message}}},
              {"locations", json::array({Physical(E.Message.FilePath, E.Message.FileOffset)})},
              {"partialFingerprints", {{"procshareFingerprint/v1", fingerprint(E, P, Root)}}}};
    if (auto It = RuleIndex.find(E.DiagnosticName); It != RuleIndex.end())
      R["ruleIndex"] = It->second;
    if (!E.Notes.empty()) {
      json Related = json::array();
      unsigned Id = 0;
      for (const DiagnosticMessage &N : E.Notes) {
        json L = Physical(N.FilePath, N.FileOffset);
        L["id"] = Id++;
        L["message"] = {{"text", N.Message}};
        Related.push_back(L);
      }
      R["relatedLocations"] = Related;
    }
    json Fixes = json::array();
    for (const auto &[File, Reps] : E.Message.Fix) {
      json Changes = json::array();
      for (const clang::tooling::Replacement &Rep : Reps) {
        Positions::Pos At = P.at(Rep.getFilePath().str(), Rep.getOffset());
        Changes.push_back(
            {{"artifactLocation", artifact(Rep.getFilePath().str(), Root)},
             {"replacements",
              json::array({{{"deletedRegion",
                             {{"charOffset", Rep.getOffset()},
                              {"charLength", Rep.getLength()},
                              {"startLine", At.Line},
                              {"startColumn", At.Column}}},
                            {"insertedContent",
                             {{"text", Rep.getReplacementText().str()}}}}})}});
      }
      Fixes.push_back({{"description", {{"text", "apply the suggested change"}}},
                       {"artifactChanges", Changes}});
    }
    if (!Fixes.empty())
      R["fixes"] = Fixes;
    Results.push_back(R);
  }
  json Log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs",
               json::array({{{"tool",
                              {{"driver",
                                {{"name", "procshare"},
                                 {"version", Version.str()},
                                 {"rules", Rules}}}}},
                             {"originalUriBaseIds",
                              {{"SRCROOT", {{"uri", fileUri(Root) + "/"}}}}},
                             {"results", Results}}})}};
  OS << Log.dump(2) << "\n";
}

} // namespace procshare
