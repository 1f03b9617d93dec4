//===- ProjectIndex.cpp - Process-sharing facts across translation units --===//

#include "index/ProjectIndex.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"
#include <nlohmann/json.hpp>
#include <mutex>
#include <set>

using json = nlohmann::json;

namespace procshare {

Provenance combineProvenance(std::optional<Provenance> A, Provenance B) {
  if (B == Provenance::Deferred)
    return A.value_or(B);
  if (!A || *A == Provenance::Deferred)
    return B;
  if (*A == Provenance::Shared || B == Provenance::Shared)
    return Provenance::Shared;
  if (*A == Provenance::Private && B == Provenance::Private)
    return Provenance::Private;
  return Provenance::Unknown;
}

const char *aspectName(Aspect A) {
  static const char *Names[] = {"fork",   "ends",  "returns", "child",  "locks",
                                "inits",  "attr",  "memory",  "stdio",  "thread",
                                "waits",  "ctx",   "entry",   "global",
                                "returns-shared", "returns-private", "params-private",
                                "global-shared", "global-private"};
  return Names[unsigned(A)];
}

//===----------------------------------------------------------------------===//
// JSON. Defaults are left out, so most functions are a name and a place.
//===----------------------------------------------------------------------===//

namespace {

/// A malformed document: the message says what and where.
struct Malformed {
  std::string What;
};

[[noreturn]] void malformed(const std::string &What) { throw Malformed{What}; }

const json &member(const json &J, const char *Key) {
  auto It = J.find(Key);
  if (It == J.end())
    malformed(std::string("missing '") + Key + "'");
  return *It;
}

template <typename T> T as(const json &J, const char *What) {
  try {
    return J.get<T>();
  } catch (const json::exception &) {
    malformed(std::string("'") + What + "' has the wrong type");
  }
}

template <typename T> T opt(const json &J, const char *Key, T Default) {
  auto It = J.find(Key);
  return It == J.end() ? Default : as<T>(*It, Key);
}

json toJson(const SourcePoint &P) { return json::array({P.File, P.Line, P.Column}); }
SourcePoint pointFrom(const json &J) {
  if (!J.is_array() || J.size() != 3 || !J[0].is_string() || !J[1].is_number_unsigned() ||
      !J[2].is_number_unsigned())
    malformed("a source point is not [file, line, column]");
  return {J[0].get<std::string>(), J[1].get<unsigned>(), J[2].get<unsigned>()};
}
void putPoint(json &J, const char *Key, const SourcePoint &P) {
  if (P.valid())
    J[Key] = toJson(P);
}
SourcePoint optPoint(const json &J, const char *Key) {
  auto It = J.find(Key);
  return It == J.end() ? SourcePoint() : pointFrom(*It);
}

const char *provName(Provenance P) {
  return P == Provenance::Shared ? "s" : P == Provenance::Private ? "p" : "u";
}
Provenance provFrom(const std::string &S) {
  if (S == "s")
    return Provenance::Shared;
  if (S == "p")
    return Provenance::Private;
  if (S == "u")
    return Provenance::Unknown;
  malformed("unknown provenance '" + S + "'");
}

const char *contextName(ProcessContextFact C) {
  return C == ProcessContextFact::Several ? "several"
         : C == ProcessContextFact::Single ? "single"
                                           : "unknown";
}
ProcessContextFact contextFrom(const std::string &S) {
  if (S == "several")
    return ProcessContextFact::Several;
  if (S == "single")
    return ProcessContextFact::Single;
  if (S == "unknown")
    return ProcessContextFact::Unknown;
  malformed("unknown process context '" + S + "'");
}

json toJson(const IndexPlace &P) {
  json J = json::object();
  if (P.Param >= 0)
    J["p"] = P.Param;
  if (P.This)
    J["this"] = true;
  if (!P.Global.empty()) {
    J["g"] = P.Global;
    J["n"] = P.Name;
  }
  if (!P.Path.empty())
    J["x"] = P.Path;
  putPoint(J, "at", P.At);
  return J;
}
IndexPlace placeFrom(const json &J) {
  if (!J.is_object())
    malformed("a place is not an object");
  IndexPlace P;
  P.Param = opt<int>(J, "p", -1);
  P.This = opt<bool>(J, "this", false);
  P.Global = opt<std::string>(J, "g", "");
  P.Name = opt<std::string>(J, "n", "");
  P.Path = opt<std::string>(J, "x", "");
  P.At = optPoint(J, "at");
  return P;
}
json toJson(const std::vector<IndexPlace> &V) {
  json J = json::array();
  for (const IndexPlace &P : V)
    J.push_back(toJson(P));
  return J;
}
std::vector<IndexPlace> placesFrom(const json &J, const char *Key) {
  std::vector<IndexPlace> Out;
  auto It = J.find(Key);
  if (It == J.end())
    return Out;
  if (!It->is_array())
    malformed(std::string("'") + Key + "' is not an array");
  for (const json &E : *It)
    Out.push_back(placeFrom(E));
  return Out;
}

/// The JSON of one aspect of \p F: what its hash is made of, and what is
/// written for it.
json aspectJson(const FunctionFacts &F, Aspect A) {
  json J = json::object();
  switch (A) {
  case Aspect::Fork:
    if (F.Fork) {
      J["zero"] = F.ChildIsZero;
      if (F.Vfork)
        J["vfork"] = true;
      if (!F.ForkMayFail)
        J["never_fails"] = true;
      putPoint(J, "at", F.ForkAt);
    }
    break;
  case Aspect::Ends:
    if (F.Ends != FunctionFacts::Ending::Returns)
      J["ends"] = F.Ends == FunctionFacts::Ending::Never ? "never" : "exec";
    if (F.Exits) {
      J["exits"] = true;
      putPoint(J, "exit_at", F.ExitAt);
    }
    if (F.DeclaredNoReturn)
      J["noreturn"] = true;
    break;
  case Aspect::Returns:
    if (F.Returns != Provenance::Unknown || !F.ReturnsOf.empty()) {
      J["ret"] = provName(F.Returns);
      putPoint(J, "from", F.ReturnsFrom);
      if (F.FileBacked)
        J["file"] = true;
      if (F.ReturnsElement)
        J["element"] = true;
      if (F.ReturnsFresh)
        J["fresh"] = true;
    }
    if (!F.ReturnsOf.empty())
      J["ret_of"] = F.ReturnsOf;
    if (F.ReturnsOnlyOf)
      J["ret_only_of"] = true;
    break;
  case Aspect::Child:
    if (!F.ChildCallbacks.empty()) {
      J["cb"] = F.ChildCallbacks;
      if (F.ChildWaited)
        J["waited"] = true;
      putPoint(J, "fork_at", F.ForkAt);
    }
    break;
  case Aspect::Locks:
    if (!F.Acquires.empty())
      J["acq"] = toJson(F.Acquires);
    if (!F.Releases.empty())
      J["rel"] = toJson(F.Releases);
    break;
  case Aspect::Inits:
    if (!F.Inits.empty()) {
      json A = json::array();
      for (const IndexLockInit &I : F.Inits) {
        json E = {{"lock", toJson(I.Lock)}, {"type", I.Type}, {"state", I.State},
                  {"why", I.Why},           {"callee", I.Callee}};
        putPoint(E, "at", I.At);
        putPoint(E, "attr_at", I.AttrSetup);
        A.push_back(std::move(E));
      }
      J["inits"] = std::move(A);
    }
    break;
  case Aspect::Attr:
    if (!F.AttrEffects.empty()) {
      json A = json::array();
      for (auto [P, E] : F.AttrEffects)
        A.push_back(json::array({P, E}));
      J["attr"] = std::move(A);
    }
    break;
  case Aspect::Memory:
    if (!F.Writes.empty())
      J["w"] = toJson(F.Writes);
    if (!F.Reads.empty())
      J["r"] = toJson(F.Reads);
    if (!F.Tests.empty())
      J["t"] = toJson(F.Tests);
    break;
  case Aspect::Stdio:
    putPoint(J, "pending", F.PendingStdout);
    if (F.FlushesAll)
      J["flushes"] = true;
    if (F.MayFlush)
      J["may_flush"] = true;
    break;
  case Aspect::Thread:
    putPoint(J, "thread", F.StartsThread);
    if (F.Joins)
      J["joins"] = true;
    break;
  case Aspect::Waits:
    if (F.Waits)
      J["waits"] = true;
    break;
  case Aspect::Context:
    if (F.Context != ProcessContextFact::Unknown) {
      J["ctx"] = contextName(F.Context);
      putPoint(J, "ctx_from", F.ContextFrom);
    }
    if (F.AddressTaken)
      J["taken"] = true;
    break;
  case Aspect::Entry:
    putPoint(J, "threads_at_entry", F.ThreadsAtEntry);
    break;
  case Aspect::ReturnsShared:
    if (F.Returns == Provenance::Shared) {
      J["shared"] = true;
      putPoint(J, "from", F.ReturnsFrom);
      if (F.FileBacked)
        J["file"] = true;
      if (F.ReturnsElement)
        J["element"] = true;
      if (F.ReturnsFresh)
        J["fresh"] = true;
    }
    break;
  case Aspect::ReturnsPrivate:
    if (F.Returns == Provenance::Private)
      J["private"] = true;
    break;
  case Aspect::ParamsPrivate: {
    std::string S;
    for (Provenance P : F.Params)
      S += P == Provenance::Private ? '1' : '0';
    while (!S.empty() && S.back() == '0')
      S.pop_back();
    if (!S.empty())
      J["params"] = S;
    break;
  }
  case Aspect::Global:
  case Aspect::GlobalShared:
  case Aspect::GlobalPrivate:
    break;
  }
  return J;
}

const Aspect FunctionAspects[] = {Aspect::Fork,   Aspect::Ends,  Aspect::Returns,
                                  Aspect::Child,  Aspect::Locks, Aspect::Inits,
                                  Aspect::Attr,   Aspect::Memory, Aspect::Stdio,
                                  Aspect::Thread, Aspect::Waits};

json toJson(const FunctionFacts &F) {
  json J = {{"name", F.Name}};
  for (Aspect A : FunctionAspects)
    J.update(aspectJson(F, A));
  if (!F.Callees.empty())
    J["callees"] = F.Callees;
  return J;
}

FunctionFacts functionFrom(const json &J) {
  if (!J.is_object())
    malformed("a function is not an object");
  FunctionFacts F;
  F.Name = as<std::string>(member(J, "name"), "name");
  if (auto It = J.find("zero"); It != J.end()) {
    F.Fork = true;
    F.ChildIsZero = as<bool>(*It, "zero");
    F.Vfork = opt<bool>(J, "vfork", false);
    F.ForkMayFail = !opt<bool>(J, "never_fails", false);
  }
  F.ForkAt = optPoint(J, "at");
  if (auto It = J.find("ends"); It != J.end()) {
    std::string E = as<std::string>(*It, "ends");
    if (E == "never")
      F.Ends = FunctionFacts::Ending::Never;
    else if (E == "exec")
      F.Ends = FunctionFacts::Ending::ExecOnly;
    else
      malformed("unknown ending '" + E + "'");
  }
  F.Exits = opt<bool>(J, "exits", false);
  F.DeclaredNoReturn = opt<bool>(J, "noreturn", false);
  F.ExitAt = optPoint(J, "exit_at");
  if (auto It = J.find("ret"); It != J.end())
    F.Returns = provFrom(as<std::string>(*It, "ret"));
  F.ReturnsFrom = optPoint(J, "from");
  F.ReturnsOf = opt<std::vector<std::string>>(J, "ret_of", {});
  F.ReturnsElement = opt<bool>(J, "element", false);
  F.ReturnsFresh = opt<bool>(J, "fresh", false);
  F.ReturnsOnlyOf = opt<bool>(J, "ret_only_of", false);
  F.FileBacked = opt<bool>(J, "file", false);
  F.ChildCallbacks = opt<std::vector<unsigned>>(J, "cb", {});
  F.ChildWaited = opt<bool>(J, "waited", false);
  if (!F.ChildCallbacks.empty())
    F.ForkAt = optPoint(J, "fork_at");
  F.Acquires = placesFrom(J, "acq");
  F.Releases = placesFrom(J, "rel");
  if (auto It = J.find("inits"); It != J.end()) {
    if (!It->is_array())
      malformed("'inits' is not an array");
    for (const json &E : *It) {
      if (!E.is_object())
        malformed("a lock initialisation is not an object");
      IndexLockInit I;
      I.Lock = placeFrom(member(E, "lock"));
      I.Type = as<std::string>(member(E, "type"), "type");
      I.State = as<int>(member(E, "state"), "state");
      I.Why = as<int>(member(E, "why"), "why");
      I.Callee = as<std::string>(member(E, "callee"), "callee");
      I.At = optPoint(E, "at");
      I.AttrSetup = optPoint(E, "attr_at");
      F.Inits.push_back(std::move(I));
    }
  }
  if (auto It = J.find("attr"); It != J.end()) {
    if (!It->is_array())
      malformed("'attr' is not an array");
    for (const json &E : *It) {
      if (!E.is_array() || E.size() != 2 || !E[0].is_number_unsigned() ||
          !E[1].is_number_integer())
        malformed("an attribute effect is not [parameter, effect]");
      F.AttrEffects.push_back({E[0].get<unsigned>(), E[1].get<int>()});
    }
  }
  F.Writes = placesFrom(J, "w");
  F.Reads = placesFrom(J, "r");
  F.Tests = placesFrom(J, "t");
  F.PendingStdout = optPoint(J, "pending");
  F.FlushesAll = opt<bool>(J, "flushes", false);
  F.MayFlush = opt<bool>(J, "may_flush", false);
  F.StartsThread = optPoint(J, "thread");
  F.Joins = opt<bool>(J, "joins", false);
  F.Waits = opt<bool>(J, "waits", false);
  F.Callees = opt<std::vector<std::string>>(J, "callees", {});
  return F;
}

/// A call, without its callee (calls are written grouped by callee). The
/// defaults are left out: a call made with a single process, inheriting
/// its caller's context.
json toJson(const IndexCall &C) {
  json J = json::object();
  if (C.Context != ProcessContextFact::Single)
    J["ctx"] = contextName(C.Context);
  putPoint(J, "ctx_from", C.ContextFrom);
  putPoint(J, "threads", C.Threads);
  putPoint(J, "at", C.At);
  if (!C.Caller.empty())
    J["caller"] = C.Caller;
  if (!(C.Inherit.size() == 1 && C.Inherit.front() == C.Caller))
    J["inherit"] = C.Inherit;
  if (!C.Args.empty())
    J["args"] = C.Args;
  return J;
}
IndexCall callFrom(const json &J, const std::string &Callee) {
  if (!J.is_object())
    malformed("a call is not an object");
  IndexCall C;
  C.Callee = Callee;
  C.Context = contextFrom(opt<std::string>(J, "ctx", "single"));
  C.ContextFrom = optPoint(J, "ctx_from");
  C.Threads = optPoint(J, "threads");
  C.At = optPoint(J, "at");
  C.Caller = opt<std::string>(J, "caller", "");
  if (J.contains("inherit"))
    C.Inherit = opt<std::vector<std::string>>(J, "inherit", {});
  else
    C.Inherit = {C.Caller};
  C.Args = opt<std::vector<std::string>>(J, "args", {});
  return C;
}

json toJson(const IndexGlobal &G) {
  json J = {{"name", G.Name}, {"value", provName(G.Value)}};
  if (!G.ValueOf.empty())
    J["value_of"] = G.ValueOf;
  if (G.OnlyOf)
    J["only_of"] = true;
  putPoint(J, "source", G.Source);
  if (G.FileBacked)
    J["file"] = true;
  if (G.Element)
    J["element"] = true;
  if (G.Escapes)
    J["escapes"] = true;
  return J;
}
IndexGlobal globalFrom(const json &J) {
  if (!J.is_object())
    malformed("a global is not an object");
  IndexGlobal G;
  G.Name = as<std::string>(member(J, "name"), "name");
  G.Value = provFrom(as<std::string>(member(J, "value"), "value"));
  G.ValueOf = opt<std::vector<std::string>>(J, "value_of", {});
  G.OnlyOf = opt<bool>(J, "only_of", false);
  G.Source = optPoint(J, "source");
  G.FileBacked = opt<bool>(J, "file", false);
  G.Element = opt<bool>(J, "element", false);
  G.Escapes = opt<bool>(J, "escapes", false);
  return G;
}

json toJson(const TUSummary &U, bool WithConsulted) {
  json Fns = json::object();
  for (const auto &[Usr, F] : U.Functions)
    Fns[Usr] = toJson(F);
  json Calls = json::object();
  for (const IndexCall &C : U.Calls) {
    json &Of = Calls[C.Callee];
    if (Of.is_null())
      Of = json::array();
    Of.push_back(toJson(C));
  }
  json Globals = json::object();
  for (const auto &[Usr, G] : U.Globals)
    Globals[Usr] = toJson(G);
  json J = {{"file", U.File}, {"made", U.Made}, {"functions", std::move(Fns)},
            {"calls", std::move(Calls)}, {"globals", std::move(Globals)}};
  if (!U.AddressTaken.empty())
    J["address_taken"] = U.AddressTaken;
  if (WithConsulted && !U.Consulted.empty())
    J["consulted"] = U.Consulted;
  return J;
}
TUSummary unitFrom(const json &J) {
  if (!J.is_object())
    malformed("a unit is not an object");
  TUSummary U;
  U.File = as<std::string>(member(J, "file"), "file");
  U.Made = opt<uint64_t>(J, "made", 0);
  const json &Fns = member(J, "functions");
  if (!Fns.is_object())
    malformed("'functions' is not an object");
  for (const auto &[Usr, F] : Fns.items())
    U.Functions[Usr] = functionFrom(F);
  const json &Calls = member(J, "calls");
  if (!Calls.is_object())
    malformed("'calls' is not an object");
  for (const auto &[Callee, Sites] : Calls.items()) {
    if (!Sites.is_array())
      malformed("the calls of '" + Callee + "' are not an array");
    for (const json &C : Sites)
      U.Calls.push_back(callFrom(C, Callee));
  }
  const json &Globals = member(J, "globals");
  if (!Globals.is_object())
    malformed("'globals' is not an object");
  for (const auto &[Usr, G] : Globals.items())
    U.Globals[Usr] = globalFrom(G);
  U.AddressTaken = opt<std::vector<std::string>>(J, "address_taken", {});
  U.Consulted = opt<std::map<std::string, std::string>>(J, "consulted", {});
  return U;
}

std::string hashOf(const json &J) {
  std::string Text = J.dump();
  return llvm::utohexstr(llvm::xxh3_64bits(llvm::StringRef(Text)), /*LowerCase=*/true);
}

thread_local ConsultLog *CurrentLog = nullptr;

} // namespace

//===----------------------------------------------------------------------===//
// Reading and writing.
//===----------------------------------------------------------------------===//

std::string ProjectIndex::write(const std::vector<TUSummary> &Units, llvm::StringRef Stamp) {
  json A = json::array();
  for (const TUSummary &U : Units)
    A.push_back(toJson(U, /*WithConsulted=*/false));
  json J = {{"format", "procshare-index"},
            {"version", IndexFormatVersion},
            {"stamp", Stamp.str()},
            {"units", std::move(A)}};
  return J.dump() + "\n";
}

bool ProjectIndex::read(llvm::StringRef Text, std::vector<TUSummary> &Units,
                        std::string &StampOut, std::string &Error) {
  json J;
  try {
    J = json::parse(Text.begin(), Text.end());
  } catch (const json::parse_error &E) {
    Error = "damaged index (" + std::string(E.what()) + ")";
    return false;
  }
  try {
    if (!J.is_object() || J.value("format", "") != "procshare-index")
      malformed("not a procshare index");
    int Version = as<int>(member(J, "version"), "version");
    if (Version != IndexFormatVersion)
      malformed("index format version " + std::to_string(Version) +
                ", this procshare reads version " + std::to_string(IndexFormatVersion));
    StampOut = as<std::string>(member(J, "stamp"), "stamp");
    const json &A = member(J, "units");
    if (!A.is_array())
      malformed("'units' is not an array");
    std::vector<TUSummary> Out;
    for (const json &U : A)
      Out.push_back(unitFrom(U));
    Units = std::move(Out);
    return true;
  } catch (const Malformed &M) {
    Error = M.What;
  } catch (const json::exception &E) {
    Error = "damaged index (" + std::string(E.what()) + ")";
  }
  return false;
}

std::string ProjectIndex::writeUnit(const TUSummary &U) {
  return toJson(U, /*WithConsulted=*/true).dump() + "\n";
}

bool ProjectIndex::readUnit(llvm::StringRef Text, TUSummary &U, std::string &Error) {
  try {
    U = unitFrom(json::parse(Text.begin(), Text.end()));
    return true;
  } catch (const Malformed &M) {
    Error = M.What;
  } catch (const json::exception &E) {
    Error = "damaged summary (" + std::string(E.what()) + ")";
  }
  return false;
}

std::shared_ptr<const ProjectIndex> ProjectIndex::get(llvm::StringRef Path,
                                                      std::string &Error) {
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status)) {
    Error = (Path + ": cannot read the index: " + EC.message()).str();
    return nullptr;
  }
  struct Entry {
    uint64_t Size;
    llvm::sys::TimePoint<> MTime;
    std::shared_ptr<const ProjectIndex> Index;
    std::string Error;
  };
  static std::mutex Mutex;
  static std::map<std::string, Entry> Cache;
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Cache.find(Path.str());
  if (It != Cache.end() && It->second.Size == Status.getSize() &&
      It->second.MTime == Status.getLastModificationTime()) {
    Error = It->second.Error;
    return It->second.Index;
  }
  Entry E{Status.getSize(), Status.getLastModificationTime(), nullptr, ""};
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  std::vector<TUSummary> Units;
  std::string Stamp, Problem;
  if (!Buffer)
    E.Error = (Path + ": cannot read the index: " + Buffer.getError().message()).str();
  else if (!read((*Buffer)->getBuffer(), Units, Stamp, Problem))
    E.Error = (Path + ": " + Problem).str();
  else
    E.Index = std::make_shared<ProjectIndex>(std::move(Units));
  Error = E.Error;
  Cache[Path.str()] = E;
  return E.Index;
}

