//===- ThreadLockAcrossProcessesCheck.h - thread-lock-across-processes ----===//
//
// The C/C++ counterpart of handing a `threading.Lock` to a
// `multiprocessing.Process`: a lock that only works between the threads of
// one process, relied on between processes. Finds process-private pthread
// objects and semaphores in shared memory, std::mutex and friends placed in
// shared memory, locks in process-private memory used by a child and its
// parent (or its siblings) or held to guard shared memory, and locks made
// process-shared that do not live in shared memory.
// docs/checks/thread-lock-across-processes.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_THREADLOCKACROSSPROCESSESCHECK_H
#define PROCSHARE_CHECKS_THREADLOCKACROSSPROCESSESCHECK_H

#include "checks/ProcshareCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <set>
#include <string>

namespace procshare {

class ThreadLockAcrossProcessesCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

private:
  void checkInits(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkPlacements(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkNeverInitialised(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkForks(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkGuardedSharedWrites(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);

  /// The declarations a lock is known by across functions: the member or
  /// variable holding it, or the pointer it is reached through.
  const clang::Decl *lockKey(const clang::Expr *E, bool IsPointer);
  /// True when something in this file initialises the lock known by \p Key
  /// (an init call, a struct copy, a memcpy or memset of what contains it).
  /// With \p WholeWrites false, only initialisations of that lock count.
  bool initialisedSomewhere(const clang::Decl *Key, clang::ASTContext &Ctx,
                            bool WholeWrites = true);

  /// What was reported in this translation unit, so nothing is reported twice.
  llvm::DenseSet<std::pair<const void *, const void *>> Reported;
  /// Locks in process-private memory reported in a function (by place).
  std::set<std::pair<const clang::FunctionDecl *, std::string>> ReportedPlaces;
  /// What each function contains, grouped once per translation unit so that
  /// no function scans the whole file's list.
  struct PerFunction {
    std::vector<const LockInit *> Inits;
    std::vector<std::pair<const clang::Expr *, bool>> Placements; ///< (expr, is new)
  };
  const PerFunction *contents(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  bool Grouped = false;
  llvm::DenseMap<const clang::FunctionDecl *, PerFunction> ByFunction;

  /// Built on first use, per translation unit.
  bool KeysBuilt = false;
  llvm::DenseSet<const clang::Decl *> InitialisedKeys;
  llvm::DenseSet<const clang::RecordDecl *> WholeWritten;
};

} // namespace procshare

#endif
