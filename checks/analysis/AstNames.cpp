//===- AstNames.cpp - What an expression names ----------------------------===//

#include "checks/analysis/AstNames.h"

#include "clang/Basic/Builtins.h"

using namespace clang;

namespace procshare {

const Expr *ignoreParenCastsAndHints(const Expr *E) {
  while (true) {
    E = E->IgnoreParenCasts();
    const auto *CE = dyn_cast<CallExpr>(E);
    unsigned Builtin = CE ? CE->getBuiltinCallee() : 0;
    if ((Builtin != Builtin::BI__builtin_expect &&
         Builtin != Builtin::BI__builtin_expect_with_probability) ||
        CE->getNumArgs() < 1)
      return E;
    E = CE->getArg(0);
  }
}

const ValueDecl *namedDecl(const Expr *E) {
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    return namedDecl(UO->getSubExpr());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl();
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return namedDecl(AS->getBase());
  return nullptr;
}

bool mentions(const Stmt *S, const ValueDecl *D) {
  if (!S)
    return false;
  if (const auto *E = dyn_cast<Expr>(S))
    if ((isa<DeclRefExpr>(E) || isa<MemberExpr>(E)) && namedDecl(E) == D)
      return true;
  for (const Stmt *C : S->children())
    if (mentions(C, D))
      return true;
  return false;
}

} // namespace procshare
