//===- ProcshareModule.cpp - Registers the procshare checks ---------------===//
//
// One module, registered with clang-tidy's module registry. Every front end
// (the procshare CLI, the clang-tidy plugin, procshare-clangd) links these
// same objects, so all three run the very same checks.
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"
#include "checks/ChildWriteNotPropagatedCheck.h"
#include "checks/MissingChildGuardCheck.h"
#include "checks/ThreadLockAcrossProcessesCheck.h"
#include "checks/UnlockedSharedRmwCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace procshare {

llvm::ArrayRef<CheckInfo> checkCatalog() {
  static const CheckInfo Checks[] = {
      {"procshare-child-write-not-propagated",
       "Finds writes made in a forked child to memory that the parent reads "
       "after waiting for it: the child changed only its own copy, and the "
       "parent never sees the value.",
       "checks/child-write-not-propagated.md"},
      {"procshare-missing-child-guard",
       "Finds forked children that are not fenced off from the parent's code: "
       "a discarded fork result, a child path that falls into parent code, "
       "returns to a caller that cannot tell it from the parent, loops back "
       "to the fork, or a fork that runs during static initialisation.",
       "checks/missing-child-guard.md"},
      {"procshare-thread-lock-across-processes",
       "Finds locks that only work between the threads of one process relied "
       "on between processes: process-private pthread objects and semaphores "
       "in shared memory, std::mutex and friends placed there, locks in "
       "process-private memory used by a child and its parent or held to "
       "guard shared memory, and process-shared locks that do not live in "
       "shared memory.",
       "checks/thread-lock-across-processes.md"},
      {"procshare-unlocked-shared-rmw",
       "Finds read-modify-writes of memory shared between processes (++, --, "
       "+=, x = x op y, test-then-set) made with neither a lock held nor an "
       "atomic operation: another process's update can be lost.",
       "checks/unlocked-shared-rmw.md"},
  };
  return Checks;
}

namespace {
class ProcshareModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<ChildWriteNotPropagatedCheck>(
        "procshare-child-write-not-propagated");
    Factories.registerCheck<MissingChildGuardCheck>("procshare-missing-child-guard");
    Factories.registerCheck<ThreadLockAcrossProcessesCheck>(
        "procshare-thread-lock-across-processes");
    Factories.registerCheck<UnlockedSharedRmwCheck>("procshare-unlocked-shared-rmw");
  }
};
} // namespace

static clang::tidy::ClangTidyModuleRegistry::Add<ProcshareModule>
    X("procshare-module", "Finds process-sharing bugs around fork().");

volatile int ProcshareModuleAnchorSource = 0;

} // namespace procshare