//===----------------------------------------------------------------------===//
// Resolution.
//===----------------------------------------------------------------------===//

ProjectIndex::ProjectIndex(std::vector<TUSummary> In) {
  // A later summary of a file replaces an earlier one.
  std::map<std::string, size_t> ByFile;
  for (TUSummary &U : In) {
    auto [It, New] = ByFile.try_emplace(U.File, Units.size());
    if (New)
      Units.push_back(std::move(U));
    else
      Units[It->second] = std::move(U);
  }
  resolve();
  hashAspects();
}

void ProjectIndex::resolve() {
  // Facts of each function from the unit that defines it (the first, if
  // several do: inline definitions agree).
  for (const TUSummary &U : Units)
    for (const auto &[Usr, F] : U.Functions)
      Functions.try_emplace(Usr, F);
  for (const TUSummary &U : Units)
    for (const std::string &Usr : U.AddressTaken)
      if (auto It = Functions.find(Usr); It != Functions.end())
        It->second.AddressTaken = true;
  // Where pointer values come from, across files: what a function returns
  // and what globals and fields are assigned are nodes whose values join
  // this file's sources with the nodes they are taken from (the result of
  // another file's function, a global, a field), solved together to a
  // fixpoint. Values rise from "none yet" through private and unknown to
  // shared, so the iteration ends.
  struct Node {
    std::optional<Provenance> Value;
    std::vector<std::string> Deps;
    SourcePoint Source;
    bool FileBacked = false, Element = false;
    bool Escapes = false;
    /// Every shared value it takes is a new mapping (for a function's
    /// result; a global keeps its value, so is never fresh).
    bool Fresh = false;
  };
  llvm::StringMap<Node> Nodes;
  auto Join = [](Node &N, std::optional<Provenance> P, const SourcePoint &Source,
                 bool FileBacked, bool Element, bool Fresh) {
    if (!P)
      return false;
    std::optional<Provenance> Before = N.Value;
    N.Value = combineProvenance(N.Value, *P);
    if (N.Value == Provenance::Shared && Before != Provenance::Shared) {
      N.Source = Source;
      N.FileBacked = FileBacked;
      N.Element = Element;
    }
    // One value that is not a new mapping makes the result none.
    bool WasFresh = N.Fresh;
    if (*P == Provenance::Shared && !Fresh)
      N.Fresh = false;
    return N.Value != Before || N.Fresh != WasFresh;
  };
  for (auto &Entry : Functions) {
    const FunctionFacts &F = Entry.second;
    Node &N = Nodes[Entry.first()];
    N.Fresh = F.ReturnsFresh;
    if (!F.ReturnsOnlyOf)
      Join(N, F.Returns, F.ReturnsFrom, F.FileBacked, F.ReturnsElement, F.ReturnsFresh);
    N.Deps = F.ReturnsOf;
  }
  for (const TUSummary &U : Units)
    for (const auto &[Usr, G] : U.Globals) {
      auto [It, New] = Globals.try_emplace(Usr, G);
      if (!New)
        It->second.Escapes |= G.Escapes;
      Node &N = Nodes[Usr];
      N.Escapes |= G.Escapes;
      if (!G.OnlyOf)
        Join(N, G.Value, G.Source, G.FileBacked, G.Element, false);
      for (const std::string &D : G.ValueOf)
        if (!llvm::is_contained(N.Deps, D))
          N.Deps.push_back(D);
    }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto &Entry : Nodes) {
      Node &N = Entry.second;
      for (const std::string &D : N.Deps) {
        auto It = Nodes.find(D);
        if (It == Nodes.end()) {
          Changed |= Join(N, Provenance::Unknown, {}, false, false, false); // not the project's
          continue;
        }
        const Node &From = It->second;
        Changed |= Join(N, From.Escapes ? std::optional(Provenance::Unknown) : From.Value,
                        From.Source, From.FileBacked, From.Element, From.Fresh);
      }
    }
  }
  auto ValueOf = [&](llvm::StringRef Usr) {
    auto It = Nodes.find(Usr);
    if (It == Nodes.end() || It->second.Escapes)
      return Provenance::Unknown;
    return It->second.Value.value_or(Provenance::Unknown);
  };
  for (auto &Entry : Functions) {
    FunctionFacts &F = Entry.second;
    const Node &N = Nodes[Entry.first()];
    F.Returns = N.Value.value_or(Provenance::Unknown);
    F.ReturnsFrom = F.Returns == Provenance::Shared ? N.Source : SourcePoint();
    F.FileBacked = F.Returns == Provenance::Shared && N.FileBacked;
    F.ReturnsElement = F.Returns == Provenance::Shared && N.Element;
    F.ReturnsFresh = F.Returns == Provenance::Shared && N.Fresh;
  }
  for (auto &Entry : Globals) {
    IndexGlobal &G = Entry.second;
    const Node &N = Nodes[Entry.first()];
    G.Value = G.Escapes ? Provenance::Unknown : N.Value.value_or(Provenance::Unknown);
    G.Source = G.Value == Provenance::Shared ? N.Source : SourcePoint();
    G.FileBacked = G.Value == Provenance::Shared && N.FileBacked;
    G.Element = G.Value == Provenance::Shared && N.Element;
    G.ValueOf.clear();
    G.OnlyOf = false;
  }
  auto ReturnOf = ValueOf;

  // May-facts over the call graph: a function starts a thread, waits, or
  // writes a global when a project function it calls does.
  auto IsGlobalPlace = [](const IndexPlace &P) { return !P.Global.empty(); };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto &Entry : Functions) {
      FunctionFacts &F = Entry.second;
      for (const std::string &CalleeUsr : F.Callees) {
        auto It = Functions.find(CalleeUsr);
        if (It == Functions.end() || &It->second == &F)
          continue;
        const FunctionFacts &C = It->second;
        if (!F.StartsThread.valid() && !F.Joins && C.StartsThread.valid()) {
          F.StartsThread = C.StartsThread;
          Changed = true;
        }
        if (!F.Waits && C.Waits) {
          F.Waits = Changed = true;
        }
        if (!F.MayFlush && C.MayFlush)
          F.MayFlush = Changed = true;
        for (auto [From, Into] : {std::pair(&C.Writes, &F.Writes), std::pair(&C.Reads, &F.Reads),
                                  std::pair(&C.Tests, &F.Tests)})
          for (const IndexPlace &P : *From)
            if (IsGlobalPlace(P) && Into->size() < 64 && !llvm::is_contained(*Into, P)) {
              Into->push_back(P);
              Changed = true;
            }
      }
    }
  }

  // What callers know at their calls, down the call graph.
  std::vector<const IndexCall *> Calls;
  for (const TUSummary &U : Units)
    for (const IndexCall &C : U.Calls)
      if (Functions.count(C.Callee))
        Calls.push_back(&C);
  auto Lookup = [&](llvm::StringRef Usr) -> FunctionFacts * {
    auto It = Functions.find(Usr);
    return It == Functions.end() ? nullptr : &It->second;
  };
  // Several processes: any call made with several, or inheriting it; a
  // function handed to a spawn helper that runs it in a child.
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const IndexCall *C : Calls) {
      FunctionFacts &Callee = *Lookup(C->Callee);
      auto MakeSeveral = [&](FunctionFacts &F, const SourcePoint &From) {
        if (F.Context == ProcessContextFact::Several)
          return;
        F.Context = ProcessContextFact::Several;
        F.ContextFrom = From;
        Changed = true;
      };
      if (C->Context == ProcessContextFact::Several)
        MakeSeveral(Callee, C->ContextFrom);
      for (const std::string &G : C->Inherit)
        if (FunctionFacts *Caller = Lookup(G);
            Caller && Caller->Context == ProcessContextFact::Several)
          MakeSeveral(Callee, Caller->ContextFrom);
      // (A helper that waits for its child runs it alone: the callback is
      // in several processes where the helper is.)
      for (unsigned Param : Callee.ChildCallbacks)
        if (Param < C->Args.size() && llvm::StringRef(C->Args[Param]).starts_with("f:"))
          if (FunctionFacts *Cb = Lookup(llvm::StringRef(C->Args[Param]).drop_front(2));
              Cb && (!Callee.ChildWaited || Callee.Context == ProcessContextFact::Several))
            MakeSeveral(*Cb, Callee.ChildWaited ? Callee.ContextFrom : C->At);
      // Threads started before a call are running in the callee.
      if (!Callee.ThreadsAtEntry.valid()) {
        SourcePoint T = C->Threads;
        for (const std::string &G : C->Inherit)
          if (FunctionFacts *Caller = Lookup(G); !T.valid() && Caller)
            T = Caller->ThreadsAtEntry;
        if (T.valid()) {
          Callee.ThreadsAtEntry = T;
          Changed = true;
        }
      }
    }
  }
  // A single process: every call is made with one (a greatest fixpoint:
  // assumed of every candidate until one of its calls says otherwise).
  std::map<std::string, std::vector<const IndexCall *>> CallsOf;
  for (const IndexCall *C : Calls)
    CallsOf[C->Callee].push_back(C);
  std::set<std::string> Single;
  for (const auto &[Usr, Sites] : CallsOf) {
    const FunctionFacts &F = *Lookup(Usr);
    if (!F.AddressTaken && F.Context == ProcessContextFact::Unknown && F.Name != "main")
      Single.insert(Usr);
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = Single.begin(); It != Single.end();) {
      bool AllSingle = llvm::all_of(CallsOf[*It], [&](const IndexCall *C) {
        return C->Context == ProcessContextFact::Single &&
               llvm::all_of(C->Inherit, [&](const std::string &G) { return Single.count(G); });
      });
      if (AllSingle) {
        ++It;
        continue;
      }
      It = Single.erase(It);
      Changed = true;
    }
  }
  for (const std::string &Usr : Single)
    Lookup(Usr)->Context = ProcessContextFact::Single;

  // The memory each pointer parameter gets, when every call agrees.
  for (unsigned Round = 0, Changed = 1; Changed && Round < 16; ++Round) {
    Changed = 0;
    for (const auto &[Usr, Sites] : CallsOf) {
      FunctionFacts &F = *Lookup(Usr);
      if (F.AddressTaken)
        continue;
      size_t N = 0;
      for (const IndexCall *C : Sites)
        N = std::max(N, C->Args.size());
      std::vector<Provenance> Params(N, Provenance::Unknown);
      for (size_t I = 0; I < N; ++I) {
        std::optional<Provenance> P;
        for (const IndexCall *C : Sites) {
          Provenance A = Provenance::Unknown;
          llvm::StringRef Arg = I < C->Args.size() ? llvm::StringRef(C->Args[I]) : "u";
          unsigned From;
          if (Arg == "s" || Arg == "p")
            A = provFrom(Arg.str());
          else if (Arg.consume_front("r:"))
            A = ReturnOf(Arg);
          else if (Arg.consume_front("a") && !Arg.getAsInteger(10, From) && !C->Caller.empty())
            if (const FunctionFacts *Caller = Lookup(C->Caller);
                Caller && From < Caller->Params.size())
              A = Caller->Params[From];
          P = !P || *P == A ? A : Provenance::Unknown;
        }
        Params[I] = P.value_or(Provenance::Unknown);
      }
      if (Params != F.Params) {
        F.Params = std::move(Params);
        Changed = 1;
      }
    }
  }
}

