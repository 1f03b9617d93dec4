//===- Rules.cpp - The API knowledge base ---------------------------------===//

#include "rules/Rules.h"
#include "rules/JsonLocator.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace procshare {
namespace {

using nlohmann::json;

const char DefaultRulesText[] =
#include "rules/DefaultRules.inc"
    ;

/// A problem found while reading a rules document, with the path to the
/// offending value so its position can be found in the text.
struct RulesError {
  JsonPath Path;
  std::string Message;
  bool AtKey = false;
};

enum class FieldType { Bool, String, UInt, StringList, Object };

struct Field {
  const char *Name;
  FieldType Type;
  std::vector<std::string> Allowed = {}; // for enumerated strings
};

struct CategorySchema {
  const char *Name;
  std::vector<Field> Fields; // beyond "name" and "remove"
  std::vector<const char *> Required = {};
};

const std::vector<CategorySchema> &schemas() {
  static const std::vector<CategorySchema> S = {
      {"fork",
       {{"vfork", FieldType::Bool},
        {"child_result", FieldType::String, {"zero", "nonzero"}},
        {"may_fail", FieldType::Bool}}},
      {"exec", {}},
      {"terminate", {}},
      {"exit", {}},
      {"wait", {{"options_arg", FieldType::UInt}}},
      {"spawn", {}},
      {"child_entry", {}},
      {"shared_alloc",
       {{"flags_arg", FieldType::UInt}, {"shared_flags", FieldType::StringList}}},
      {"lock",
       {{"kind", FieldType::String, {"acquire", "try_acquire", "release"}},
        {"lock_arg", FieldType::UInt},
        {"unlock_if_arg", FieldType::Object},
        {"success", FieldType::String, {"zero", "nonzero"}}},
       {"kind"}},
      {"lock_types",
       {{"sharing", FieldType::String, {"private", "configurable", "shared"}},
        {"remedy", FieldType::String}},
       {"sharing"}},
      {"lock_init",
       {{"lock_arg", FieldType::UInt},
        {"attr_arg", FieldType::UInt},
        {"pshared_arg", FieldType::UInt},
        {"shared_value", FieldType::String}}},
      {"lock_attr",
       {{"kind", FieldType::String, {"init", "set_pshared"}},
        {"attr_arg", FieldType::UInt},
        {"pshared_arg", FieldType::UInt},
        {"shared_value", FieldType::String}},
       {"kind"}},
      {"lock_use", {{"lock_arg", FieldType::UInt}}},
      {"write_through", {{"arg", FieldType::UInt}}, {"arg"}},
      {"mutating_methods", {}},
      {"private_alloc", {}},
      {"dealloc", {}},
      {"process_local", {}},
      {"lock_guards", {}},
      {"thread_start", {}},
      {"thread_join", {}},
      {"async_signal_safe", {}},
      {"async_signal_unsafe", {}},
      {"heap_owning_types", {}},
      {"pid_use", {{"pid_arg", FieldType::UInt}}},
      {"inherited_ipc",
       {{"object_arg", FieldType::UInt},
        {"flags_arg", FieldType::UInt},
        {"flags", FieldType::StringList},
        {"key_arg", FieldType::UInt},
        {"key", FieldType::String},
        {"what", FieldType::String}},
       {"what"}},
      {"stdio_write", {{"stream_arg", FieldType::UInt}}},
      {"stdio_flush", {{"stream_arg", FieldType::UInt}}},
      {"stdio_buffering", {{"stream_arg", FieldType::UInt}}},
  };
  return S;
}

const char *typeName(FieldType T) {
  switch (T) {
  case FieldType::Bool:
    return "a boolean";
  case FieldType::String:
    return "a string";
  case FieldType::UInt:
    return "a non-negative integer";
  case FieldType::StringList:
    return "an array of strings";
  case FieldType::Object:
    return "an object";
  }
  return "a value";
}

bool hasType(const json &V, FieldType T) {
  switch (T) {
  case FieldType::Bool:
    return V.is_boolean();
  case FieldType::String:
    return V.is_string();
  case FieldType::UInt:
    return V.is_number_unsigned() ||
           (V.is_number_integer() && V.get<long long>() >= 0);
  case FieldType::StringList:
    if (!V.is_array())
      return false;
    for (const json &E : V)
      if (!E.is_string())
        return false;
    return true;
  case FieldType::Object:
    return V.is_object();
  }
  return false;
}

std::string stripName(std::string Name) {
  if (llvm::StringRef(Name).starts_with("::"))
    Name.erase(0, 2);
  return Name;
}

} // namespace

