//===- AstNames.h - What an expression names ------------------------------===//
//
// Small questions several checks and analyses ask of expressions: which
// variable or member an expression names, and whether a statement mentions
// one.
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

/// True when \p S, or an expression inside it, names \p D.
bool mentions(const clang::Stmt *S, const clang::ValueDecl *D);

} // namespace procshare

#endif