void ProjectIndex::hashAspects() {
  const Aspect All[] = {Aspect::Fork,   Aspect::Ends,    Aspect::Returns, Aspect::Child,
                        Aspect::Locks,  Aspect::Inits,   Aspect::Attr,    Aspect::Memory,
                        Aspect::Stdio,  Aspect::Thread,  Aspect::Waits,   Aspect::Context,
                        Aspect::Entry,  Aspect::ReturnsShared, Aspect::ReturnsPrivate,
                        Aspect::ParamsPrivate};
  for (const auto &Entry : Functions)
    for (Aspect A : All)
      Hashes[(Entry.first() + "#" + aspectName(A)).str()] =
          hashOf(aspectJson(Entry.second, A));
  for (const auto &Entry : Globals) {
    const IndexGlobal &G = Entry.second;
    Hashes[(Entry.first() + "#global").str()] = hashOf(toJson(G));
    json Shared = json::object(), Private = json::object();
    if (G.Value == Provenance::Shared && !G.Escapes) {
      Shared["shared"] = true;
      putPoint(Shared, "source", G.Source);
      if (G.FileBacked)
        Shared["file"] = true;
    }
    if (G.Value == Provenance::Private && !G.Escapes)
      Private["private"] = true;
    Hashes[(Entry.first() + "#global-shared").str()] = hashOf(Shared);
    Hashes[(Entry.first() + "#global-private").str()] = hashOf(Private);
  }
}

