//===- LockSets.h - Which locks are certainly held ------------------------===//
//
// A must-analysis on Clang's CFG: the locks certainly held before each
// statement of a function. It understands the lock functions of the rules
// (pthread mutexes, rwlocks, spinlocks, semaphores, flock, lockf, and
// methods such as std::mutex::lock; try-locks on their success branch),
// fcntl(F_SETLK/F_SETLKW) with the lock type assigned before it, RAII guards
// (rules lock_guards, and classes whose constructor takes a lock) released at
// the end of their scope, Clang's thread-safety attributes
// (acquire_capability, release_capability, requires_capability), functions of
// the translation unit that take or release a lock, and static functions that
// are only ever called with a lock held. A lock is named like any place in
// memory (MemLoc), so locks passed through parameters map into the caller.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_LOCKSETS_H
#define PROCSHARE_CHECKS_ANALYSIS_LOCKSETS_H

#include "checks/analysis/MemoryEffects.h"
#include "llvm/ADT/DenseMap.h"
#include <memory>
#include <vector>

namespace clang {
class CFGBlock;
} // namespace clang

namespace procshare {

class ProcessModel;

using LockSet = std::vector<MemLoc>;

class LockSets {
public:
  /// \p UseIndex: calls of functions of other files take and release what
  /// the project index says. A unit's summary is made without: the lock
  /// functions it exports are followed one file deep.
  explicit LockSets(ProcessModel &M, bool UseIndex = true);
  ~LockSets();

  /// The locks certainly held when \p S (a statement of \p FD's CFG) runs;
  /// null when \p S is not in the CFG.
  const LockSet *heldAt(const clang::FunctionDecl *FD, const clang::Stmt *S);
  /// True when some lock is certainly held when \p S runs.
  bool anyHeldAt(const clang::FunctionDecl *FD, const clang::Stmt *S) {
    const LockSet *L = heldAt(FD, S);
    return L && !L->empty();
  }

  /// What a call to \p FD does to the caller's locks, in the callee's terms.
  struct Effect {
    LockSet Acquired; ///< held at every return, not held at entry
    /// Released on some path (without being taken there first) and not
    /// taken back before returning.
    LockSet Released;
  };
  const Effect &effect(const clang::FunctionDecl *FD);

private:
  struct FunctionLocks;
  FunctionLocks &analyze(const clang::FunctionDecl *FD);
  /// Whether every caller holds a lock when it calls \p FD (a definition).
  bool entryHeld(const clang::FunctionDecl *FD);
  /// The held sets of \p FD's statements when a lock is (or is not) held on
  /// entry: each computed once, whatever else is asked first.
  const llvm::DenseMap<const clang::Stmt *, LockSet> &heldGiven(const clang::FunctionDecl *FD,
                                                                 bool EntryHeld);

  ProcessModel &M;
  bool UseIndex;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<FunctionLocks>> Functions;

public:
  bool usesIndex() const { return UseIndex; }
};

} // namespace procshare

#endif