/// Builds a Rules object from validated JSON documents, later ones
/// overriding earlier ones entry by entry.
class RulesBuilder {
public:
  explicit RulesBuilder(Rules &R) : R(R) {}

  /// Validates \p Doc; returns false with \p Err set on the first problem.
  static bool validate(const json &Doc, RulesError &Err) {
    if (!Doc.is_object()) {
      Err = {{}, "the rules file must contain a JSON object"};
      return false;
    }
    for (auto It = Doc.begin(); It != Doc.end(); ++It) {
      const std::string &Key = It.key();
      if (Key == "version") {
        if (!It->is_number_integer() || It->get<long long>() != 1) {
          Err = {{Key}, "'version' must be 1"};
          return false;
        }
        continue;
      }
      const CategorySchema *Schema = nullptr;
      for (const CategorySchema &S : schemas())
        if (Key == S.Name)
          Schema = &S;
      if (!Schema) {
        std::string Known = "version";
        for (const CategorySchema &S : schemas())
          Known += std::string(", ") + S.Name;
        Err = {{Key}, "unknown key '" + Key + "' (known keys: " + Known + ")", true};
        return false;
      }
      if (!It->is_array()) {
        Err = {{Key}, "'" + Key + "' must be an array"};
        return false;
      }
      for (size_t I = 0; I < It->size(); ++I)
        if (!validateEntry(*Schema, (*It)[I], {Key, I}, Err))
          return false;
    }
    return true;
  }

  void add(const json &Doc) {
    for (auto It = Doc.begin(); It != Doc.end(); ++It) {
      if (It.key() == "version")
        continue;
      for (const json &Entry : *It)
        addEntry(It.key(), Entry);
    }
  }

private:
  Rules &R;

  static bool validateEntry(const CategorySchema &Schema, const json &E,
                            const JsonPath &At, RulesError &Err) {
    std::string Where = "an entry of '" + std::string(Schema.Name) + "'";
    if (E.is_string()) {
      if (E.get<std::string>().empty()) {
        Err = {At, Where + " has an empty name"};
        return false;
      }
      return true;
    }
    if (!E.is_object()) {
      Err = {At, Where + " must be a function name or an object with a 'name'"};
      return false;
    }
    if (!E.contains("name")) {
      Err = {At, Where + " has no 'name'"};
      return false;
    }
    bool Removing = E.contains("remove") && E["remove"].is_boolean() &&
                    E["remove"].get<bool>();
    for (auto It = E.begin(); It != E.end(); ++It) {
      JsonPath Path = At;
      Path.push_back(It.key());
      const std::string &K = It.key();
      if (K == "name" || K == "remove") {
        FieldType T = K == "name" ? FieldType::String : FieldType::Bool;
        if (!hasType(*It, T) || (K == "name" && It->get<std::string>().empty())) {
          Err = {Path, "'" + K + "' in " + Where + " must be " +
                           (K == "name" ? "a non-empty string" : typeName(T))};
          return false;
        }
        continue;
      }
      const Field *F = nullptr;
      for (const Field &Candidate : Schema.Fields)
        if (K == Candidate.Name)
          F = &Candidate;
      if (!F) {
        std::string Known = "name, remove";
        for (const Field &Candidate : Schema.Fields)
          Known += std::string(", ") + Candidate.Name;
        Err = {Path, "unknown key '" + K + "' in " + Where + " (known keys: " +
                         Known + ")",
               true};
        return false;
      }
      if (!hasType(*It, F->Type)) {
        Err = {Path, "'" + K + "' in " + Where + " must be " + typeName(F->Type)};
        return false;
      }
      if (!F->Allowed.empty()) {
        std::string V = It->get<std::string>();
        bool Ok = false;
        std::string List;
        for (const std::string &A : F->Allowed) {
          Ok |= A == V;
          List += (List.empty() ? "'" : ", '") + A + "'";
        }
        if (!Ok) {
          Err = {Path, "'" + K + "' in " + Where + " must be one of " + List +
                           ", not '" + V + "'"};
          return false;
        }
      }
      if (K == "unlock_if_arg") {
        for (auto Sub = It->begin(); Sub != It->end(); ++Sub) {
          JsonPath SubPath = Path;
          SubPath.push_back(Sub.key());
          FieldType Want = Sub.key() == "arg" ? FieldType::UInt : FieldType::String;
          if (Sub.key() != "arg" && Sub.key() != "flag") {
            Err = {SubPath, "unknown key '" + Sub.key() +
                                "' in 'unlock_if_arg' (known keys: arg, flag)",
                   true};
            return false;
          }
          if (!hasType(*Sub, Want)) {
            Err = {SubPath, "'" + Sub.key() + "' in 'unlock_if_arg' must be " +
                                typeName(Want)};
            return false;
          }
        }
        if (!It->contains("arg") || !It->contains("flag")) {
          Err = {Path, "'unlock_if_arg' needs both 'arg' and 'flag'"};
          return false;
        }
      }
    }
    if (!Removing)
      for (const char *Req : Schema.Required)
        if (!E.contains(Req)) {
          Err = {At, Where + " ('" + E["name"].get<std::string>() +
                         "') needs '" + Req + "'"};
          return false;
        }
    return true;
  }

