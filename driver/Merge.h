//===- Merge.h - procshare merge ------------------------------------------===//
//
// `procshare merge [--output=FILE] A B ...` combines the JSON or SARIF
// outputs of several runs (the shards of a CI matrix) into one, dropping
// findings reported twice (same check, file, line, column and message).
//
//===----------------------------------------------------------------------===//
#ifndef PROCSHARE_DRIVER_MERGE_H
#define PROCSHARE_DRIVER_MERGE_H

namespace procshare {

/// The `merge` subcommand; \p argv[1] is "merge". Returns the exit status.
int mergeMain(int argc, const char **argv);

} // namespace procshare

#endif
