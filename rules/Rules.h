//===- Rules.h - The API knowledge base -----------------------------------===//
//
// What procshare knows about the APIs it reasons about: which functions fork,
// exec, end the process, wait, take locks, allocate shared memory, start
// threads, or are async-signal-safe. The defaults (rules/default.json) are
// compiled into every binary; a user rules file extends or overrides them so
// a codebase can declare its own wrappers. docs/rules.md describes the format.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_RULES_RULES_H
#define PROCSHARE_RULES_RULES_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace procshare {

/// A function that creates a child process which continues in the caller.
struct ForkRule {
  bool Vfork = false;
  /// Which result means "this is the child": "zero" (fork's convention:
  /// 0 in the child, the pid in the parent, -1 on failure) or "nonzero"
  /// (a wrapper returning true in the child and false in the parent).
  bool ChildIsZero = true;
  /// Whether a failure (-1, no child) reaches the caller; false for a
  /// wrapper that retries until it succeeds or ends the process when the
  /// fork fails.
  bool MayFail = true;
};

struct SharedAllocRule {
  /// Index of the flags argument that must contain one of SharedFlags for
  /// the memory to be shared; -1 when the memory is always shared.
  int FlagsArg = -1;
  std::vector<std::string> SharedFlags;
};

/// An IPC object that connects only the processes forked after it is made:
/// an anonymous shared mapping, a pipe, a socket pair.
struct InheritedIpcRule {
  /// The argument that receives the object (pipe's fd array); -1: the result.
  int ObjectArg = -1;
  /// The call makes such an object only when argument FlagsArg has every
  /// flag of Flags set (mmap: MAP_SHARED and MAP_ANONYMOUS) ...
  int FlagsArg = -1;
  std::vector<std::string> Flags;
  /// ... and argument KeyArg equals the constant Key (shmget: IPC_PRIVATE).
  int KeyArg = -1;
  std::string Key;
  /// What messages call it ("an anonymous shared mapping", "a pipe").
  std::string What;
};

enum class LockKind { Acquire, TryAcquire, Release };

struct LockRule {
  LockKind Kind = LockKind::Acquire;
  unsigned LockArg = 0;
  /// For flock/lockf-style calls: the argument whose flag turns the call into
  /// a release; -1 when there is none.
  int UnlockIfArg = -1;
  std::string UnlockFlag;
  /// For try_acquire: the result that means success (pthread's 0, or
  /// std::mutex::try_lock's true).
  bool SuccessIsZero = true;
};

enum class LockSharing { Private, Configurable, Shared };

struct LockTypeRule {
  LockSharing Sharing = LockSharing::Private;
  /// What to use instead between processes, for messages.
  std::string Remedy;
};

/// A function that initialises a lock object and decides whether it works
/// between processes: through an attribute object (pthread_mutex_init) or a
/// pshared argument (sem_init, pthread_spin_init). With neither, the lock is
/// process-private.
struct LockInitRule {
  unsigned LockArg = 0;
  int AttrArg = -1;    ///< the attribute object; NULL means defaults
  int PsharedArg = -1; ///< the pshared flag
  /// The constant that means "process-shared" (PTHREAD_PROCESS_SHARED);
  /// empty: any nonzero value (sem_init).
  std::string SharedValue;
};

/// A function on a lock attribute object: one that (re)initialises it to
/// the process-private default, or one that sets its pshared attribute.
struct LockAttrRule {
  bool SetsPshared = false;
  unsigned AttrArg = 0;
  unsigned PsharedArg = 1;
  std::string SharedValue; ///< as in LockInitRule
};

class Rules {
public:
  /// The compiled-in defaults.
  static std::shared_ptr<const Rules> defaults();

  /// The defaults merged with the user rules file at \p Path. Cached by path,
  /// size and modification time, so an edited file is re-read. On error
  /// returns null and sets \p Error to "FILE:LINE:COL: message".
  static std::shared_ptr<const Rules> get(llvm::StringRef Path,
                                          std::string &Error);

  /// Merge \p Text (the contents of \p Name) over the defaults, uncached.
  static std::shared_ptr<const Rules> parse(llvm::StringRef Name,
                                            const std::string &Text,
                                            std::string &Error);

  /// Resolves a rules path given in an option: absolute paths as they are;
  /// a relative path is looked up in the directory of \p MainFile and its
  /// parents (as .clang-tidy files are), then in the working directory.
  static std::string resolvePath(llvm::StringRef Option,
                                 llvm::StringRef MainFile);

