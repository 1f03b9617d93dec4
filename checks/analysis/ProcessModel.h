//===- ProcessModel.h - Per-translation-unit process model -----------------===//
//
// The shared engine every check stands on. For one translation unit it keeps
// each function's CFG and summary (computed once, on first use) and the
// process regions of every fork site. Checks ask it questions; they never walk
// callees themselves.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_PROCESSMODEL_H
#define PROCSHARE_CHECKS_ANALYSIS_PROCESSMODEL_H

#include "checks/analysis/LockObjects.h"
#include "checks/analysis/LockSets.h"
#include "checks/analysis/MemoryEffects.h"
#include "checks/analysis/ProcessRegions.h"
#include "checks/analysis/SharedMemory.h"
#include "checks/analysis/StdioBuffers.h"
#include "checks/analysis/ThreadStarts.h"
#include "index/ProjectIndex.h"
#include "rules/Rules.h"
#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/StringSaver.h"
#include <memory>
#include <vector>

namespace procshare {

/// What one function does to the process that calls it, summarised once.
struct FunctionSummary {
  /// No path returns: every path ends the process (exit, _exit, abort...)
  /// or loops forever.
  bool NeverReturns = false;
  /// Paths return only after an exec* call that failed.
  bool ReturnsOnlyAfterExecFailure = false;
  /// Every returning path last calls a function whose body is not visible,
  /// so the call may never return.
  bool ReturnsOnlyThroughUnknownCall = false;
  /// Returns a fork result for its caller to branch on (a fork wrapper).
  bool ForkWrapper = false;
  ForkRule WrapperRule;
};

/// What a call does to the path it is on.
enum class CallEffect {
  Returns,          ///< an ordinary call that comes back
  Ends,             ///< never returns
  Exec,             ///< returns only if exec failed
  MayNotReturn,     ///< body not visible and result unused: may not return
};

class ProcessModel {
public:
  /// The model of the translation unit being analysed on this thread.
  /// \p Index, when given, answers for the functions and globals of other
  /// translation units.
  static ProcessModel &get(clang::ASTContext &Ctx, std::shared_ptr<const Rules> R,
                           std::shared_ptr<const ProjectIndex> Index = nullptr);
  /// Forget the previous translation unit (called at its start).
  static void startTranslationUnit();
  /// The models of the translation unit just analysed (for its summary).
  static llvm::ArrayRef<std::unique_ptr<ProcessModel>> currentModels();

  ProcessModel(clang::ASTContext &Ctx, std::shared_ptr<const Rules> R,
               std::shared_ptr<const ProjectIndex> Index = nullptr);
  ~ProcessModel();

  clang::ASTContext &context() { return Ctx; }
  const Rules &rules() const { return *R; }
  std::shared_ptr<const Rules> rulesPtr() const { return R; }

  /// The project index (null when there is none).
  const ProjectIndex *projectIndex() const { return Index.get(); }
  /// What the project index says of \p Callee, a function with external
  /// linkage declared (not defined) in this translation unit outside the
  /// system headers, read for \p A. Null when it has a body here, there is
  /// no index, or the project does not define it.
  const FunctionFacts *external(const clang::FunctionDecl *Callee, Aspect A);
  /// The same for any function with external linkage of the project, with
  /// or without a body here (what its callers elsewhere know of it).
  const FunctionFacts *indexed(const clang::FunctionDecl *FD, Aspect A);
  /// What the project assigns to the global or the field \p D.
  const IndexGlobal *indexedGlobal(const clang::ValueDecl *D, Aspect A = Aspect::Global);
  /// The USR naming \p D in the index (cached, kept as long as the model);
  /// empty if none.
  llvm::StringRef usr(const clang::Decl *D);
  /// The global variable of this translation unit with USR \p Usr, if it
  /// declares one.
  const clang::VarDecl *globalVar(llvm::StringRef Usr);
  /// A place of another file as a location of this translation unit (the
  /// file is entered into the source manager if needed); invalid if the file
  /// cannot be read.
  clang::SourceLocation location(const SourcePoint &P);
  /// Where \p L is, as the index records places.
  SourcePoint point(clang::SourceLocation L) const;

