//===- ProcessRegions.h - Which process runs each statement ---------------===//
//
// For one fork-like call, computes on Clang's CFG which statements run in the
// child, in the parent, on the failure path (-1), or before the fork. Paths are
// split by branches on the fork result (`if (p == 0)`, `if (!p)`, `switch
// (fork())`, `if ((p = fork()) < 0)`, a pid kept in an array element or a
// member, a boolean derived from the pid) and end at calls that never return
// (declared noreturn, listed in rules, or inferred from their bodies).
//
// The state of a path is a set of (role, flags) pairs, so "every child path
// here has gone through a failed exec" is exact rather than approximated.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_PROCESSREGIONS_H
#define PROCSHARE_CHECKS_ANALYSIS_PROCESSREGIONS_H

#include "rules/Rules.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace clang {
class CFG;
class CFGBlock;
class ParentMap;
} // namespace clang

namespace procshare {

class ProcessModel;

/// Which process runs a statement, relative to one fork.
enum Role : uint8_t {
  RolePre = 1 << 0,     ///< no fork has happened yet on this path
  RoleChild = 1 << 1,   ///< the child
  RoleParent = 1 << 2,  ///< the parent, with a child running
  RoleFailure = 1 << 3, ///< the fork failed: one process, no child
};
using RoleSet = uint8_t;

/// "child", "parent|failure", ... for dumps and messages.
std::string roleSetName(RoleSet Roles);

struct ForkSite {
  const clang::CallExpr *Call = nullptr;
  const clang::FunctionDecl *Callee = nullptr;
  ForkRule Rule;
  /// `fork();` - nobody can tell the child from the parent.
  bool ResultDiscarded = false;
  /// A spawn helper (`spawn_worker(child_main, arg)`): it forks, runs a
  /// function in the child and comes back only in the parent. The child's
  /// code is ChildEntry (null when the argument is not a function of this
  /// translation unit); its statements are in the regions' Roles as the
  /// child's.
  bool ChildElsewhere = false;
  const clang::FunctionDecl *ChildEntry = nullptr;
  /// The spawn helper returns only once its child ended (it waits for it):
  /// the parent comes back having waited.
  bool ChildWaited = false;
};

/// A path on which the child leaves the code meant for it.
struct ChildEscape {
  enum Kind {
    FallsIntoParent, ///< reaches statements the parent also runs
    ReturnsToCaller, ///< returns from the function that forked
    LoopsToFork,     ///< goes round a loop and forks again
  };
  Kind K = FallsIntoParent;
  /// Where the child leaves its branch: the last statement it runs before
  /// the shared code, a break/continue, or the return. May be null.
  const clang::Stmt *ChildStmt = nullptr;
  /// The first parent statement the child reaches (FallsIntoParent,
  /// LoopsToFork) or the return statement (ReturnsToCaller; null when the
  /// child falls off the end of the function).
  const clang::Stmt *ParentStmt = nullptr;
  /// Only a failed exec* leads here (the child ran exec and it returned).
  bool OnlyIfExecFails = false;
  /// The exec call that may fail, when OnlyIfExecFails.
  const clang::CallExpr *Exec = nullptr;
};

/// The result of the analysis for one fork site.
struct ForkRegions {
  ForkSite Site;
  const clang::FunctionDecl *Function = nullptr;
  /// Roles of every statement the CFG reaches (union over paths).
  llvm::DenseMap<const clang::Stmt *, RoleSet> Roles;
  /// The roles in which a statement runs after a wait-like call (wait,
  /// waitpid..., or a function of this file that waits) since the fork.
  llvm::DenseMap<const clang::Stmt *, RoleSet> WaitedRoles;
  /// The roles in which a statement runs on some path with no wait since
  /// the fork (with the parent's role: what a child may run beside).
  llvm::DenseMap<const clang::Stmt *, RoleSet> UnwaitedRoles;
  /// The child is told apart from the parent somewhere (a branch on the
  /// result isolates a child-only path).
  bool ChildIsolated = false;
  /// The child reaches the fork again (loop).
  bool Reforks = false;
  /// The child can return to the caller, and does so only with the fork
  /// result (or 0) as return value: the function is a fork wrapper whose
  /// caller branches on the pid.
  bool ReturnsPidToCaller = false;
  /// A return is reached after the fork failed: a wrapper's caller may get
  /// the failure (not when the wrapper retries, or ends the process).
  bool ReturnsFailure = false;
  /// Every parent path that returns has waited since the fork (a spawn
  /// helper that runs a callback in the child and returns once it ended:
  /// stress-ng's stress_oomable_child): the child ran alone.
  bool ParentWaitsBeforeReturn = true;
  /// The parent reaches the fork again without having waited (children of
  /// this fork may run side by side).
  bool ParentReforksBeforeWait = false;
  /// The fork result is kept somewhere the caller can see (a member, a
  /// global, an out-parameter) when the child returns.
  bool StoresPidForCaller = false;
  /// The way the child leaves its code, if any; the earliest in the source.
  std::optional<ChildEscape> Escape;
  /// Arguments of calls that hold the fork result (`kill(pid, SIGTERM)`), and
  /// the roles in which the call runs.
  llvm::DenseMap<const clang::Expr *, RoleSet> ForkValueArgs;
  /// Assignments of the fork result to a place the caller or other functions
  /// can see (a global, a member, through a pointer), and their roles.
  std::vector<std::pair<const clang::BinaryOperator *, RoleSet>> NonLocalPidStores;
  /// The parent carries on running the program after the fork: some parent
  /// path returns from the function or goes round a loop. False when every
  /// parent path ends the process (daemonization: only the child continues).
  bool ParentSurvives = true;
  /// A child path falls off the end of the function (no return statement);
  /// the last statement it runs there.
  bool ChildFallsOffEnd = false;
  const clang::Stmt *ChildLastBeforeEnd = nullptr;
  /// An escape after which the child's last call goes to a function whose
  /// body is not visible here, so it may never happen (the callee may never
  /// return). Kept apart from Escape; reported only in strict mode.
  std::optional<ChildEscape> EscapeAfterUnknownCall;

