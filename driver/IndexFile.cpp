//===- IndexFile.cpp - The project index of a command-line run ------------===//

#include "driver/IndexFile.h"
#include "driver/ResultCache.h"
#include "driver/ResultWriter.h"
#include "index/ProjectIndex.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

namespace procshare {

namespace {
std::string absolutePath(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  llvm::sys::fs::make_absolute(S);
  llvm::sys::path::remove_dots(S, /*remove_dot_dot=*/true);
  return std::string(S);
}
} // namespace

std::string indexPathFor(llvm::StringRef Option, llvm::StringRef CacheDir,
                         llvm::StringRef CompileDatabase) {
  if (!Option.empty())
    return absolutePath(Option);
  llvm::SmallString<256> P;
  if (!CacheDir.empty()) {
    P = absolutePath(CacheDir);
    llvm::sys::path::append(P, "index.json");
  } else if (!CompileDatabase.empty()) {
    P = llvm::sys::path::parent_path(absolutePath(CompileDatabase));
    llvm::sys::path::append(P, ".procshare", "index.json");
  }
  return std::string(P);
}

std::string indexStamp(llvm::StringRef RulesFile) {
  std::string Stamp = selfHash();
  if (!RulesFile.empty()) {
    auto Buf = llvm::MemoryBuffer::getFile(RulesFile);
    llvm::StringRef Text = Buf ? (*Buf)->getBuffer() : llvm::StringRef("<unreadable>");
    Stamp += " rules " + llvm::utohexstr(llvm::xxh3_64bits(Text), /*LowerCase=*/true);
  }
  return Stamp;
}

std::vector<TUSummary> loadIndex(llvm::StringRef Path, llvm::StringRef Stamp, bool Quiet) {
  std::vector<TUSummary> Units;
  if (Path.empty() || !llvm::sys::fs::exists(Path))
    return Units;
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  std::string Found, Error;
  if (!Buf)
    Error = Buf.getError().message();
  else if (!ProjectIndex::read((*Buf)->getBuffer(), Units, Found, Error))
    Units.clear();
  if (!Error.empty()) {
    llvm::errs() << "procshare: warning: " << Path << ": " << Error
                 << "; building the index anew\n";
    return {};
  }
  if (Found != Stamp) {
    if (!Quiet)
      llvm::errs() << "procshare: the index " << Path
                   << " was made by another procshare build or with other rules; "
                      "building it anew\n";
    return {};
  }
  return Units;
}

bool storeIndex(llvm::StringRef Path, const std::vector<TUSummary> &Units,
                llvm::StringRef Stamp, std::string &Error) {
  if (std::error_code EC =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path))) {
    Error = "cannot create the directory of the index '" + Path.str() + "': " + EC.message();
    return false;
  }
  return writeFileAtomically(Path, ProjectIndex::write(Units, Stamp), Error);
}

void putUnit(std::vector<TUSummary> &Units, TUSummary U) {
  for (TUSummary &Old : Units)
    if (Old.File == U.File) {
      Old = std::move(U);
      return;
    }
  Units.push_back(std::move(U));
}

} // namespace procshare