  /// True when \p FD runs as the body of a child process: a rules
  /// `child_entry`, or a function handed to a helper that runs it in a
  /// forked child (`spawn_worker(child_main, arg)`). \p Via receives that
  /// call, when there is one.
  bool isChildEntry(const clang::FunctionDecl *FD, const clang::CallExpr **Via = nullptr);
  /// The parameters of \p FD that hold a function it runs in a forked child
  /// (directly, or by handing it to such a helper); from the index for a
  /// function without a body here.
  std::vector<unsigned> childCallbacks(const clang::FunctionDecl *FD);
  /// A raw exit system call: syscall(__NR_exit_group, ...), SYS_exit...
  bool isExitSyscall(const clang::CallExpr *CE) const;
  /// \p FD forks, and every parent path returns only after waiting since
  /// the fork, without forking again before it waits (a spawn helper whose
  /// child runs alone); from the index for a helper of another file.
  bool waitsForChild(const clang::FunctionDecl *FD);
  /// The child of \p F runs alone: no sibling of the same fork runs beside
  /// it (the parent waits before it forks again or returns) and the parent
  /// writes no memory outside its locals before it waits (children one at a
  /// time, each waited for before the next fork).
  bool childRunsAlone(const ForkRegions &F);
  /// True when the parent reaches \p S only after it has waited for the
  /// child of \p F (a fork, kill and wait per loop round): S and the child
  /// never run at the same time.
  bool parentRunsAfterChild(const ForkRegions &F, const clang::Stmt *S);

  /// The definition of \p FD in this translation unit, else its canonical
  /// declaration: the key the model's maps use.
  static const clang::FunctionDecl *definitionOf(const clang::FunctionDecl *FD);

  /// Fully qualified name without template arguments, as rules name it.
  static std::string ruleName(const clang::NamedDecl *D);

  /// The fork rule when \p CE creates a child that continues in the caller:
  /// listed in rules, or a fork wrapper of this translation unit.
  std::optional<ForkRule> forkRule(const clang::CallExpr *CE);

  /// What \p CE does to its path. \p PM is the parent map of the caller.
  /// Without \p MayNotReturn, a call that might not come back is taken to
  /// return (for questions that only ask whether the path ends or execs).
  CallEffect callEffect(const clang::CallExpr *CE, const clang::ParentMap &PM,
                        bool MayNotReturn = true);

  /// The summary of \p FD (its definition), computed once.
  const FunctionSummary &summary(const clang::FunctionDecl *FD);

  /// True when \p FD forks, directly or through functions of this
  /// translation unit. Cheap: an AST walk, no CFG.
  bool mayFork(const clang::FunctionDecl *FD);
  /// A fork call in \p FD or in what it calls; null if none.
  const clang::CallExpr *firstForkReachedFrom(const clang::FunctionDecl *FD);

  /// True when \p CE waits for a child: a wait-like function of the rules,
  /// or a function of this translation unit that calls one (transitively).
  bool mayWait(const clang::CallExpr *CE);
  /// \p CE calls a wait of the rules that blocks until a child changes state
  /// (not `waitpid(..., WNOHANG)`).
  bool isWaitCall(const clang::CallExpr *CE) const;
  /// The wait \p CE of the rules' \p Name blocks: its options, if the rules
  /// name them, are not a constant with WNOHANG.
  bool waitBlocks(const clang::CallExpr *CE, llvm::StringRef Name) const;

  /// The calls written in \p FD's body (not in lambdas it defines), once.
  llvm::ArrayRef<const clang::CallExpr *> callsIn(const clang::FunctionDecl *FD);

  /// Whether \p S in \p FD runs while several processes exist.
  enum class ProcessContext {
    Single,  ///< only one process: before the first fork, or only called so
    Several, ///< known: in a fork region, or called from one in this file
    Unknown, ///< other files or function pointers may call it from anywhere
  };
  /// Code no path runs (after a call that never returns) is Single.
  /// In a function that forks: Several when \p S runs in a child or in a
  /// parent that has one, Single before the first fork or on the failure
  /// path. Elsewhere: Several when some call of \p FD in this file is in such
  /// code, Single when \p FD is internal and every call of it is Single, and
  /// otherwise what the project index resolved from its callers in other
  /// files (with \p CallersElsewhere), or Unknown.
  /// processContext, for updates that race only with one running at the
  /// same time: a child that runs alone, and a parent that has waited for
  /// its child, have the context of their function.
  ProcessContext concurrentContext(const clang::FunctionDecl *FD, const clang::Stmt *S);
  /// concurrentContext, for an update of the memory \p Source maps. A
  /// mapping a call makes anew is held only by the process that made it
  /// and the children it forks after: where every way to \p S runs after
  /// the mapping in the process that made it, and no process forked since
  /// runs beside it, \p S is Single for that memory, whatever ran before
  /// (stress-ng's instances, forked first, each mapping their own).
  ProcessContext concurrentContext(const clang::FunctionDecl *FD, const clang::Stmt *S,
                                   const SharedOrigin &Source);
  ProcessContext processContext(const clang::FunctionDecl *FD, const clang::Stmt *S,
                                unsigned Depth = 0, bool CallersElsewhere = true);

