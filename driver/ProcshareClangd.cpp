//===- ProcshareClangd.cpp - clangd 19 with the procshare checks ----------===//
//
// procshare-clangd is clangd 19 with the procshare module linked in, so an
// editor shows procshare diagnostics as soon as `.clang-tidy` enables
// `procshare-*`. docs/clangd.md tells how to point an editor at it.
//
// clangd's default FastCheckFilter (Strict) runs only checks that it has
// measured as fast and silently skips the rest, procshare's included. The
// binary is linked with -Wl,--wrap for clang::clangd::isFastTidyCheck (see
// CMakeLists.txt): procshare checks answer "fast" (they cost little more than
// parsing, docs/performance.md), every other check keeps clangd's answer.
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace clang::clangd {
int clangdMain(int argc, char *argv[]);
} // namespace clang::clangd

// The linker sends calls of the wrapped symbol to __wrap_<symbol>, and
// __real_<symbol> reaches the original. asm labels give these functions those
// exact (already mangled) names.
#define PROCSHARE_IS_FAST "_ZN5clang6clangd15isFastTidyCheckEN4llvm9StringRefE"
std::optional<bool> realIsFastTidyCheck(llvm::StringRef Check)
    asm("__real_" PROCSHARE_IS_FAST);
std::optional<bool> wrapIsFastTidyCheck(llvm::StringRef Check)
    asm("__wrap_" PROCSHARE_IS_FAST);

std::optional<bool> wrapIsFastTidyCheck(llvm::StringRef Check) {
  if (Check.starts_with("procshare-"))
    return true;
  return realIsFastTidyCheck(Check);
}

int main(int argc, char *argv[]) {
  (void)procshare::ProcshareModuleAnchorSource;
  return clang::clangd::clangdMain(argc, argv);
}
