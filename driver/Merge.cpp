//===- Merge.cpp - procshare merge ----------------------------------------===//

#include "driver/Merge.h"
#include "driver/ResultWriter.h"
#include "index/ProjectIndex.h"
#include "rules/JsonLocator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace procshare {

namespace {
int fail(const std::string &Message) {
  llvm::errs() << "procshare merge: error: " << Message << "\n";
  return 2;
}

/// What identifies one finding in either format.
std::string identity(const json &R) {
  if (R.contains("ruleId")) { // SARIF
    const json &L = R["locations"][0]["physicalLocation"];
    return R["ruleId"].dump() + L["artifactLocation"]["uri"].dump() +
           L["region"].dump() + R["message"]["text"].dump();
  }
  return R["check"].dump() + R["file"].dump() + R["line"].dump() + R["column"].dump() +
         R["message"].dump();
}

/// Writes the merged \p Text to \p Output (atomically), or to stdout.
int emit(const std::string &Output, const std::string &Text) {
  if (Output.empty()) {
    llvm::outs() << Text;
    return 0;
  }
  std::string Error;
  if (!writeFileAtomically(Output, Text, Error))
    return fail(Error);
  return 0;
}
} // namespace

/// Joins project indexes (of the shards of a run): the newest summary of
/// each file. Every index must come from the same procshare build.
int mergeIndexes(const std::vector<std::string> &Inputs, const std::string &Output) {
  std::map<std::string, TUSummary> Newest;
  std::string Stamp;
  for (const std::string &Path : Inputs) {
    auto Buf = llvm::MemoryBuffer::getFile(Path);
    if (!Buf)
      return fail(Path + ": " + Buf.getError().message());
    std::vector<TUSummary> Units;
    std::string Found, Error;
    if (!ProjectIndex::read((*Buf)->getBuffer(), Units, Found, Error))
      return fail(Path + ": " + Error);
    if (!Stamp.empty() && Found != Stamp)
      return fail(Path + ": made by another procshare build or with other rules than " +
                  Inputs.front() + "; indexes can be merged only from the same one");
    Stamp = Found;
    for (TUSummary &U : Units) {
      auto [It, New] = Newest.try_emplace(U.File, U);
      if (!New && U.Made > It->second.Made)
        It->second = std::move(U);
    }
  }
  std::vector<TUSummary> Units;
  for (auto &[File, U] : Newest)
    Units.push_back(std::move(U));
  return emit(Output, ProjectIndex::write(Units, Stamp));
}

/// The first input is a project index.
bool isIndex(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return false;
  json Doc = json::parse((*Buf)->getBuffer().begin(), (*Buf)->getBuffer().end(), nullptr,
                         /*allow_exceptions=*/false);
  return Doc.is_object() && Doc.value("format", "") == "procshare-index";
}

int mergeMain(int argc, const char **argv) {
  std::string Output;
  std::vector<std::string> Inputs;
  for (int I = 2; I < argc; ++I) {
    llvm::StringRef A = argv[I];
    if (A.consume_front("--output="))
      Output = A.str();
    else if (A == "--output" && I + 1 < argc)
      Output = argv[++I];
    else if (A.starts_with("-"))
      return fail("unknown option '" + A.str() + "'; usage: procshare merge "
                  "[--output=FILE] RESULTS...");
    else
      Inputs.push_back(A.str());
  }
  if (Inputs.empty())
    return fail("no results to merge; usage: procshare merge [--output=FILE] RESULTS...");
  if (isIndex(Inputs.front()))
    return mergeIndexes(Inputs, Output);

  std::optional<json> Merged;
  bool Sarif = false;
  std::set<std::string> Seen;
  for (const std::string &Path : Inputs) {
    auto Buf = llvm::MemoryBuffer::getFile(Path);
    if (!Buf)
      return fail(Path + ": " + Buf.getError().message());
    std::string Text = (*Buf)->getBuffer().str(), Error;
    json Doc;
    if (!parseJson(Path, Text, Doc, Error))
      return fail(Error);
    bool IsSarif = Doc.is_object() && Doc.value("version", "") == "2.1.0" &&
                   Doc.contains("runs") && Doc["runs"].is_array() && !Doc["runs"].empty();
    if (!IsSarif && !Doc.is_array())
      return fail(Path + ": neither procshare JSON (an array) nor SARIF 2.1.0");
    if (Merged && IsSarif != Sarif)
      return fail(Path + ": cannot merge JSON with SARIF");
    if (!Merged) {
      Sarif = IsSarif;
      Merged = Doc;
      if (Sarif)
        Merged->at("runs")[0]["results"] = json::array();
      else
        Merged = json::array();
    }
    const json &Results = Sarif ? Doc["runs"][0]["results"] : Doc;
    json &Into = Sarif ? Merged->at("runs")[0]["results"] : *Merged;
    for (json R : Results) {
      if (!Seen.insert(identity(R)).second)
        continue;
      if (Sarif && R.contains("ruleId")) {
        // Rules beyond the checks' (compiler diagnostics, crashes) differ
        // between runs: one list of every run's rules, indexes into it.
        json &Rules = Merged->at("runs")[0]["tool"]["driver"]["rules"];
        auto Same = [&](const json &Rule) { return Rule.value("id", "") == R["ruleId"]; };
        auto It = std::find_if(Rules.begin(), Rules.end(), Same);
        if (It == Rules.end()) {
          const json &Theirs = Doc["runs"][0]["tool"]["driver"]["rules"];
          auto Their = std::find_if(Theirs.begin(), Theirs.end(), Same);
          if (Their == Theirs.end()) {
            R.erase("ruleIndex");
          } else {
            Rules.push_back(*Their);
            R["ruleIndex"] = Rules.size() - 1;
          }
        } else {
          R["ruleIndex"] = It - Rules.begin();
        }
      }
      Into.push_back(R);
    }
  }
  return emit(Output, Merged->dump(2) + "\n");
}

} // namespace procshare
