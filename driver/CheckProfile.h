//===- CheckProfile.h - --enable-check-profile over a whole run -----------===//
#ifndef PROCSHARE_DRIVER_CHECKPROFILE_H
#define PROCSHARE_DRIVER_CHECKPROFILE_H

#include "llvm/Support/raw_ostream.h"

namespace procshare {

/// Reads the per-file profiles clang-tidy stored in \p Dir
/// (--store-check-profile's JSON) and prints one table of the checks' times
/// summed over them, as clang-tidy prints for its files; nothing when there
/// are none.
void printCheckProfile(llvm::StringRef Dir, llvm::raw_ostream &OS);

} // namespace procshare

#endif
