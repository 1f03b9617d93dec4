//===- Facts.h - What the project index knows about functions and globals -===//
//
// The project index is procshare's cross-translation-unit layer. Each
// translation unit is summarised on its own (checks/analysis/Summarizer):
// for every function it defines with external linkage, the facts other files
// need when they call it, in terms of its parameters and return value; for
// every call it makes of such a function, what the caller knows at the call;
// and what it assigns to globals and fields. ProjectIndex joins the summaries
// of a compile database and resolves what crosses files.
//
// This header is plain data (no Clang), so the index can be merged and
// checked without an AST. Facts are named by USR (clang's unified symbol
// resolution string): external functions and globals by name, fields by
// their record and name.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_INDEX_FACTS_H
#define PROCSHARE_INDEX_FACTS_H

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace procshare {

/// Where memory comes from.
enum class Provenance : uint8_t {
  Unknown, ///< cannot tell (an external function's result, a parameter...)
  Private, ///< process-private: malloc, new, MAP_PRIVATE, a local's address
  Shared,  ///< shared between processes: MAP_SHARED, shmat, shm allocators
  /// Only while a summary is made: the value comes from another file (a
  /// function's result, a global, a field), which the index resolves.
  Deferred,
};

/// Joins two provenances of the same pointer: shared anywhere makes a
/// shared pointer; private only when both are; Deferred adds nothing.
Provenance combineProvenance(std::optional<Provenance> A, Provenance B);

/// A place in a source file, for the notes of a finding made elsewhere.
struct SourcePoint {
  std::string File;
  unsigned Line = 0, Column = 0;
  bool valid() const { return !File.empty() && Line > 0; }
  bool operator==(const SourcePoint &O) const {
    return File == O.File && Line == O.Line && Column == O.Column;
  }
  bool operator<(const SourcePoint &O) const {
    return std::tie(File, Line, Column) < std::tie(O.File, O.Line, O.Column);
  }
};

/// A place in memory in a function's terms: behind one of its parameters,
/// its object (`this`), or a global.
struct IndexPlace {
  int Param = -1;      ///< >= 0: reached through this parameter
  bool This = false;   ///< a member of the object
  std::string Global;  ///< the USR of a global variable
  std::string Name;    ///< the global's name, for messages
  std::string Path;    ///< the access path below the root (MemLoc's: "*", "*.lock")
  SourcePoint At;      ///< the statement that writes, reads or locks it
  bool operator==(const IndexPlace &O) const {
    return Param == O.Param && This == O.This && Global == O.Global && Path == O.Path;
  }
};

/// How a process runs a function: with other processes of the program
/// alive (a child, or a parent that has one), or alone.
enum class ProcessContextFact : uint8_t { Unknown, Single, Several };

/// A lock initialisation behind a parameter (`lock_init(l)` calling
/// `pthread_mutex_init(l, NULL)`).
struct IndexLockInit {
  IndexPlace Lock;  ///< the lock, in the function's terms
  std::string Type; ///< the lock type, as the rules name it
  /// LockObjects' Pshared and LockInit::Reason, as numbers.
  int State = 2, Why = 4;
  std::string Callee; ///< the library call ("pthread_mutex_init")
  SourcePoint At;     ///< that call
  SourcePoint AttrSetup;
};

/// What calling one function does, as far as the checks need to know.
struct FunctionFacts {
  std::string Name; ///< for messages

  // --- Computed in the translation unit that defines it. ---
  /// Returns a fork result (a fork wrapper), with fork's convention or
  /// nonzero in the child.
  bool Fork = false, ChildIsZero = true, Vfork = false;
  /// A failed fork reaches its caller (ForkRule::MayFail).
  bool ForkMayFail = true;
  enum class Ending : uint8_t { Returns, Never, ExecOnly } Ends = Ending::Returns;
  /// Some path ends the process through exit() (atexit handlers run).
  bool Exits = false;
  /// Declared noreturn (its callers know it never returns without the
  /// index).
  bool DeclaredNoReturn = false;
  SourcePoint ExitAt;
  /// The memory a pointer result points to: this file's sources, joined
  /// (by the index) with what the project functions in ReturnsOf return.
  Provenance Returns = Provenance::Unknown;
  std::vector<std::string> ReturnsOf;
  /// Every value it returns is a result of a ReturnsOf function (Returns
  /// says nothing of its own).
  bool ReturnsOnlyOf = false;
  SourcePoint ReturnsFrom; ///< the allocation behind a shared result
  bool FileBacked = false; ///< that allocation maps a file
  /// The shared result is an element selected by a varying index.
  bool ReturnsElement = false;
  /// Every shared value it returns is a new anonymous mapping made by the
  /// call, of which it keeps no copy (no process but the caller, and the
  /// children it forks after, can hold it). In a summary: every shared
  /// value of this file's own is; the index joins ReturnsOf's.
  bool ReturnsFresh = false;
  /// Parameters holding a function that runs in a forked child (a spawn
  /// helper's callback).
  std::vector<unsigned> ChildCallbacks;
  /// The helper returns only once its child ended (it waits): the callback
  /// runs in several processes only where the helper's caller does.
  bool ChildWaited = false;
  SourcePoint ForkAt;
  /// Locks it leaves held, and locks it releases.
  std::vector<IndexPlace> Acquires, Releases;
  std::vector<IndexLockInit> Inits;
  /// Per pointer parameter to a lock attribute object: LockObjects'
  /// AttrEffect as a number (1 makes private, 2 makes shared, 0 none).
  std::vector<std::pair<unsigned, int>> AttrEffects;
  /// Memory written and read through parameters, the object and globals
  /// (globals also through the project's functions it calls).
  std::vector<IndexPlace> Writes, Reads;
  /// Globals its branch conditions test (its own state: `if (ready) return`).
  std::vector<IndexPlace> Tests;
  /// Output left in stdout's buffer on every path to its return.
  SourcePoint PendingStdout;
  /// Flushes every stream on every path; may flush one.
  bool FlushesAll = false, MayFlush = false;

  // --- May-facts, closed over the project's functions it calls. ---
  /// A thread start it reaches and may leave running when it returns, when
  /// there is one.
  SourcePoint StartsThread;
  /// It (or a function of its file it calls) joins threads: the threads it
  /// starts, or its callees start, are taken to be joined before it returns.
  bool Joins = false;
  /// It waits for a child, directly or through what it calls.
  bool Waits = false;
  /// The project functions without a body in its unit it calls (USRs).
  std::vector<std::string> Callees;

  // --- Resolved from every call of it in the project. ---
  ProcessContextFact Context = ProcessContextFact::Unknown;
  SourcePoint ContextFrom; ///< a fork (or call) that makes it Several
  SourcePoint ThreadsAtEntry; ///< a thread start that may run before a call
  std::vector<Provenance> Params; ///< the memory each pointer parameter gets
  bool AddressTaken = false; ///< callers through pointers exist
};

/// A call of a function with external linkage, as its caller sees it (the
/// calls of a unit that tell the same are kept once).
struct IndexCall {
  std::string Callee; ///< USR
  SourcePoint At; ///< kept for a call that hands on a function (a spawn helper's)
  /// Whether other processes run at the call; with Inherit, also whatever
  /// the entries of those functions (external callers, USRs) get.
  ProcessContextFact Context = ProcessContextFact::Unknown;
  SourcePoint ContextFrom;
  /// A thread start that may run before the call (locally), and the
  /// external callers whose entry state the call inherits.
  SourcePoint Threads;
  std::vector<std::string> Inherit;
  /// The caller, when it has external linkage (USR).
  std::string Caller;
  /// Per argument: "s" shared, "p" private, "u" unknown, "aN" the caller's
  /// parameter N, "f:USR" a function, "r:USR" what that function returns.
  std::vector<std::string> Args;
};

/// What a translation unit assigns to a global or a field.
struct IndexGlobal {
  std::string Name;
  /// This file's values, joined (by the index) with what the project
  /// functions in ValueOf return.
  Provenance Value = Provenance::Unknown;
  std::vector<std::string> ValueOf;
  bool OnlyOf = false; ///< every value is a result of a ValueOf function
  SourcePoint Source; ///< the allocation behind a shared value
  bool FileBacked = false;
  bool Element = false; ///< a shared value selects an element by a varying index
  bool Escapes = false; ///< its address is taken: values the index cannot see
};

/// The summary of one translation unit.
struct TUSummary {
  std::string File;
  /// When it was made (seconds since the epoch): `procshare merge` keeps the
  /// newest summary of each file.
  uint64_t Made = 0;
  std::map<std::string, FunctionFacts> Functions; ///< defined here
  std::vector<IndexCall> Calls;
  std::map<std::string, IndexGlobal> Globals;
  std::vector<std::string> AddressTaken; ///< functions whose address is taken
  /// The facts of other units this one's analysis read ("USR#aspect"), and
  /// the hash of the answer it got: when an answer changes, the unit is
  /// analysed again. (Kept in a unit's own summary and the result cache,
  /// not in the index file: they matter to the run that made them.)
  std::map<std::string, std::string> Consulted;
};

/// The parts of a function's facts a consumer reads, each hashed on its
/// own so that a change to one re-analyses only the units that read it.
enum class Aspect : uint8_t {
  Fork, Ends, Returns, Child, Locks, Inits, Attr, Memory, Stdio,
  Thread, Waits, Context, Entry, Global,
  /// Returns and Global at the grain of a question about sharing (only
  /// whether the memory is shared) or about privacy (only whether it is
  /// private): shared anywhere makes memory shared, so those answers do not
  /// depend on the rest. ParamsPrivate: which parameters every call gives
  /// private memory.
  ReturnsShared, ReturnsPrivate, ParamsPrivate, GlobalShared, GlobalPrivate,
};
const char *aspectName(Aspect A);

} // namespace procshare

#endif
