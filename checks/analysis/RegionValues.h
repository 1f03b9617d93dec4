//===- RegionValues.h - What a region state says of an expression --------===//
//
// The questions ProcessRegions' dataflow asks of expressions against a path
// state: the place an expression names (its key), whether it holds the fork
// result, its value in each lane, which lanes a condition lets through, the
// facts a branch teaches (a tested local's truth), and the conditions known
// calls decide (`execv(...) != -1` is false wherever execv returned). Used
// by ProcessRegions.cpp only.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_REGIONVALUES_H
#define PROCSHARE_CHECKS_ANALYSIS_REGIONVALUES_H

#include "checks/analysis/ProcessModel.h"
#include "checks/analysis/RegionState.h"

#include "clang/AST/ParentMap.h"
#include "clang/AST/Stmt.h"
#include <array>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace procshare {
namespace regions {

using clang::ASTContext;
using clang::CallExpr;
using clang::Expr;
using clang::FunctionDecl;
using clang::ParentMap;
using clang::Stmt;
using clang::SwitchStmt;
using clang::VarDecl;

/// The value of an expression in each lane (nullopt: unknown).
using LaneValues = std::array<std::optional<Interval>, NumLanes>;

class RegionValues {
protected:
  RegionValues(ProcessModel &M, const FunctionDecl *FD, const ParentMap &PM,
               const ForkSite *Site)
      : M(M), Ctx(M.context()), FD(FD), PM(PM), Site(Site) {}

  std::optional<Interval> interval(Role R) const;

  std::optional<std::string> keyOf(const Expr *E) const;

  /// True when the lvalue \p E is visible outside this call of the function.
  static bool isNonLocal(const Expr *E, bool Indirect = false);

  /// A wait that may reap this fork's child: it is given the fork result,
  /// or no process id at all (wait(&status), waitpid(-1, ...), a helper
  /// that reaps every child). `waitpid(other, ...)` with the pid of another
  /// child does not: this one may still run.
  bool waitsForThisChild(const CallExpr *CE, const State &S) const;

  bool isForkValue(const Expr *E, const State &S) const;

  /// The one value the fork result has in role \p R, if one.
  std::optional<int64_t> singleValue(Role R) const;

  std::optional<LaneValues> laneValues(const Expr *E, const State &S) const;

  /// Lanes where `V op C` may be true / may be false. The pre-fork lanes
  /// are filtered only by a constant known there (the fork result is not).
  static CondLanes compareLanes(const LaneValues &V, BinaryOperatorKind Op, int64_t C);

  std::optional<CondLanes> evalCond(const Expr *E, const State &S) const;

  /// \p E as the truth of a simpler expression: `x != 0` and `x != NULL`
  /// are `x`, `x == 0` and `!x` are not-`x` (second: false); any other
  /// expression is itself, true.
  std::pair<const Expr *, bool> truthOf(const Expr *E) const;

  /// `getpid()`: the id of the process that runs it.
  static bool isOwnPid(const Expr *E);

  bool isZero(const Expr *E) const;

  std::optional<CondLanes> evalCondDirect(const Expr *E, const State &S) const;

  RoleSet caseRoles(const SwitchStmt *SW, const Stmt *Label) const;

  /// The value of a call known wherever the call returns: exec* returns
  /// only when it failed, with -1.
  std::optional<int64_t> knownCallValue(const Expr *E) const;

  /// A condition decided by known call values (`execv(...) != -1` is false
  /// wherever execv returned), or nullopt.
  std::optional<bool> decide(const Expr *E) const;

  /// A branch on a local the analysis knows nothing of (`if (usermap &&
  /// groupmap) pid = fork();`) makes its truth a fact on the edge, for every
  /// lane; it holds in both processes after a later fork, so that
  /// `if (!pid && usermap)` sends the child one way only. Only locals whose
  /// address is never taken: nothing else may change them unseen.
  void learn(const Expr *Cond, bool Taken, State &E) const;

  /// The key of a side-effect-free expression over locals nothing else can
  /// change (their address never taken), what they point to, and constants
  /// (`usermap`, `*flags & FORK_MODE`, `cfg->forks`); null for anything else.
  /// A write of a part kills it (its key contains the part's). Writes
  /// through another pointer that may alias are not seen; a call handed the
  /// pointer kills what it points to.
  std::optional<std::string> factKey(const Expr *E, unsigned Depth) const;

  /// A local whose address is taken, or that a reference binds.
  bool escapes(const VarDecl *VD) const;

  void collectEscaping(const Stmt *St) const;

  ProcessModel &M;
  ASTContext &Ctx;
  const FunctionDecl *FD;
  const ParentMap &PM;
  const ForkSite *Site;

private:
  mutable std::optional<std::set<const VarDecl *>> Escaping;
};

} // namespace regions
} // namespace procshare

#endif
