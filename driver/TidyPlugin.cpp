//===- TidyPlugin.cpp - procshare as a plugin for clang-tidy-19 -----------===//
//
// libprocshare-tidy.so: load it into the stock clang-tidy with
//   clang-tidy-19 -load=/path/to/libprocshare-tidy.so -checks='-*,procshare-*' ...
// The module registers itself with clang-tidy's registry when the library is
// loaded (checks/ProcshareModule.cpp). This library links nothing from
// clang-tidy or clang: those symbols come from the host binary.
//
//===----------------------------------------------------------------------===//

#include "checks/ProcshareModule.h"

namespace procshare {
// Keeps the module's registration object in the library.
[[maybe_unused]] static int PluginAnchor = ProcshareModuleAnchorSource;
} // namespace procshare
