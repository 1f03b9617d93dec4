//===- LockObjects.h - Lock objects, their setup and their uses -----------===//
//
// What the translation unit does with lock objects (pthread mutexes,
// condition variables, rwlocks, barriers, spinlocks, semaphores, std::mutex
// and the other types of the rules' lock_types):
//
//  - which types are lock types, and which lock a class contains;
//  - every initialisation (pthread_mutex_init, sem_init...) and whether it
//    makes the lock process-shared, following the attribute object through
//    the function (a must/may dataflow on the CFG) and into helpers;
//  - every use (lock, unlock, wait, post, signal) with the lock's type;
//  - the uses a call reaches, through the functions of the translation
//    unit, in the caller's terms;
//  - whether the translation unit starts threads.
//
// Everything is computed once per translation unit, on first use.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_LOCKOBJECTS_H
#define PROCSHARE_CHECKS_ANALYSIS_LOCKOBJECTS_H

#include "checks/analysis/MemoryEffects.h"
#include "checks/analysis/SharedMemory.h"
#include "rules/Rules.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace procshare {

class ProcessModel;

/// A lock type of the rules and how it can be shared.
struct LockTypeInfo {
  std::string Name; ///< as the rules name it: "pthread_mutex_t", "std::mutex"
  LockSharing Sharing = LockSharing::Private;
  /// What to use instead between processes (rules: remedy).
  std::string Remedy;
};

/// Whether an initialisation makes a lock work between processes.
enum class Pshared { Private, Shared, Unknown };

struct LockInit {
  const clang::CallExpr *Call = nullptr;
  const clang::FunctionDecl *Function = nullptr;
  const LockInitRule *Rule = nullptr;
  LockTypeInfo Type;
  Pshared State = Pshared::Unknown;
  enum Reason {
    DefaultAttributes, ///< a NULL attribute object
    AttributesNotShared, ///< an attribute object not made pshared on every path
    PrivateArgument,   ///< a pshared argument that says private
    SharedSetting,     ///< made process-shared
    Undecided,         ///< cannot tell
  } Why = Undecided;
  /// For AttributesNotShared: the call that initialised the attribute object
  /// (process-private by default) or set it private; may be null.
  const clang::CallExpr *AttrSetup = nullptr;
  /// An initialisation by a function of another file (`lock_init(&m)`),
  /// which the project index summarises: the library call it makes there
  /// (pthread_mutex_init), and where; and where it sets up the attributes.
  std::string InnerCallee;
  SourcePoint Elsewhere, ElsewhereAttrSetup;
  const clang::Expr *lockArg() const { return Call->getArg(Rule->LockArg); }
};

struct LockUse {
  /// The call, or the construction of a lock guard (std::lock_guard).
  const clang::Expr *Call = nullptr;
  const clang::FunctionDecl *Function = nullptr;
  /// The lock: a pointer to it (`&m`, `p`) or, for a method, the object.
  const clang::Expr *Object = nullptr;
  bool ObjectIsPointer = true;
  /// Takes the lock (acquire or try_acquire), as opposed to releasing it,
  /// waiting on it or posting it.
  bool Takes = false;
  LockTypeInfo Type;
};

/// A use reached by running a function, with the lock named in that
/// function's terms.
struct ReachedUse {
  MemLoc Loc;
  const LockUse *Use = nullptr;
};

class LockObjects {
public:
  explicit LockObjects(ProcessModel &M);
  ~LockObjects();

  /// The lock type \p T is (through typedefs), if it is one.
  std::optional<LockTypeInfo> lockType(clang::QualType T) const;

  /// A lock of a type \p Want accepts, inside \p T: \p T itself, a member
  /// (of a member...), a base, an array element. Members of standard
  /// library classes are not searched (their storage is on the heap).
  struct Contained {
    LockTypeInfo Type;
    std::string Path; ///< "" for T itself, ".lock", ".inner.m"
    /// The member holding the lock, and whether it has a default member
    /// initialiser (`pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;`).
    const clang::FieldDecl *Field = nullptr;
    bool DefaultInitialised = false;
  };
  std::optional<Contained>
  containedLock(clang::QualType T,
                llvm::function_ref<bool(const LockTypeInfo &, bool DefaultInit)> Want) const;

  /// Every initialisation of a lock in the translation unit.
  const std::vector<LockInit> &inits();
  /// Every use of a lock object in the translation unit.
  const std::vector<std::unique_ptr<LockUse>> &uses();
  /// The uses written in \p FD.
  llvm::ArrayRef<const LockUse *> usesIn(const clang::FunctionDecl *FD);

  /// The uses running \p FD reaches: its own and its callees' (functions of
  /// this translation unit), mapped into \p FD's terms. Locks whose place
  /// cannot be named in \p FD's terms are left out.
  const std::vector<ReachedUse> &reachedFrom(const clang::FunctionDecl *FD);

  /// The lock \p U uses, named in its function's terms.
  std::optional<MemLoc> lockOf(const LockUse &U) const;

  /// Where the lock \p L (in some function's terms) lives (asked only whether
  /// it is private): Private for a
  /// named object (a global, a static, a local), where its pointer points
  /// when it is reached through one pointer, Unknown otherwise.
  Provenance placeOf(const MemLoc &L);

  /// True when this translation unit's own code starts a thread (rules:
  /// thread_start), or hands on a function shaped like a thread's start
  /// routine (`void *f(void *)`).
  bool translationUnitStartsThreads();

  /// The value of a named constant: an enumerator (glibc's
  /// PTHREAD_PROCESS_SHARED) or a macro.
  std::optional<int64_t> namedConstant(llvm::StringRef Name);

private:
  struct AttrFlow;
public:
  /// What a function does to a lock attribute object it is given (the
  /// numbers are the index's).
  enum class AttrEffect : uint8_t { None = 0, MakesPrivate = 1, MakesShared = 2, Unknown = 3 };
  /// What a call of \p Callee does to the lock attribute object its
  /// parameter \p Param points to (a function of this file, or of another
  /// one as the project index says).
  AttrEffect attrEffect(const clang::FunctionDecl *Callee, unsigned Param);

private:
  Pshared psharedValue(const clang::Expr *Arg, llvm::StringRef SharedValue);
  void classify(LockInit &I);
  /// The initialisations and uses made by calls of \p Callee, a function of
  /// another file the project index summarises.
  void indexExternal(const clang::FunctionDecl *Callee);

  ProcessModel &M;
  bool Indexed = false;
  std::vector<LockInit> Inits;
  std::deque<LockInitRule> IndexRules; ///< of the initialisations by other files' functions
  std::vector<std::unique_ptr<LockUse>> Uses;
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const LockUse *>> UsesByFunction;
  struct ReachedEntry {
    bool Done = false;
    std::vector<ReachedUse> Uses;
  };
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<ReachedEntry>> Reached;
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>, AttrEffect> AttrEffects;
  std::optional<bool> Threads;
  void index();
};

} // namespace procshare

#endif
