//===- AstNames.h - What an expression names ------------------------------===//
//
// Small questions several checks and analyses ask of expressions: which
// variable or member an expression names, whether a statement mentions
// one, and what a condition tests under its hints.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_ASTNAMES_H
#define PROCSHARE_CHECKS_ANALYSIS_ASTNAMES_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

namespace procshare {

/// The variable or member \p E names, through parentheses, casts, `&` and
/// array subscripts (`pid`, `s->pid`, `pids[i]`, `&tid`); null otherwise.
const clang::ValueDecl *namedDecl(const clang::Expr *E);

/// \p E without parentheses, casts and branch-prediction hints: the
/// condition inside `__builtin_expect(x, 1)` (`LIKELY(x)`) and
/// `__builtin_expect_with_probability(x, 1, p)`, which has x's truth.
const clang::Expr *ignoreParenCastsAndHints(const clang::Expr *E);

/// True when \p S, or an expression inside it, names \p D.
bool mentions(const clang::Stmt *S, const clang::ValueDecl *D);

} // namespace procshare

#endif
