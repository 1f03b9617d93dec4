//===- Fixes.cpp - Applying the fix-its of a run --------------------------===//

#include "driver/Fixes.h"
#include "driver/ResultWriter.h"

#include "clang/Tooling/Core/Replacement.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

using clang::tidy::ClangTidyError;
using clang::tooling::Replacement;
using clang::tooling::Replacements;

namespace procshare {

FixOutcome applyFixes(const std::vector<ClangTidyError> &Errors, bool FromNotes,
                      bool OfErrors) {
  FixOutcome Out;
  llvm::StringMap<Replacements> Taken;
  std::vector<std::vector<std::string>> FilesOfTaken; // per fix taken
  for (const ClangTidyError &E : Errors) {
    if (E.DiagLevel != clang::tooling::Diagnostic::Warning &&
        !(OfErrors && E.DiagLevel == clang::tooling::Diagnostic::Error))
      continue;
    // (clang-tidy's own choice: the warning's fix, or with FromNotes the
    // one fix found in its notes)
    const llvm::StringMap<Replacements> *Fix = clang::tidy::getFixIt(E, FromNotes);
    if (!Fix)
      continue;
    ++Out.Total;
    // All of a fix or none of it: merged into copies first.
    llvm::StringMap<Replacements> Merged;
    bool Fits = true;
    for (const auto &[File, Reps] : *Fix) {
      auto It = Taken.find(File);
      Replacements Into = It == Taken.end() ? Replacements() : It->second;
      for (const Replacement &R : Reps)
        if (llvm::Error Err = Into.add(R)) {
          llvm::consumeError(std::move(Err));
          Fits = false;
        }
      Merged[File] = std::move(Into);
    }
    if (!Fits)
      continue;
    FilesOfTaken.emplace_back();
    for (auto &[File, Reps] : Merged) {
      Taken[File] = std::move(Reps);
      FilesOfTaken.back().push_back(File.str());
    }
  }
  llvm::StringSet<> Unwritten;
  for (const auto &[File, Reps] : Taken) {
    auto Buffer = llvm::MemoryBuffer::getFile(File);
    std::string Error;
    if (!Buffer) {
      Out.Problems.push_back("cannot read '" + File.str() + "': " + Buffer.getError().message());
      Unwritten.insert(File);
      continue;
    }
    llvm::Expected<std::string> Text =
        clang::tooling::applyAllReplacements((*Buffer)->getBuffer(), Reps);
    if (!Text) {
      Out.Problems.push_back("cannot apply the fixes to '" + File.str() +
                             "': " + llvm::toString(Text.takeError()));
      Unwritten.insert(File);
      continue;
    }
    if (!writeFileAtomically(File, *Text, Error)) {
      Out.Problems.push_back(Error);
      Unwritten.insert(File);
    }
  }
  for (const std::vector<std::string> &Files : FilesOfTaken)
    Out.Applied += llvm::none_of(Files, [&](const std::string &F) { return Unwritten.count(F); });
  return Out;
}

} // namespace procshare
