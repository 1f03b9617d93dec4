//===- ProcshareClangd.cpp - clangd 19 with the procshare checks ----------===//
//
// procshare-clangd is clangd 19 with the procshare module linked in, so an
// editor shows procshare diagnostics with no configuration at all: where no
// .clang-tidy or .clangd sets Checks, `procshare-*` is enabled beside
// clangd's own default checks (clang::clangd::provideDefaultChecks is
// wrapped, as below); a project's own Checks win, and `-procshare-*` turns
// the checks off. docs/clangd.md tells how to point an editor at it.
//
// clangd's default FastCheckFilter (Strict) runs only checks that it has
// measured as fast and silently skips the rest, procshare's included. The
// binary is linked with -Wl,--wrap for clang::clangd::isFastTidyCheck (see
// CMakeLists.txt): procshare checks answer "fast" (they cost little more than
// parsing, docs/performance.md), every other check keeps clangd's answer.
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/STLFunctionalExtras.h"
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

// provideDefaultChecks returns a TidyProviderRef (clangd/TidyProvider.h,
// not installed by Debian): a function_ref to a stateless function.
using TidyProviderRef =
    llvm::function_ref<void(clang::tidy::ClangTidyOptions &, llvm::StringRef /*Filename*/)>;
#define PROCSHARE_DEFAULT_CHECKS "_ZN5clang6clangd20provideDefaultChecksEv"
TidyProviderRef realProvideDefaultChecks() asm("__real_" PROCSHARE_DEFAULT_CHECKS);
TidyProviderRef wrapProvideDefaultChecks() asm("__wrap_" PROCSHARE_DEFAULT_CHECKS);

// clangd applies its default checks last, only when nothing before (the
// environment, .clang-tidy files, .clangd's Diagnostics.ClangTidy) set any;
// then procshare-* joins them.
static void defaultChecksWithProcshare(clang::tidy::ClangTidyOptions &Opts,
                                       llvm::StringRef File) {
  bool Unset = !Opts.Checks || Opts.Checks->empty();
  realProvideDefaultChecks()(Opts, File);
  if (Unset)
    Opts.Checks = (Opts.Checks && !Opts.Checks->empty() ? *Opts.Checks + "," : "") +
                  std::string("procshare-*");
}

TidyProviderRef wrapProvideDefaultChecks() { return defaultChecksWithProcshare; }

int main(int argc, char *argv[]) {
  (void)procshare::ProcshareModuleAnchorSource;
  return clang::clangd::clangdMain(argc, argv);
}
