//===- ProjectIndex.h - Process-sharing facts across translation units ----===//
//
// The project index joins the summaries of every translation unit of a
// compile database (index/Facts.h) and answers, for a function or a global
// that the unit being analysed only declares, what the rest of the project
// does with it:
//
//  - facts a function's own unit computes (fork wrapper, never returns,
//    returns shared memory, locks, lock initialisations...) are taken from
//    that unit, with external linkage names; `static` functions are never
//    indexed (every unit that calls one has its body);
//  - may-facts (starts a thread, waits for a child, the globals it writes)
//    are closed over the project's call graph;
//  - what callers know at their calls (other processes running, threads
//    started, the memory passed) is propagated down the call graph to a
//    fixpoint, so a function called from a child in another file is known
//    to run with several processes.
//
// Facts that a unit computes from other units' facts (a wrapper of a
// wrapper) are settled by analysing that unit again: each summary records
// which facts its analysis read and the hash of each answer (Consulted), and
// staleUnits() names the units whose answers changed.
//
// On disk the index is one JSON document (format "procshare-index",
// versioned) holding the units' summaries; it is resolved when loaded.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_INDEX_PROJECTINDEX_H
#define PROCSHARE_INDEX_PROJECTINDEX_H

#include "index/Facts.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace procshare {

/// The index format's version: an index of another version is rebuilt.
constexpr int IndexFormatVersion = 2;

/// Records the answers a unit's analysis reads from the index (set by the
/// CLI's worker around each unit; null elsewhere).
struct ConsultLog {
  std::map<std::string, std::string> Answers;
};

class ProjectIndex {
public:
  /// Resolves \p Units (one summary per translation unit; a later summary of
  /// the same file replaces an earlier one).
  explicit ProjectIndex(std::vector<TUSummary> Units);

  /// An index file as text, and back. \p Stamp names the procshare build
  /// that wrote it; read() fails with a message naming the problem on a
  /// file that is not an index, is of another format version, or is
  /// damaged. \p StampOut receives the stamp of what was read.
  static std::string write(const std::vector<TUSummary> &Units, llvm::StringRef Stamp);
  static bool read(llvm::StringRef Text, std::vector<TUSummary> &Units, std::string &StampOut,
                   std::string &Error);
  /// One unit's summary as text, and back (worker to CLI, result cache).
  static std::string writeUnit(const TUSummary &U);
  static bool readUnit(llvm::StringRef Text, TUSummary &U, std::string &Error);

  /// The index in file \p Path, cached by path, size and modification time
  /// (the clang-tidy plugin and procshare-clangd read it so). Null with
  /// \p Error ("FILE: ...") when it cannot be used.
  static std::shared_ptr<const ProjectIndex> get(llvm::StringRef Path, std::string &Error);

  /// The facts of the function \p Usr (null: the project does not define
  /// it), read for \p A: the answer is recorded in the current ConsultLog.
  const FunctionFacts *function(llvm::StringRef Usr, Aspect A) const;
  /// What the project assigns to the global or field \p Usr, read for \p A
  /// (Global, GlobalShared or GlobalPrivate).
  const IndexGlobal *global(llvm::StringRef Usr, Aspect A = Aspect::Global) const;

  /// The hash of the answer for "USR#aspect", as function()/global()
  /// record it.
  std::string answer(llvm::StringRef Key) const;
  /// The units of \p Units whose recorded answers differ from this index's.
  std::vector<std::string> staleUnits(const std::vector<TUSummary> &Units) const;

  const std::vector<TUSummary> &units() const { return Units; }
  size_t functionCount() const { return Functions.size(); }

  /// The log function()/global() record into (thread-local).
  static void setConsultLog(ConsultLog *Log);

private:
  void resolve();
  void hashAspects();

  std::vector<TUSummary> Units;
  llvm::StringMap<FunctionFacts> Functions;
  llvm::StringMap<IndexGlobal> Globals;
  /// The hash of each "USR#aspect" answer.
  llvm::StringMap<std::string> Hashes;
};

} // namespace procshare

#endif
