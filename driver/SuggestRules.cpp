//===- SuggestRules.cpp - A rules file from the project index -------------===//

#include "driver/SuggestRules.h"

#include <map>
#include <nlohmann/json.hpp>

using json = nlohmann::json;

namespace procshare {

std::string suggestRules(const ProjectIndex &Index, const Rules &Known, unsigned &Count) {
  // Category -> entries by name (sorted, one each).
  std::map<std::string, std::map<std::string, json>> Out;
  Count = 0;
  auto Add = [&](const char *Category, const std::string &Name, json Entry) {
    if (Out[Category].try_emplace(Name, std::move(Entry)).second)
      ++Count;
  };
  for (const TUSummary &U : Index.units())
    for (const auto &[Usr, Own] : U.Functions) {
      // Resolved facts, but a thread start only where this file makes it
      // (the closure over callers would name every function above one).
      const FunctionFacts *F = Index.function(Usr, Aspect::Fork);
      if (!F)
        continue;
      const std::string &Name = F->Name;
      if (F->Fork && !Known.fork(Name)) {
        json E = {{"name", Name}};
        if (!F->ChildIsZero)
          E["child_result"] = "nonzero";
        if (F->Vfork)
          E["vfork"] = true;
        if (!F->ForkMayFail)
          E["may_fail"] = false;
        Add("fork", Name, E);
      }
      // (main ends the program anyway; noreturn is seen by every caller.)
      if (F->Ends == FunctionFacts::Ending::Never && !F->DeclaredNoReturn && Name != "main" &&
          !Known.isExit(Name) && !Known.isTerminate(Name))
        Add(F->Exits ? "exit" : "terminate", Name, Name);
      if (F->Ends == FunctionFacts::Ending::ExecOnly && !Known.isExec(Name))
        Add("exec", Name, Name);
      if (F->Returns == Provenance::Shared && !Known.sharedAlloc(Name))
        Add("shared_alloc", Name, Name);
      // A lock function: one lock taken (or released), the one a parameter
      // points to, and nothing released (or taken) besides.
      auto LockArg = [](const std::vector<IndexPlace> &P) -> int {
        return P.size() == 1 && P[0].Param >= 0 && P[0].Path == "*" ? P[0].Param : -1;
      };
      if (!Known.lock(Name)) {
        if (int A = LockArg(F->Acquires); A >= 0 && F->Releases.empty())
          Add("lock", Name, {{"name", Name}, {"kind", "acquire"}, {"lock_arg", A}});
        else if (int R = LockArg(F->Releases); R >= 0 && F->Acquires.empty())
          Add("lock", Name, {{"name", Name}, {"kind", "release"}, {"lock_arg", R}});
      }
      // An initialisation wrapper that always makes the lock process-private
      // (a rules lock_init with neither attr_arg nor pshared_arg says so).
      if (F->Inits.size() == 1 && F->Inits[0].Lock.Param >= 0 && F->Inits[0].Lock.Path == "*" &&
          F->Inits[0].State == 0 && !Known.lockInit(Name))
        Add("lock_init", Name, {{"name", Name}, {"lock_arg", F->Inits[0].Lock.Param}});
      if (Own.StartsThread.valid() && !Known.isThreadStart(Name))
        Add("thread_start", Name, Name);
    }
  json Doc = {{"version", 1}};
  for (auto &[Category, Entries] : Out) {
    json A = json::array();
    for (auto &[Name, E] : Entries)
      A.push_back(E);
    Doc[Category] = std::move(A);
  }
  return Doc.dump(2) + "\n";
}

} // namespace procshare