  /// Lookups take a fully qualified name without template arguments
  /// ("fork", "std::exit", "ngx_shmtx_lock").
  const ForkRule *fork(llvm::StringRef Name) const { return find(Forks, Name); }
  bool isExec(llvm::StringRef Name) const { return Exec.count(Name); }
  bool isTerminate(llvm::StringRef Name) const { return Terminate.count(Name); }
  bool isExit(llvm::StringRef Name) const { return Exit.count(Name); }
  bool isWait(llvm::StringRef Name) const { return Wait.count(Name); }
  /// The argument of a wait that holds its options (WNOHANG), or -1.
  int waitOptionsArg(llvm::StringRef Name) const {
    auto It = WaitOptions.find(Name);
    return It == WaitOptions.end() ? -1 : int(It->second);
  }
  bool isSpawn(llvm::StringRef Name) const { return Spawn.count(Name); }
  /// A function that runs as the body of a child process the program forks
  /// elsewhere (a prefork server's worker main, an nginx module's handler).
  bool isChildEntry(llvm::StringRef Name) const { return ChildEntry.count(Name); }
  bool isThreadStart(llvm::StringRef Name) const { return ThreadStart.count(Name); }
  /// Waits for a thread to end (`pthread_join`, `std::thread::join`); the
  /// thread is argument 0, or the object of a method.
  bool isThreadJoin(llvm::StringRef Name) const { return ThreadJoin.count(Name); }
  bool isAsyncSignalSafe(llvm::StringRef Name) const {
    return AsyncSignalSafe.count(Name);
  }
  /// Functions, or classes whose every member, that allocate, lock or do
  /// I/O through stdio: not to be called in the child of a threaded process
  /// (C++ names; C library functions are unsafe unless listed as safe).
  bool isAsyncSignalUnsafe(llvm::StringRef Name) const {
    return AsyncSignalUnsafe.count(Name);
  }
  /// A function that takes a process id and acts on every process (or every
  /// child) when given -1 (`kill`, `waitpid`): the index of that argument.
  int pidUseArg(llvm::StringRef Name) const { return argOf(PidUses, Name); }
  /// Stdio: the stream argument of a buffered write (-1: stdout, as
  /// `printf`), of a flush (-1: every stream, as `fcloseall`; a NULL
  /// argument also means every stream), of a call that sets the stream's
  /// buffering (`setvbuf`). nullopt when \p Name is not in the category.
  std::optional<int> stdioWriteStream(llvm::StringRef Name) const {
    return streamOf(StdioWrites, Name);
  }
  std::optional<int> stdioFlushStream(llvm::StringRef Name) const {
    return streamOf(StdioFlushes, Name);
  }
  std::optional<int> stdioBufferingStream(llvm::StringRef Name) const {
    return streamOf(StdioBuffering, Name);
  }
  /// The argument a library function writes through (`memcpy`: 0,
  /// `read`: 1), or -1.
  int writeThroughArg(llvm::StringRef Name) const {
    auto It = WriteThrough.find(Name);
    return It == WriteThrough.end() ? -1 : int(It->second);
  }
  /// Methods of standard containers and strings that change the object
  /// (`push_back`, `insert`, `operator=`...); an unqualified method name.
  bool isMutatingMethod(llvm::StringRef Name) const {
    return MutatingMethods.count(Name);
  }
  /// A class whose objects own memory on their process's heap (std::string,
  /// containers, std::shared_ptr, std::function): meaningless in another
  /// process's view of shared memory.
  bool isHeapOwningType(llvm::StringRef Name) const { return HeapOwningTypes.count(Name); }
  const InheritedIpcRule *inheritedIpc(llvm::StringRef Name) const {
    return find(InheritedIpcs, Name);
  }
  const SharedAllocRule *sharedAlloc(llvm::StringRef Name) const {
    return find(SharedAllocs, Name);
  }
  /// Allocates process-private memory (malloc, strdup...).
  bool isPrivateAlloc(llvm::StringRef Name) const { return PrivateAllocs.count(Name); }
  bool isDealloc(llvm::StringRef Name) const { return Deallocs.count(Name); }
  /// Releases only the calling process's own resources (close, free...): a
  /// child that runs it on its way out harms no other process.
  bool isProcessLocal(llvm::StringRef Name) const {
    return ProcessLocal.count(Name) || Deallocs.count(Name);
  }
  const LockRule *lock(llvm::StringRef Name) const { return find(Locks, Name); }
  const LockTypeRule *lockType(llvm::StringRef Name) const {
    return find(LockTypes, Name);
  }
  const LockInitRule *lockInit(llvm::StringRef Name) const {
    return find(LockInits, Name);
  }
  const LockAttrRule *lockAttr(llvm::StringRef Name) const {
    return find(LockAttrs, Name);
  }
  /// A call that uses a synchronisation object without taking it
  /// (pthread_cond_wait, pthread_barrier_wait): the index of that argument.
  int lockUseArg(llvm::StringRef Name) const {
    auto It = LockUses.find(Name);
    return It == LockUses.end() ? -1 : int(It->second);
  }
  /// An RAII class whose constructor takes a lock and destructor releases it.
  bool isLockGuard(llvm::StringRef Name) const { return LockGuards.count(Name); }

private:
  friend class RulesBuilder;
  template <typename T>
  static const T *find(const llvm::StringMap<T> &Map, llvm::StringRef Name) {
    auto It = Map.find(Name);
    return It == Map.end() ? nullptr : &It->second;
  }
  static int argOf(const llvm::StringMap<unsigned> &Map, llvm::StringRef Name) {
    auto It = Map.find(Name);
    return It == Map.end() ? -1 : int(It->second);
  }
  static std::optional<int> streamOf(const llvm::StringMap<int> &Map,
                                     llvm::StringRef Name) {
    auto It = Map.find(Name);
    if (It == Map.end())
      return std::nullopt;
    return It->second;
  }
  struct Empty {};
  llvm::StringMap<ForkRule> Forks;
  llvm::StringMap<Empty> Exec, Terminate, Exit, Wait, Spawn, ChildEntry, ThreadStart, ThreadJoin,
      AsyncSignalSafe, AsyncSignalUnsafe, HeapOwningTypes, MutatingMethods, PrivateAllocs, Deallocs, ProcessLocal, LockGuards;
  llvm::StringMap<unsigned> WriteThrough, LockUses, PidUses, WaitOptions;
  llvm::StringMap<int> StdioWrites, StdioFlushes, StdioBuffering;
  llvm::StringMap<LockInitRule> LockInits;
  llvm::StringMap<LockAttrRule> LockAttrs;
  llvm::StringMap<SharedAllocRule> SharedAllocs;
  llvm::StringMap<InheritedIpcRule> InheritedIpcs;
  llvm::StringMap<LockRule> Locks;
  llvm::StringMap<LockTypeRule> LockTypes;
};

} // namespace procshare

#endif