  template <typename T>
  static void put(llvm::StringMap<T> &Map, const std::string &Name, bool Remove,
                  T Value) {
    if (Remove)
      Map.erase(Name);
    else
      Map[Name] = std::move(Value);
  }

  void addEntry(const std::string &Category, const json &E) {
    std::string Name = stripName(E.is_string() ? E.get<std::string>()
                                               : E["name"].get<std::string>());
    bool Remove = E.is_object() && E.value("remove", false);
    using Empty = Rules::Empty;
    if (Category == "fork") {
      ForkRule F;
      if (E.is_object()) {
        F.Vfork = E.value("vfork", false);
        F.ChildIsZero = E.value("child_result", std::string("zero")) == "zero";
        F.MayFail = E.value("may_fail", true);
      }
      put(R.Forks, Name, Remove, F);
    } else if (Category == "inherited_ipc") {
      InheritedIpcRule I;
      if (E.is_object() && !Remove) {
        I.ObjectArg = E.contains("object_arg") ? E["object_arg"].get<int>() : -1;
        I.FlagsArg = E.contains("flags_arg") ? E["flags_arg"].get<int>() : -1;
        I.Flags = E.value("flags", std::vector<std::string>{});
        I.KeyArg = E.contains("key_arg") ? E["key_arg"].get<int>() : -1;
        I.Key = E.value("key", std::string());
        I.What = E.value("what", std::string());
      }
      put(R.InheritedIpcs, Name, Remove, I);
    } else if (Category == "shared_alloc") {
      SharedAllocRule S;
      if (E.is_object()) {
        S.FlagsArg = E.contains("flags_arg") ? E["flags_arg"].get<int>() : -1;
        S.SharedFlags = E.value("shared_flags", std::vector<std::string>{});
      }
      put(R.SharedAllocs, Name, Remove, S);
    } else if (Category == "lock") {
      LockRule L;
      if (E.is_object() && !Remove) {
        std::string K = E["kind"].get<std::string>();
        L.Kind = K == "acquire"       ? LockKind::Acquire
                 : K == "try_acquire" ? LockKind::TryAcquire
                                      : LockKind::Release;
        L.LockArg = E.value("lock_arg", 0u);
        L.SuccessIsZero = E.value("success", std::string("zero")) == "zero";
        if (E.contains("unlock_if_arg")) {
          L.UnlockIfArg = E["unlock_if_arg"]["arg"].get<int>();
          L.UnlockFlag = E["unlock_if_arg"]["flag"].get<std::string>();
        }
      }
      put(R.Locks, Name, Remove, L);
    } else if (Category == "lock_init") {
      LockInitRule L;
      if (E.is_object() && !Remove) {
        L.LockArg = E.value("lock_arg", 0u);
        L.AttrArg = E.contains("attr_arg") ? E["attr_arg"].get<int>() : -1;
        L.PsharedArg = E.contains("pshared_arg") ? E["pshared_arg"].get<int>() : -1;
        L.SharedValue = E.value("shared_value", std::string());
      }
      put(R.LockInits, Name, Remove, L);
    } else if (Category == "lock_attr") {
      LockAttrRule A;
      if (E.is_object() && !Remove) {
        A.SetsPshared = E["kind"].get<std::string>() == "set_pshared";
        A.AttrArg = E.value("attr_arg", 0u);
        A.PsharedArg = E.value("pshared_arg", 1u);
        A.SharedValue = E.value("shared_value", std::string());
      }
      put(R.LockAttrs, Name, Remove, A);
    } else if (Category == "wait") {
      // (The set says it waits; the options argument, when there is one,
      // may make it return at once.)
      put(R.Wait, Name, Remove, Empty{});
      int Arg = E.is_object() && E.contains("options_arg") ? int(E["options_arg"].get<unsigned>()) : -1;
      put(R.WaitOptions, Name, Remove || Arg < 0, unsigned(Arg < 0 ? 0 : Arg));
    } else if (Category == "lock_use") {
      unsigned Arg = E.is_object() && E.contains("lock_arg") ? E["lock_arg"].get<unsigned>() : 0;
      put(R.LockUses, Name, Remove, Arg);
    } else if (Category == "write_through") {
      unsigned Arg = E.is_object() && E.contains("arg") ? E["arg"].get<unsigned>() : 0;
      put(R.WriteThrough, Name, Remove, Arg);
    } else if (Category == "pid_use") {
      unsigned Arg = E.is_object() && E.contains("pid_arg") ? E["pid_arg"].get<unsigned>() : 0;
      put(R.PidUses, Name, Remove, Arg);
    } else if (Category == "stdio_write" || Category == "stdio_flush" ||
               Category == "stdio_buffering") {
      // Without stream_arg: stdout for a write, every stream for a flush;
      // a buffering call names its stream first.
      int Arg = E.is_object() && E.contains("stream_arg") ? E["stream_arg"].get<int>()
                : Category == "stdio_buffering"            ? 0
                                                            : -1;
      put(Category == "stdio_write"   ? R.StdioWrites
          : Category == "stdio_flush" ? R.StdioFlushes
                                      : R.StdioBuffering,
          Name, Remove, Arg);
    } else if (Category == "lock_types") {
      LockTypeRule T;
      if (E.is_object() && !Remove) {
        std::string S = E["sharing"].get<std::string>();
        T.Sharing = S == "private"        ? LockSharing::Private
                    : S == "configurable" ? LockSharing::Configurable
                                          : LockSharing::Shared;
        T.Remedy = E.value("remedy", std::string());
      }
      put(R.LockTypes, Name, Remove, T);
    } else {
      llvm::StringMap<Empty> *Set =
          Category == "exec"           ? &R.Exec
          : Category == "terminate"    ? &R.Terminate
          : Category == "exit"         ? &R.Exit
          : Category == "wait"         ? &R.Wait
          : Category == "spawn"        ? &R.Spawn
          : Category == "child_entry"  ? &R.ChildEntry
          : Category == "thread_start" ? &R.ThreadStart
          : Category == "thread_join" ? &R.ThreadJoin
          : Category == "mutating_methods" ? &R.MutatingMethods
          : Category == "private_alloc" ? &R.PrivateAllocs
          : Category == "dealloc" ? &R.Deallocs
          : Category == "process_local" ? &R.ProcessLocal
          : Category == "lock_guards" ? &R.LockGuards
          : Category == "async_signal_unsafe" ? &R.AsyncSignalUnsafe
          : Category == "heap_owning_types" ? &R.HeapOwningTypes
                                       : &R.AsyncSignalSafe;
      put(*Set, Name, Remove, Empty{});
    }
  }
};

