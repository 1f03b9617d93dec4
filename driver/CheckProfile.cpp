//===- CheckProfile.cpp - --enable-check-profile over a whole run ---------===//

#include "driver/CheckProfile.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace procshare {

void printCheckProfile(llvm::StringRef Dir, llvm::raw_ostream &OS) {
  struct Times {
    double User = 0, Sys = 0, Wall = 0;
  };
  llvm::StringMap<Times> ByCheck;
  unsigned Files = 0;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator I(Dir, EC), E; I != E && !EC; I.increment(EC)) {
    auto Buf = llvm::MemoryBuffer::getFile(I->path());
    if (!Buf)
      continue;
    nlohmann::json Doc = nlohmann::json::parse((*Buf)->getBuffer().begin(),
                                               (*Buf)->getBuffer().end(), nullptr, false);
    if (!Doc.is_object() || !Doc.contains("profile") || !Doc["profile"].is_object())
      continue;
    ++Files;
    // "time.clang-tidy.<check>.<wall|user|sys>": seconds
    for (const auto &[Key, Value] : Doc["profile"].items()) {
      llvm::StringRef K(Key);
      if (!K.consume_front("time.clang-tidy.") || !Value.is_number())
        continue;
      auto [Check, Kind] = K.rsplit('.');
      Times &T = ByCheck[Check];
      double S = Value.get<double>();
      (Kind == "wall" ? T.Wall : Kind == "user" ? T.User : T.Sys) += S;
    }
  }
  if (ByCheck.empty())
    return;
  std::vector<std::pair<std::string, Times>> Rows;
  Times Total;
  for (const auto &Entry : ByCheck) {
    Rows.push_back({Entry.getKey().str(), Entry.getValue()});
    Total.User += Entry.getValue().User;
    Total.Sys += Entry.getValue().Sys;
    Total.Wall += Entry.getValue().Wall;
  }
  std::sort(Rows.begin(), Rows.end(),
            [](const auto &A, const auto &B) { return A.second.Wall > B.second.Wall; });
  auto Cell = [&](double V, double Of) {
    OS << llvm::format("  %7.4f (%5.1f%%)", V, Of > 0 ? 100 * V / Of : 0.0);
  };
  OS << "===" << std::string(73, '-') << "===\n"
     << "                    procshare checks profiling (" << Files
     << (Files == 1 ? " file" : " files") << ")\n"
     << "===" << std::string(73, '-') << "===\n"
     << llvm::format("  Total Execution Time: %.4f seconds (%.4f wall clock)\n\n",
                     Total.User + Total.Sys, Total.Wall)
     << "   ---User Time---   --System Time--   --User+System--   ---Wall Time---  --- Name ---\n";
  for (const auto &[Check, T] : Rows) {
    Cell(T.User, Total.User);
    Cell(T.Sys, Total.Sys);
    Cell(T.User + T.Sys, Total.User + Total.Sys);
    Cell(T.Wall, Total.Wall);
    OS << "  " << Check << "\n";
  }
  Cell(Total.User, Total.User);
  Cell(Total.Sys, Total.Sys);
  Cell(Total.User + Total.Sys, Total.User + Total.Sys);
  Cell(Total.Wall, Total.Wall);
  OS << "  Total\n";
}

} // namespace procshare
