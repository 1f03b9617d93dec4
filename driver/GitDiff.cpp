//===- GitDiff.cpp - The lines a change touches ---------------------------===//

#include "driver/GitDiff.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace procshare {

namespace {
/// Runs git with \p Args; its stdout in \p Out. False when git cannot run or
/// exits non-zero (its stderr in \p Error).
bool git(llvm::ArrayRef<std::string> Args, std::string &Out, std::string &Error) {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git) {
    Error = "git is not installed";
    return false;
  }
  llvm::SmallString<128> OutFile, ErrFile;
  llvm::sys::fs::createTemporaryFile("procshare-git", "out", OutFile);
  llvm::sys::fs::createTemporaryFile("procshare-git", "err", ErrFile);
  std::vector<llvm::StringRef> Argv{*Git};
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, llvm::StringRef(OutFile),
                                                llvm::StringRef(ErrFile)};
  int RC = llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects);
  if (auto B = llvm::MemoryBuffer::getFile(OutFile))
    Out = (*B)->getBuffer().str();
  if (auto B = llvm::MemoryBuffer::getFile(ErrFile))
    Error = llvm::StringRef((*B)->getBuffer()).trim().str();
  llvm::sys::fs::remove(OutFile);
  llvm::sys::fs::remove(ErrFile);
  return RC == 0;
}
} // namespace

bool changedLines(std::string Ref, ChangedLines &Out, std::string &Error) {
  std::string Top, Ignored;
  if (!git({"rev-parse", "--show-toplevel"}, Top, Error)) {
    Error = "--diff needs a git work tree: " + Error;
    return false;
  }
  Top = llvm::StringRef(Top).trim().str();
  if (Ref.empty()) {
    std::string Base;
    if (git({"merge-base", "HEAD", "@{upstream}"}, Base, Ignored))
      Ref = llvm::StringRef(Base).trim().str();
    else
      Ref = "HEAD";
  }
  std::string Diff;
  if (!git({"diff", "--no-color", "--no-ext-diff", "--unified=0", Ref, "--"}, Diff, Error)) {
    Error = "git diff against '" + Ref + "' failed: " + Error;
    return false;
  }
  std::set<unsigned> *Lines = nullptr;
  llvm::SmallVector<llvm::StringRef, 0> Rows;
  llvm::StringRef(Diff).split(Rows, '\n');
  for (llvm::StringRef Row : Rows) {
    if (Row.consume_front("+++ ")) {
      Lines = nullptr;
      if (Row.consume_front("b/")) {
        llvm::SmallString<256> Path(Top);
        llvm::sys::path::append(Path, Row);
        Lines = &Out[Path];
      }
      continue;
    }
    // @@ -a[,b] +c[,d] @@: lines c .. c+d-1 of the new file (d = 1 if absent).
    if (!Lines || !Row.consume_front("@@ -"))
      continue;
    size_t Plus = Row.find(" +");
    if (Plus == llvm::StringRef::npos)
      continue;
    llvm::StringRef New = Row.drop_front(Plus + 2).take_until([](char C) { return C == ' '; });
    auto [StartText, CountText] = New.split(',');
    unsigned Start = 0, Count = 1;
    if (StartText.getAsInteger(10, Start) || (!CountText.empty() && CountText.getAsInteger(10, Count)))
      continue;
    for (unsigned L = Start; L < Start + Count; ++L)
      Lines->insert(L);
  }
  return true;
}

} // namespace procshare