namespace {

/// Parses \p Text; on failure fills \p Error with "NAME:LINE:COL: message".
bool parseDocument(llvm::StringRef Name, const std::string &Text, json &Doc,
                   std::string &Error) {
  if (!parseJson(Name.str(), Text, Doc, Error))
    return false;
  RulesError Err;
  if (!RulesBuilder::validate(Doc, Err)) {
    Error = jsonErrorAt(Name.str(), Text, Err.Path,
                        Err.Message + " (at " + renderJsonPath(Err.Path) + ")",
                        Err.AtKey);
    return false;
  }
  return true;
}

const json &defaultDocument() {
  static const json Doc = [] {
    json D;
    std::string Error;
    if (!parseDocument("<default rules>", DefaultRulesText, D, Error)) {
      // The defaults are validated by the test suite; reaching this is a
      // build defect, not a user error.
      llvm::report_fatal_error(llvm::Twine("procshare: ") + Error);
    }
    return D;
  }();
  return Doc;
}

} // namespace

std::shared_ptr<const Rules> Rules::defaults() {
  static const std::shared_ptr<const Rules> D = [] {
    auto R = std::make_shared<Rules>();
    RulesBuilder(*R).add(defaultDocument());
    return std::shared_ptr<const Rules>(std::move(R));
  }();
  return D;
}