  /// True when code of this translation unit takes a lock (a call of a
  /// rules lock function).
  bool translationUnitLocks();

  /// True when some code of this translation unit calls a fork-like
  /// function of the rules.
  bool translationUnitForks();

  /// The fork sites of \p FD with their regions, computed once.
  const std::vector<ForkRegions> &forks(const clang::FunctionDecl *FD);

  /// A call of a function of this translation unit, and the function making
  /// it (null for calls in initialisers of globals).
  struct CallSite {
    const clang::CallExpr *Call;
    const clang::FunctionDecl *Caller;
  };
  /// One walk over the translation unit, on first use: every direct call,
  /// every value assigned to a variable or a field, and the declarations
  /// whose address is taken.
  struct TUIndex {
    /// Every function definition (template instantiations and lambdas'
    /// call operators included), in the order of the AST.
    std::vector<const clang::FunctionDecl *> Definitions;
    /// Variables of static storage (not static locals) with an initialiser.
    std::vector<const clang::VarDecl *> GlobalInits;
    llvm::DenseMap<const clang::FunctionDecl *, std::vector<CallSite>> Calls;
    llvm::DenseMap<const clang::ValueDecl *, std::vector<const clang::Expr *>> Assigned;
    llvm::DenseMap<const clang::ValueDecl *, bool> AddressTaken;
    /// How many times a function is named other than by a direct call.
    llvm::DenseMap<const clang::FunctionDecl *, unsigned> AddressUses;
    /// Constructions that start a thread (rules: thread_start, such as
    /// std::thread::thread).
    /// (the function they are in; null in the initialiser of a global).
    std::vector<std::pair<const clang::CXXConstructExpr *, const clang::FunctionDecl *>>
        ThreadConstructions;
    /// Constructions of the rules' lock guards (`std::lock_guard g(m)`).
    std::vector<std::pair<const clang::CXXConstructExpr *, const clang::FunctionDecl *>>
        LockGuards;
    /// Placement news (`new (shm) T`), and the function they are in.
    std::vector<std::pair<const clang::CXXNewExpr *, const clang::FunctionDecl *>>
        PlacementNews;
    /// Explicit casts to a pointer to a class (`(S *)mmap(...)`).
    std::vector<std::pair<const clang::ExplicitCastExpr *, const clang::FunctionDecl *>>
        ClassPointerCasts;
    /// Assignments of whole structs or unions (`shm->m = m0`).
    std::vector<std::pair<const clang::BinaryOperator *, const clang::FunctionDecl *>>
        AggregateAssignments;
    /// Variables of static storage declared outside the system headers
    /// (canonical declarations).
    std::vector<const clang::VarDecl *> GlobalVars;
    /// Functions passed as arguments: the call and the argument's index.
    llvm::DenseMap<const clang::FunctionDecl *,
                   std::vector<std::pair<const clang::CallExpr *, unsigned>>>
        FunctionArgs;
  };
  const TUIndex &index();

  /// Every direct call of \p FD in this translation unit.
  llvm::ArrayRef<CallSite> callSites(const clang::FunctionDecl *FD);

  /// Shared-memory provenance, built on first use.
  SharedMemory &sharedMemory();
  /// The value of a macro defined as one number (MAP_SHARED, LOCK_UN,
  /// F_SETLKW...): from the preprocessor, or the Linux value of the flags the
  /// default rules name when there is none.
  std::optional<int64_t> macroValue(llvm::StringRef Name) const;