std::string ProjectIndex::answer(llvm::StringRef Key) const {
  auto It = Hashes.find(Key);
  if (It != Hashes.end())
    return It->second;
  // A function the project does not define reads like one that does
  // nothing (a library's). A global nobody assigns is no global assigned an
  // unknown value.
  if (Key.ends_with("#global"))
    return "-";
  static const std::string Nothing = hashOf(json::object());
  return Nothing;
}

void ProjectIndex::setConsultLog(ConsultLog *Log) { CurrentLog = Log; }

const FunctionFacts *ProjectIndex::function(llvm::StringRef Usr, Aspect A) const {
  if (CurrentLog) {
    std::string Key = (Usr + "#" + aspectName(A)).str();
    CurrentLog->Answers.try_emplace(Key, answer(Key));
  }
  auto It = Functions.find(Usr);
  return It == Functions.end() ? nullptr : &It->second;
}

const IndexGlobal *ProjectIndex::global(llvm::StringRef Usr, Aspect A) const {
  if (CurrentLog) {
    std::string Key = (Usr + "#" + aspectName(A)).str();
    CurrentLog->Answers.try_emplace(Key, answer(Key));
  }
  auto It = Globals.find(Usr);
  return It == Globals.end() ? nullptr : &It->second;
}

std::vector<std::string> ProjectIndex::staleUnits(const std::vector<TUSummary> &Of) const {
  std::vector<std::string> Out;
  for (const TUSummary &U : Of)
    for (const auto &[Key, Hash] : U.Consulted)
      if (answer(Key) != Hash) {
        Out.push_back(U.File);
        break;
      }
  return Out;
}

} // namespace procshare
