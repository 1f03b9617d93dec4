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

#include "index/Facts.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include <optional>
#include <vector>

namespace procshare {

class ProcessModel;


/// Where shared memory comes from: the allocation call in this translation
/// unit (mmap, or a project allocator defined in another file), and, for
/// memory a function of another file maps, the place of that mapping.
struct SharedOrigin {
  const clang::CallExpr *Call = nullptr;
  SourcePoint Elsewhere;
  /// Elsewhere maps a file (MAP_SHARED without MAP_ANONYMOUS).
  bool ElsewhereFileBacked = false;
  explicit operator bool() const { return Call || Elsewhere.valid(); }
};

class SharedMemory {
public:
  /// \p UseIndexForDecls: globals, fields and parameters also get what other
  /// files assign to them (the project index). The summary of a translation
  /// unit is made without, so that it says only what this file does.
  explicit SharedMemory(ProcessModel &M, bool UseIndexForDecls = true);

  /// Where the memory a pointer-valued \p E points to comes from.
  Provenance ofPointer(const clang::Expr *E, SharedOrigin *Source = nullptr);
  /// Where the memory behind the pointer variable or field \p D comes from,
  /// over every value assigned to it in the translation unit (and, with the
  /// index, in the project). \p Source, if given, receives the allocation
  /// that makes it shared.
  Provenance ofDecl(const clang::ValueDecl *D, SharedOrigin *Source = nullptr);
  /// Where the memory a function of this translation unit returns comes from.
  Provenance ofReturn(const clang::FunctionDecl *FD, SharedOrigin *Source = nullptr);

  /// Where the object the lvalue \p E denotes lives (`p->count`, `shm[i]`,
  /// `*q`): a named variable is private; memory reached through a pointer is
  /// where that pointer points.
  Provenance ofObject(const clang::Expr *E, SharedOrigin *Source = nullptr);

  /// True when \p Source maps a file (mmap with MAP_SHARED but not
  /// MAP_ANONYMOUS): shared with the processes that map the same file, or
  /// only persisted to it.
  bool isFileBackedMapping(const SharedOrigin &Source);

  /// The integer value of \p E: a constant expression, or a variable whose
  /// only assigned value is one.
  std::optional<int64_t> constantValue(const clang::Expr *E);

private:
  Provenance ofCall(const clang::CallExpr *CE, SharedOrigin *Source);
  Provenance of(const clang::Expr *E, unsigned Depth, SharedOrigin *Source);

  ProcessModel &M;
  bool UseIndexForDecls;
  /// A memoised answer and, when shared, the allocation behind it.
  struct Memo {
    Provenance P = Provenance::Unknown;
    SharedOrigin Source;
  };
  llvm::DenseMap<const clang::ValueDecl *, Memo> DeclMemo;
  llvm::DenseMap<const clang::FunctionDecl *, Memo> ReturnMemo;

  /// Answers from \p Memo, or computes once with \p Compute (which sets the
  /// allocation it found); during the computation (recursion) the answer is
  /// Unknown.
  template <typename KeyT, typename ComputeT>
  Provenance memoized(llvm::DenseMap<KeyT, Memo> &Memos, KeyT Key, SharedOrigin *Source,
                      ComputeT Compute) {
    auto [It, Inserted] = Memos.try_emplace(Key);
    if (Inserted) {
      SharedOrigin From;
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