  RoleSet rolesOf(const clang::Stmt *S) const {
    auto It = Roles.find(S);
    return It == Roles.end() ? 0 : It->second;
  }
  RoleSet waitedRolesOf(const clang::Stmt *S) const {
    auto It = WaitedRoles.find(S);
    return It == WaitedRoles.end() ? 0 : It->second;
  }
  RoleSet unwaitedRolesOf(const clang::Stmt *S) const {
    auto It = UnwaitedRoles.find(S);
    return It == UnwaitedRoles.end() ? 0 : It->second;
  }
};

/// Visits the statements of \p FD from its entry (or from just after
/// \p After), path by path in CFG order, until a path ends the process or
/// (unless \p PastExec) calls exec*. A path is not followed past a
/// statement for which \p Visit returns false. Each CFG element is visited
/// at most once.
void walkPaths(ProcessModel &M, const clang::FunctionDecl *FD,
               const clang::Stmt *After,
               llvm::function_ref<bool(const clang::Stmt *)> Visit,
               bool PastExec = false);

/// Visits the statements the child of \p F runs, path by path in CFG order
/// from the fork, until the child ends or (unless \p PastExec) execs. A path is no longer followed
/// past a statement for which \p Visit returns false, nor into code the child
/// does not run. Each CFG element is visited at most once.
void walkChild(ProcessModel &M, const ForkRegions &F,
               llvm::function_ref<bool(const clang::Stmt *)> Visit,
               bool PastExec = false);

/// How the paths through a function end, for function summaries.
struct PathEndings {
  bool Returns = false;                 ///< some path returns
  bool ReturnsOnlyAfterExecFailure = false;
  bool ReturnsOnlyThroughUnknownCall = false;
};

/// Runs the region analysis of \p Site in \p FD.
ForkRegions analyzeForkSite(ProcessModel &Model, const clang::FunctionDecl *FD,
                            const clang::CFG &G, const clang::ParentMap &PM,
                            const ForkSite &Site);

/// How the paths of \p FD end (no fork site; used for summaries).
PathEndings analyzePathEndings(ProcessModel &Model, const clang::FunctionDecl *FD,
                               const clang::CFG &G, const clang::ParentMap &PM);

/// When the code from element \p FromElement of \p B on only returns a simple
/// value or ends the process: the return statement or the ending call. Null
/// when that code does more.
const clang::Stmt *trivialTailFrom(ProcessModel &M, const clang::ParentMap &PM,
                                   const clang::CFGBlock &B, unsigned FromElement);

/// The condition a two-way branch at the end of \p B tests (for `a && b`,
/// the operand evaluated in \p B); null for other blocks.
const clang::Expr *branchCondition(const clang::CFGBlock &B);

/// True when the value of \p E is not used (`fork();`, `(void)fork();`).
bool isResultDiscarded(const clang::Expr *E, const clang::ParentMap &PM);

} // namespace procshare

#endif
