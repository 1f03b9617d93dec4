//===- SharedMemory.h - Where memory comes from ---------------------------===//
//
// Shared-memory provenance: whether a pointer value denotes memory shared
// between processes (mmap with MAP_SHARED, shmat, rules-declared shared
// allocators), process-private memory (malloc, new, MAP_PRIVATE, the address
// of an ordinary object), or something the analysis cannot tell. Values are
// followed through casts, pointer arithmetic, indexing, member access,
// placement new, locals and globals (every assignment in the translation
// unit), struct fields (a field assigned a shared pointer anywhere is a shared
// pointer) and the return values of functions of the translation unit.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_ANALYSIS_SHAREDMEMORY_H
#define PROCSHARE_CHECKS_ANALYSIS_SHAREDMEMORY_H

#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include <optional>
#include <vector>

namespace procshare {

class ProcessModel;

enum class Provenance {
  Unknown, ///< cannot tell (an external function's result, a parameter...)
  Private, ///< process-private: malloc, new, MAP_PRIVATE, a local's address
  Shared,  ///< shared between processes: MAP_SHARED, shmat, shm allocators
};

class SharedMemory {
public:
  explicit SharedMemory(ProcessModel &M);

  /// Where the memory a pointer-valued \p E points to comes from.
  Provenance ofPointer(const clang::Expr *E, const clang::CallExpr **Source = nullptr);
  /// Where the memory behind the pointer variable or field \p D comes from,
  /// over every value assigned to it in the translation unit. \p Source, if
  /// given, receives the allocation call that makes it shared.
  Provenance ofDecl(const clang::ValueDecl *D, const clang::CallExpr **Source = nullptr);

  /// Where the object the lvalue \p E denotes lives (`p->count`, `shm[i]`,
  /// `*q`): a named variable is private; memory reached through a pointer is
  /// where that pointer points.
  Provenance ofObject(const clang::Expr *E, const clang::CallExpr **Source = nullptr);

  /// True when \p Source maps a file (mmap with MAP_SHARED but not
  /// MAP_ANONYMOUS): shared with the processes that map the same file, or
  /// only persisted to it.
  bool isFileBackedMapping(const clang::CallExpr *Source);

  /// The integer value of \p E: a constant expression, or a variable whose
  /// only assigned value is one.
  std::optional<int64_t> constantValue(const clang::Expr *E);

private:
  Provenance ofCall(const clang::CallExpr *CE, const clang::CallExpr **Source);
  Provenance of(const clang::Expr *E, unsigned Depth, const clang::CallExpr **Source);
  void buildIndex();

  ProcessModel &M;
  bool Indexed = false;
  /// Every value assigned to a variable or a field in the translation unit.
  llvm::DenseMap<const clang::ValueDecl *, std::vector<const clang::Expr *>> Assigned;
  /// Variables and fields whose address is taken or that are assigned in a
  /// way the index does not see (through a pointer): their value is unknown.
  llvm::DenseMap<const clang::ValueDecl *, bool> Escapes;
  /// A memoised answer and, when shared, the allocation call behind it.
  struct Memo {
    Provenance P = Provenance::Unknown;
    const clang::CallExpr *Source = nullptr;
  };
  llvm::DenseMap<const clang::ValueDecl *, Memo> DeclMemo;
  llvm::DenseMap<const clang::FunctionDecl *, Memo> ReturnMemo;

  /// Answers from \p Memo, or computes once with \p Compute (which sets the
  /// allocation call it found); during the computation (recursion) the
  /// answer is Unknown.
  template <typename KeyT, typename ComputeT>
  Provenance memoized(llvm::DenseMap<KeyT, Memo> &Memos, KeyT Key,
                      const clang::CallExpr **Source, ComputeT Compute) {
    auto [It, Inserted] = Memos.try_emplace(Key);
    if (Inserted) {
      const clang::CallExpr *From = nullptr;
      Provenance P = Compute(From);
      Memos[Key] = Memo{P, From};
    }
    const Memo &Result = Memos[Key];
    if (Source && Result.Source)
      *Source = Result.Source;
    return Result.P;
  }
};

} // namespace procshare

#endif
