//===- ProcshareModule.cpp - Registers the procshare checks ---------------===//
//
// One module, registered with clang-tidy's module registry. Every front end
// (the procshare CLI, the clang-tidy plugin, procshare-clangd) links these
// same objects, so all three run the very same checks.
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"
#include "checks/ChildWriteNotPropagatedCheck.h"
#include "checks/ExitInChildCheck.h"
#include "checks/MissingChildGuardCheck.h"
#include "checks/NonShareableInSharedMemoryCheck.h"
#include "checks/SharedMappingAfterForkCheck.h"
#include "checks/ThreadLockAcrossProcessesCheck.h"
#include "checks/UncheckedForkFailureCheck.h"
#include "checks/UnflushedStdioBeforeForkCheck.h"
#include "checks/UnlockedSharedRmwCheck.h"
#include "checks/UnsafeCallInThreadedChildCheck.h"
#include "checks/VforkMisuseCheck.h"
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
      {"procshare-exit-in-child",
       "Finds exit(), std::exit, quick_exit and returns from main in a forked "
       "child that has not exec'd: they run the parent's atexit handlers and "
       "static destructors in the child and flush the stdio buffers copied "
       "from the parent.",
       "checks/exit-in-child.md"},
      {"procshare-missing-child-guard",
       "Finds forked children that are not fenced off from the parent's code: "
       "a discarded fork result, a child path that falls into parent code, "
       "returns to a caller that cannot tell it from the parent, loops back "
       "to the fork, or a fork that runs during static initialisation.",
       "checks/missing-child-guard.md"},
      {"procshare-non-shareable-in-shared-memory",
       "Finds what cannot mean the same in every process put in memory shared "
       "between them: pointers to process-private memory, objects that own "
       "heap memory or have a vtable, std::atomic that is not lock-free, and "
       "objects holding pointers written byte-wise to a pipe or socket pair.",
       "checks/non-shareable-in-shared-memory.md"},
      {"procshare-shared-mapping-after-fork",
       "Finds anonymous shared mappings, private System V segments, pipes and "
       "socket pairs made by one process after fork() and used by the other: "
       "only processes forked after an object is made inherit it.",
       "checks/shared-mapping-after-fork.md"},
      {"procshare-thread-lock-across-processes",
       "Finds locks that only work between the threads of one process relied "
       "on between processes: process-private pthread objects and semaphores "
       "in shared memory, std::mutex and friends placed there, locks in "
       "process-private memory used by a child and its parent or held to "
       "guard shared memory, and process-shared locks that do not live in "
       "shared memory.",
       "checks/thread-lock-across-processes.md"},
      {"procshare-unchecked-fork-failure",
       "Finds fork results that may be -1 reaching kill, killpg or waitpid, or "
       "kept for later signalling, without a check for failure: kill(-1, sig) "
       "signals every process the user may signal.",
       "checks/unchecked-fork-failure.md"},
      {"procshare-unflushed-stdio-before-fork",
       "Finds output written to a buffered stdio stream or iostream that may "
       "still be buffered when fork() copies the process, in programs whose "
       "child flushes its copy: the output is written twice when the stream "
       "is a pipe or a file.",
       "checks/unflushed-stdio-before-fork.md"},
      {"procshare-unlocked-shared-rmw",
       "Finds read-modify-writes of memory shared between processes (++, --, "
       "+=, x = x op y, test-then-set) made with neither a lock held nor an "
       "atomic operation: another process's update can be lost.",
       "checks/unlocked-shared-rmw.md"},
      {"procshare-unsafe-call-in-threaded-child",
       "Finds calls that are not async-signal-safe (allocation, stdio, locks, "
       "setenv...) in the child of a process that has started threads, before "
       "the child calls exec or _exit: a lock another thread held at the fork "
       "stays locked forever.",
       "checks/unsafe-call-in-threaded-child.md"},
      {"procshare-vfork-misuse",
       "Finds anything but storing the pid, exec*() and _exit() in the child "
       "of vfork(), which borrows the parent's memory and stack until it "
       "execs or exits.",
       "checks/vfork-misuse.md"},
  };
  return Checks;
}

namespace {
class ProcshareModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<ChildWriteNotPropagatedCheck>(
        "procshare-child-write-not-propagated");
    Factories.registerCheck<ExitInChildCheck>("procshare-exit-in-child");
    Factories.registerCheck<MissingChildGuardCheck>("procshare-missing-child-guard");
    Factories.registerCheck<NonShareableInSharedMemoryCheck>(
        "procshare-non-shareable-in-shared-memory");
    Factories.registerCheck<SharedMappingAfterForkCheck>(
        "procshare-shared-mapping-after-fork");
    Factories.registerCheck<ThreadLockAcrossProcessesCheck>(
        "procshare-thread-lock-across-processes");
    Factories.registerCheck<UncheckedForkFailureCheck>(
        "procshare-unchecked-fork-failure");
    Factories.registerCheck<UnflushedStdioBeforeForkCheck>(
        "procshare-unflushed-stdio-before-fork");
    Factories.registerCheck<UnlockedSharedRmwCheck>("procshare-unlocked-shared-rmw");
    Factories.registerCheck<UnsafeCallInThreadedChildCheck>(
        "procshare-unsafe-call-in-threaded-child");
    Factories.registerCheck<VforkMisuseCheck>("procshare-vfork-misuse");
  }
};
} // namespace

static clang::tidy::ClangTidyModuleRegistry::Add<ProcshareModule>
    X("procshare-module", "Finds process-sharing bugs around fork().");

volatile int ProcshareModuleAnchorSource = 0;

} // namespace procshare