  /// Lock sets, built on first use.
  LockSets &lockSets();
  /// Unflushed stdio output, solved per function on first use.
  StdioBuffers &stdioBuffers();
  /// Where threads are started, built on first use.
  ThreadStarts &threadStarts();
  /// True when the CFG of \p FD can run \p To after \p From.
  bool reaches(const clang::FunctionDecl *FD, const clang::Stmt *From,
               const clang::Stmt *To);
  /// False when no path from \p FD's entry runs \p S: it follows a call
  /// that never returns (`shim_exit_group(0); count++;`).
  bool live(const clang::FunctionDecl *FD, const clang::Stmt *S);
  /// True when every path of \p FD's CFG from its entry to \p To runs
  /// \p From first.
  bool dominates(const clang::FunctionDecl *FD, const clang::Stmt *From,
                 const clang::Stmt *To);
  /// The function of this translation unit whose body makes the call
  /// \p CE (null for a call in a global's initialiser, or not found).
  const clang::FunctionDecl *callerOf(const clang::CallExpr *CE);
  /// Lock objects: their types, initialisations and uses, built on first use.
  LockObjects &lockObjects();

  /// Lets the analyses read macro values (MAP_SHARED...); set by the checks.
  void setPreprocessor(const clang::Preprocessor *P) {
    if (!PP)
      PP = P;
  }

  /// Memory effects (what functions write and read), built on first use.
  MemoryEffects &memoryEffects();

  /// True when returning from \p FD ends the process without running more
  /// of the program: \p FD is internal to this translation unit, it is
  /// called, and every call is followed only by a return from main (or from
  /// a function for which the same holds) or by a call that ends the process.
  bool returnEndsProcess(const clang::FunctionDecl *FD, unsigned Depth = 0);

  /// Where statement \p S sits in \p FD's CFG: its block and the index of
  /// the element after it (an index built once per function).
  struct CFGPosition {
    const clang::CFGBlock *Block;
    unsigned After;
  };
  std::optional<CFGPosition> position(const clang::FunctionDecl *FD,
                                      const clang::Stmt *S);

  /// The CFG of \p FD's definition (null if it has no body or no CFG could
  /// be built), and its parent map.
  const clang::CFG *cfg(const clang::FunctionDecl *FD);
  const clang::ParentMap *parents(const clang::FunctionDecl *FD);

private:
  struct FunctionInfo;
  FunctionInfo &info(const clang::FunctionDecl *FD);
  enum class Reach { Fork, Wait };
  /// concurrentContext's question for memory \p Map makes in \p Maker:
  /// Several when a process forked after the mapping runs beside \p S,
  /// Single when none does and every way to \p S comes from \p Maker
  /// after \p Map, none when some way does not. \p Chain: the functions
  /// the walk up the callers has passed; \p Steps: the functions it asked
  /// about (the walk gives up past a bound).
  std::optional<ProcessContext>
  sinceMapping(const clang::FunctionDecl *FD, const clang::Stmt *S,
               const clang::FunctionDecl *Maker, const clang::CallExpr *Map,
               llvm::SmallVectorImpl<const clang::FunctionDecl *> &Chain, unsigned &Steps);
  const clang::CallExpr *nearestCall(const clang::FunctionDecl *FD, Reach What);

  clang::ASTContext &Ctx;
  std::shared_ptr<const Rules> R;
  std::shared_ptr<const ProjectIndex> Index;
  llvm::DenseMap<const clang::Decl *, llvm::StringRef> Usrs;
  llvm::BumpPtrAllocator UsrStorage;
  llvm::StringSaver UsrSaver{UsrStorage};
  llvm::StringMap<clang::FileID> ExternalFiles;
  std::optional<llvm::StringMap<const clang::VarDecl *>> GlobalsByUsr;
  llvm::DenseMap<const clang::FunctionDecl *, std::optional<std::vector<unsigned>>> Callbacks;
  llvm::DenseMap<const clang::FunctionDecl *, std::pair<bool, const clang::CallExpr *>>
      ChildEntries;
  llvm::DenseMap<const ForkRegions *, bool> Alone;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<FunctionInfo>> Infos;
  std::unique_ptr<TUIndex> TheIndex;
  const clang::Preprocessor *PP = nullptr;
  std::unique_ptr<SharedMemory> Shared;
  std::unique_ptr<MemoryEffects> Effects;
  std::unique_ptr<LockSets> Locks;
  std::unique_ptr<LockObjects> LockObjs;
  std::unique_ptr<ThreadStarts> Threads;
  std::unique_ptr<StdioBuffers> Stdio;
  std::optional<bool> TUForks, TULocks;
};

} // namespace procshare

#endif