std::shared_ptr<const Rules> Rules::parse(llvm::StringRef Name,
                                          const std::string &Text,
                                          std::string &Error) {
  json Doc;
  if (!parseDocument(Name, Text, Doc, Error))
    return nullptr;
  auto R = std::make_shared<Rules>();
  RulesBuilder B(*R);
  B.add(defaultDocument());
  B.add(Doc);
  return R;
}

std::shared_ptr<const Rules> Rules::get(llvm::StringRef Path,
                                        std::string &Error) {
  if (Path.empty())
    return defaults();
  llvm::sys::fs::file_status Status;
  if (std::error_code EC = llvm::sys::fs::status(Path, Status)) {
    Error = (Path + ": cannot read rules file: " + EC.message()).str();
    return nullptr;
  }
  if (!llvm::sys::fs::is_regular_file(Status)) {
    Error = (Path + ": cannot read rules file: not a regular file").str();
    return nullptr;
  }
  struct Entry {
    uint64_t Size;
    llvm::sys::TimePoint<> MTime;
    std::shared_ptr<const Rules> R;
    std::string Error;
  };
  static std::mutex Mutex;
  static std::map<std::string, Entry> Cache;
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Cache.find(Path.str());
  if (It != Cache.end() && It->second.Size == Status.getSize() &&
      It->second.MTime == Status.getLastModificationTime()) {
    Error = It->second.Error;
    return It->second.R;
  }
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer) {
    Error = (Path + ": cannot read rules file: " + Buffer.getError().message()).str();
    return nullptr;
  }
  Entry E{Status.getSize(), Status.getLastModificationTime(), nullptr, ""};
  E.R = parse(Path, (*Buffer)->getBuffer().str(), E.Error);
  Error = E.Error;
  Cache[Path.str()] = E;
  return E.R;
}

std::string Rules::resolvePath(llvm::StringRef Option, llvm::StringRef MainFile) {
  if (Option.empty() || llvm::sys::path::is_absolute(Option))
    return Option.str();
  if (!MainFile.empty()) {
    llvm::SmallString<256> Dir(MainFile);
    llvm::sys::fs::make_absolute(Dir);
    llvm::sys::path::remove_filename(Dir);
    for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
      llvm::SmallString<256> Candidate(D);
      llvm::sys::path::append(Candidate, Option);
      if (llvm::sys::fs::exists(Candidate))
        return std::string(Candidate);
    }
  }
  llvm::SmallString<256> Abs(Option);
  llvm::sys::fs::make_absolute(Abs);
  return std::string(Abs);
}

} // namespace procshare
