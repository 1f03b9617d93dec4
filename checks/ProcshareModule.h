//===- ProcshareModule.h - The procshare check catalog --------------------===//
#ifndef PROCSHARE_CHECKS_PROCSHAREMODULE_H
#define PROCSHARE_CHECKS_PROCSHAREMODULE_H

#include "llvm/ADT/ArrayRef.h"

namespace procshare {

struct CheckInfo {
  const char *Name;    ///< "procshare-missing-child-guard"
  const char *Summary; ///< the first sentence of its docs page
  const char *DocPage; ///< path under docs/
};

/// Every check the module registers, in the order of --list-checks.
llvm::ArrayRef<CheckInfo> checkCatalog();

/// Referenced by front ends to make sure the module's registration is linked.
extern volatile int ProcshareModuleAnchorSource;

} // namespace procshare

#endif
