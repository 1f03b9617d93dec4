//===- CompileDatabase.h - Finding and loading compile_commands.json ------===//
#ifndef PROCSHARE_DRIVER_COMPILEDATABASE_H
#define PROCSHARE_DRIVER_COMPILEDATABASE_H

#include "clang/Tooling/CompilationDatabase.h"
#include <memory>
#include <string>

namespace procshare {

/// Loads \p JsonPath after checking it is a well-formed compile database; on
/// a problem returns null with \p Error as "FILE:LINE:COL: message". Files
/// missing from the database get commands interpolated from their
/// neighbours, as clangd does. Every command's directory and file come back
/// absolute (a relative directory taken against the database's own).
std::unique_ptr<clang::tooling::CompilationDatabase>
loadCompileDatabase(const std::string &JsonPath, std::string &Error);

/// compile_commands.json in \p BuildDir (a directory or the file itself).
std::string compileDatabaseIn(const std::string &BuildDir);

/// Looks for compile_commands.json in the directory of \p SourceFile and its
/// parents, and in a build/ directory beside each, as clangd does. Empty if
/// there is none.
std::string findCompileDatabaseAbove(const std::string &SourceFile);

} // namespace procshare

#endif
