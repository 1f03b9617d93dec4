//===- NonShareableInSharedMemoryCheck.h - procshare-non-shareable-in-shared-memory -===//
//
// Python's "only plain ctypes values fit in Value/Array": what is put in
// memory shared between processes must mean the same in every process.
// Finds pointers to process-private memory stored there, objects that own
// heap memory (std::string, containers...) or a vtable placed there,
// std::atomic<T> that is not lock-free there, and objects holding pointers
// written byte-wise to a pipe or socket pair.
// docs/checks/non-shareable-in-shared-memory.md.
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_CHECKS_NONSHAREABLEINSHAREDMEMORYCHECK_H
#define PROCSHARE_CHECKS_NONSHAREABLEINSHAREDMEMORYCHECK_H

#include "checks/ProcshareCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace procshare {

class NonShareableInSharedMemoryCheck : public ProcshareCheck {
public:
  using ProcshareCheck::ProcshareCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;

  /// Why a type cannot live in shared memory: the member path to the
  /// offending part ("" for the type itself), its type, and the reason.
  struct Why {
    std::string Path;
    std::string TypeName;
    enum Kind { HeapOwning, Polymorphic, AtomicWithLock, Pointer } K;
  };

private:
  std::optional<Why> nonShareable(clang::QualType T, clang::ASTContext &Ctx,
                                  bool PointersToo, unsigned Depth = 0);
  /// Groups the index's placements by function, and finds the fd arrays.
  void groupOnce(clang::ASTContext &Ctx);
  void checkPlacements(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkPointerStores(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void checkByteWrites(const clang::FunctionDecl *FD, clang::ASTContext &Ctx);

  bool Grouped = false;
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<const clang::Expr *>> Placements;
  llvm::DenseSet<const clang::ValueDecl *> ChannelArrays;
  llvm::DenseSet<const void *> Reported;
};

} // namespace procshare

#endif
