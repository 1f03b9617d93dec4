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
struct SharedOrigin;
/// Sets \p Into to \p From, keeping an element mark either had: of values
/// joined, one that may be an element makes the join one.
void setOrigin(SharedOrigin *Into, const SharedOrigin &From);

struct SharedOrigin {
  const clang::CallExpr *Call = nullptr;
  SourcePoint Elsewhere;
  /// Elsewhere maps a file (MAP_SHARED without MAP_ANONYMOUS).
  bool ElsewhereFileBacked = false;
  /// The pointer may select an element of the shared memory by a varying
  /// index (`&seg->slots[i]`), so each process may be handed its own. A
  /// summary records it of the elements its file selects; the checks do not
  /// claim memory shared when the element is selected in another file, or
  /// selected here in memory mapped in another file (fio's per-job
  /// thread_data, each written by its own process).
  bool Element = false;
  /// The outermost allocation call on the value's way here: the call whose
  /// result this file's variables then carry (`s = shm_alloc(n)`, where
  /// Call may be the mmap inside shm_alloc).
  const clang::CallExpr *Anchor = nullptr;
  /// Anchor makes a new anonymous mapping each time it runs (an anonymous
  /// MAP_SHARED mmap, or a function that returns one and keeps no copy):
  /// only the process that called it, and the children it forks after, can
  /// hold it.
  bool Fresh = false;
  /// Since Anchor, the value passed through a variable of static storage or
  /// a field (an allocator that caches its mapping is not fresh), and
  /// through a field (which memory other processes reach may hold).
  bool ViaStorage = false, ViaField = false;
  explicit operator bool() const { return Call || Elsewhere.valid(); }
};

/// What a provenance question needs: the provenance itself, or only
/// whether the memory is shared (shared anywhere makes it so), or only
/// whether it is private. The answers read from the project index are
/// recorded at that grain, so a change that cannot alter the answer (an
/// allocator of another file found to return private memory, for a question
/// about sharing) does not analyse the file again.
enum class ProvenanceQuestion : uint8_t { Full, IsShared, IsPrivate };

class SharedMemory {
public:
  /// \p Summary: the instance a translation unit's summary is made with. It
  /// says only what this file does: a value from another file (a project
  /// function without a body here, a global, a field) is Deferred, and
  /// named in the list deferred() returns, for the index to resolve.
  explicit SharedMemory(ProcessModel &M, bool Summary = false);

  /// In summary mode: where \p E points, and (appended to \p Deps) the
  /// functions, globals and fields of other files its value comes from.
  Provenance ofPointerDeferring(const clang::Expr *E, SharedOrigin *Source,
                                std::vector<std::string> &Deps);

  /// Where the memory a pointer-valued \p E points to comes from.
  Provenance ofPointer(const clang::Expr *E, SharedOrigin *Source = nullptr,
                       ProvenanceQuestion Q = ProvenanceQuestion::Full);
  /// Where the memory behind the pointer variable or field \p D comes from,
  /// over every value assigned to it in the translation unit (and, with the
  /// index, in the project). \p Source, if given, receives the allocation
  /// that makes it shared.
  Provenance ofDecl(const clang::ValueDecl *D, SharedOrigin *Source = nullptr,
                    ProvenanceQuestion Q = ProvenanceQuestion::Full);
  /// Where the memory a function of this translation unit returns comes from.
  Provenance ofReturn(const clang::FunctionDecl *FD, SharedOrigin *Source = nullptr);

  /// Where the object the lvalue \p E denotes lives (`p->count`, `shm[i]`,
  /// `*q`): a named variable is private; memory reached through a pointer is
  /// where that pointer points.
  Provenance ofObject(const clang::Expr *E, SharedOrigin *Source = nullptr,
                      ProvenanceQuestion Q = ProvenanceQuestion::Full);

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
  Provenance objectOf(const clang::Expr *E, SharedOrigin *Source);
  /// \p P, for an element selected by \p Index: marked in \p Source when
  /// the index varies.
  Provenance element(Provenance P, const clang::Expr *Index, SharedOrigin *Source);
  Provenance declOf(const clang::ValueDecl *D, SharedOrigin *Source);
  /// The question being answered, and the aspect of the index's facts it
  /// reads for a function's result, its parameters, a global.
  ProvenanceQuestion Q = ProvenanceQuestion::Full;
  Aspect returnsAspect() const;
  Aspect globalAspect() const;
  /// Runs \p Fn(origin) for question \p Ask (the memos are kept per
  /// question). Outside a summary, memory that may be an element another
  /// file selects is not claimed shared.
  template <typename F>
  Provenance asking(ProvenanceQuestion Ask, SharedOrigin *Source, F Fn) {
    ProvenanceQuestion Saved = Q;
    Q = Ask;
    SharedOrigin Mine;
    Provenance P = Fn(Source ? Source : &Mine);
    Q = Saved;
    if (P == Provenance::Shared && !Summary && (Source ? Source : &Mine)->Element) {
      if (Source)
        *Source = SharedOrigin();
      return Provenance::Unknown;
    }
    return P;
  }

  ProcessModel &M;
  bool Summary;
  /// In summary mode, during a question: the values it defers.
  std::vector<std::string> *Deps = nullptr;
  void defer(llvm::StringRef Usr);
  /// A memoised answer, when shared the allocation behind it, and (summary
  /// mode) the values it defers.
  struct Memo {
    Provenance P = Provenance::Unknown;
    SharedOrigin Source;
    std::vector<std::string> Deps;
  };
  llvm::DenseMap<const clang::ValueDecl *, Memo> DeclMemo[3];
  llvm::DenseMap<const clang::FunctionDecl *, Memo> ReturnMemo[3];

  /// Answers from \p Memo, or computes once with \p Compute (which sets the
  /// allocation it found); during the computation (recursion) the answer is
  /// Unknown.
  template <typename KeyT, typename ComputeT>
  Provenance memoized(llvm::DenseMap<KeyT, Memo> &Memos, KeyT Key, SharedOrigin *Source,
                      ComputeT Compute) {
    auto [It, Inserted] = Memos.try_emplace(Key);
    if (Inserted) {
      SharedOrigin From;
      std::vector<std::string> *Outer = Deps, Mine;
      if (Outer)
        Deps = &Mine;
      Provenance P = Compute(From);
      Deps = Outer;
      Memos[Key] = Memo{P, From, std::move(Mine)};
    }
    const Memo &Result = Memos[Key];
    if (Source && Result.Source)
      setOrigin(Source, Result.Source);
    for (const std::string &D : Result.Deps)
      defer(D);
    return Result.P;
  }
};

} // namespace procshare

#endif
