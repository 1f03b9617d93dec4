//===- Merge.cpp - procshare merge ----------------------------------------===//

#include "driver/Merge.h"
#include "driver/ResultWriter.h"
#include "rules/JsonLocator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <nlohmann/json.hpp>
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
} // namespace

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
  std::string Text = Merged->dump(2) + "\n";
  if (Output.empty()) {
    llvm::outs() << Text;
    return 0;
  }
  std::string Error;
  if (!writeFileAtomically(Output, Text, Error))
    return fail(Error);
  return 0;
}

} // namespace procshare
