//===- HtmlReport.cpp - Findings as one self-contained HTML page ----------===//

#include "driver/HtmlReport.h"
#include "checks/ProcshareModule.h"
#include "driver/ResultWriter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <map>

using clang::tidy::ClangTidyError;
using clang::tooling::DiagnosticMessage;

namespace procshare {

namespace {

/// HTML-escaped text (LLVM's escaper: &amp; &lt; &gt; &quot; &apos;).
std::string esc(llvm::StringRef Text) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::printHTMLEscaped(Text, OS);
  return Out;
}

/// A line with its tabs expanded to the next multiple of 8, as a terminal
/// shows it, and the visual column (0-based) of byte column \p Column.
std::string expandTabs(llvm::StringRef Line, unsigned Column, unsigned &Visual) {
  std::string Out;
  Visual = 0;
  for (size_t I = 0; I < Line.size(); ++I) {
    if (I + 1 == Column)
      Visual = Out.size();
    if (Line[I] == '\t')
      Out.append(8 - Out.size() % 8, ' ');
    else
      Out += Line[I];
  }
  if (Column > Line.size())
    Visual = Out.size();
  return Out;
}

struct Step {
  std::string File; // absolute
  unsigned Line = 0, Column = 0;
  std::string Message;
  bool IsFinding = false;
  unsigned Number = 0;
};

/// The steps of a finding's path: its notes in the order procshare emits
/// them (the story's order: the fork, the child's way, the parent's read),
/// with the finding itself placed before the first note that comes after it
/// in its file; numbered from 1.
std::vector<Step> stepsOf(const ClangTidyError &E, Positions &P) {
  auto Make = [&](const DiagnosticMessage &M, bool IsFinding) {
    Positions::Pos At = P.at(M.FilePath, M.FileOffset);
    return Step{M.FilePath, At.Line, At.Column, M.Message, IsFinding, 0};
  };
  Step Finding = Make(E.Message, true);
  std::vector<Step> Steps;
  for (const DiagnosticMessage &N : E.Notes)
    Steps.push_back(Make(N, false));
  auto After = llvm::find_if(Steps, [&](const Step &S) {
    return S.File == Finding.File &&
           std::tie(S.Line, S.Column) > std::tie(Finding.Line, Finding.Column);
  });
  Steps.insert(After, Finding);
  for (size_t I = 0; I < Steps.size(); ++I)
    Steps[I].Number = I + 1;
  return Steps;
}

const char Style[] = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
p.meta { color: #555; margin-top: 0; }
table.summary { border-collapse: collapse; margin: .5em 0; }
table.summary td, table.summary th { padding: .25em .8em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
table.summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
details.file { border: 1px solid #ccc; border-radius: 6px; margin: .6em 0; }
details.file > summary { cursor: pointer; padding: .45em .8em; background: #f4f4f6; border-radius: 6px; font-family: ui-monospace, monospace; }
details.file > summary .count { float: right; font-family: system-ui, sans-serif; color: #555; }
section.finding { padding: .3em 1em .8em; border-top: 1px solid #e4e4e4; }
section.finding h3 { font-size: 1em; font-weight: 600; margin: .5em 0 .2em; }
.sev { display: inline-block; padding: 0 .45em; border-radius: 4px; font-size: .85em; color: #fff; background: #b35c00; margin-right: .4em; }
.sev.error { background: #b00020; }
a.check { font-family: ui-monospace, monospace; font-weight: normal; font-size: .9em; }
table.summary a.check { white-space: nowrap; }
p.where { margin: 0 0 .4em; color: #555; font-family: ui-monospace, monospace; font-size: .9em; }
table.code { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; width: 100%; background: #fbfbfb; margin: .3em 0; }
table.code caption { text-align: left; font-size: .85em; color: #555; padding: .2em 0; }
table.code td { padding: 0 .5em; white-space: pre; }
table.code td.ln { color: #999; text-align: right; width: 3.5em; user-select: none; border-right: 1px solid #e2e2e2; }
table.code tr.gap td { color: #aaa; }
table.code tr.hit td.src { background: #fff6d6; }
.bubble { display: inline-block; white-space: normal; max-width: 70ch; background: #e8f0fe; border: 1px solid #9bb7e8; border-radius: 5px; padding: .1em .5em; margin: .15em 0; font-family: system-ui, sans-serif; font-size: 13px; }
.bubble.finding { background: #fde7e9; border-color: #e8a0a8; }
.num { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 50%; background: #3b6fd4; color: #fff; font-weight: 600; margin-right: .4em; }
.bubble.finding .num { background: #c0392b; }
)css";

/// The source around \p Steps in \p File (two lines of context each, the
/// windows merged), each step drawn as a numbered bubble under its line.
void writeExcerpt(llvm::raw_ostream &OS, Positions &P, const std::string &File,
                  const std::string &Shown, const std::vector<const Step *> &Steps) {
  const unsigned Context = 2;
  unsigned Last = P.lineCount(File);
  std::map<unsigned, std::vector<const Step *>> AtLine;
  std::vector<std::pair<unsigned, unsigned>> Windows;
  for (const Step *S : Steps) {
    AtLine[S->Line].push_back(S);
    unsigned From = S->Line > Context ? S->Line - Context : 1;
    unsigned To = std::min(Last, S->Line + Context);
    Windows.push_back({From, To});
  }
  llvm::sort(Windows);
  std::vector<std::pair<unsigned, unsigned>> Merged;
  for (auto W : Windows)
    if (!Merged.empty() && W.first <= Merged.back().second + 1)
      Merged.back().second = std::max(Merged.back().second, W.second);
    else
      Merged.push_back(W);
  OS << "<table class=\"code\"><caption>" << esc(Shown) << "</caption>\n";
  for (size_t W = 0; W < Merged.size(); ++W) {
    if (W > 0 || Merged[W].first > 1)
      OS << "<tr class=\"gap\"><td class=\"ln\">&#8942;</td><td></td></tr>\n";
    for (unsigned L = Merged[W].first; L <= Merged[W].second; ++L) {
      unsigned Visual = 0;
      std::string Text = expandTabs(P.line(File, L), 1, Visual);
      auto It = AtLine.find(L);
      OS << "<tr" << (It != AtLine.end() ? " class=\"hit\"" : "") << "><td class=\"ln\">"
         << L << "</td><td class=\"src\">" << esc(Text) << "</td></tr>\n";
      if (It == AtLine.end())
        continue;
      for (const Step *S : It->second) {
        expandTabs(P.line(File, L), S->Column, Visual);
        OS << "<tr class=\"step\"><td></td><td><div class=\"bubble"
           << (S->IsFinding ? " finding" : "") << "\" data-step=\"" << S->Number
           << "\" data-line=\"" << S->Line << "\" style=\"margin-left:" << Visual
           << "ch\"><span class=\"num\">" << S->Number << "</span>" << esc(S->Message)
           << "</div></td></tr>\n";
      }
    }
  }
  OS << "</table>\n";
}

} // namespace

void writeHtml(const std::vector<ClangTidyError> &Errors, llvm::StringRef Root,
               llvm::StringRef Version, llvm::StringRef DocsBase, llvm::raw_ostream &OS) {
  Positions P;
  llvm::StringMap<const CheckInfo *> Catalog;
  for (const CheckInfo &C : checkCatalog())
    Catalog[C.Name] = &C;
  // By file (of the finding), sorted by the path shown; by check.
  std::map<std::string, std::vector<size_t>> ByFile;
  std::map<std::string, unsigned> ByCheck;
  unsigned Warnings = 0, ErrorCount = 0;
  for (size_t I = 0; I < Errors.size(); ++I) {
    ByFile[relativePath(Errors[I].Message.FilePath, Root)].push_back(I);
    ++ByCheck[Errors[I].DiagnosticName];
    (Errors[I].DiagLevel == clang::tooling::Diagnostic::Error ? ErrorCount : Warnings) += 1;
  }
  auto CheckLink = [&](const std::string &Name) {
    auto It = Catalog.find(Name);
    if (It == Catalog.end())
      return "<span class=\"check\">[" + esc(Name) + "]</span>";
    return "<a class=\"check\" href=\"" + esc(DocsBase.str() + It->second->DocPage) + "\">[" +
           esc(Name) + "]</a>";
  };

  OS << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
     << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
     << "<title>procshare report</title>\n<style>" << Style << "</style></head><body>\n"
     << "<h1>procshare report</h1>\n<p class=\"meta\">" << Warnings
     << (Warnings == 1 ? " finding" : " findings");
  if (ErrorCount)
    OS << " and " << ErrorCount << (ErrorCount == 1 ? " error" : " errors");
  OS << " in " << ByFile.size() << (ByFile.size() == 1 ? " file" : " files") << "; procshare "
     << esc(Version) << "</p>\n";

  OS << "<h2>By check</h2>\n<table class=\"summary\" id=\"by-check\"><tr><th>check</th>"
     << "<th>what it finds</th><th>count</th></tr>\n";
  for (const auto &[Check, N] : ByCheck) {
    auto It = Catalog.find(Check);
    OS << "<tr><td>" << CheckLink(Check) << "</td><td>"
       << esc(It != Catalog.end() ? It->second->Summary : "a diagnostic of the compiler")
       << "</td><td class=\"n\">" << N << "</td></tr>\n";
  }
  OS << "</table>\n<h2>By file</h2>\n<table class=\"summary\" id=\"by-file\"><tr><th>file</th>"
     << "<th>count</th></tr>\n";
  unsigned FileNo = 0;
  for (const auto &[File, Indices] : ByFile)
    OS << "<tr><td><a href=\"#file-" << FileNo++ << "\">" << esc(File)
       << "</a></td><td class=\"n\">" << Indices.size() << "</td></tr>\n";
  OS << "</table>\n<h2>Findings</h2>\n";

  // Open when the page is small; collapsed per file when it is not.
  bool Open = Errors.size() <= 100;
  FileNo = 0;
  for (const auto &[File, Indices] : ByFile) {
    OS << "<details class=\"file\" id=\"file-" << FileNo << "\"" << (Open ? " open" : "")
       << "><summary>" << esc(File) << "<span class=\"count\">" << Indices.size()
       << "</span></summary>\n";
    for (size_t K = 0; K < Indices.size(); ++K) {
      const ClangTidyError &E = Errors[Indices[K]];
      bool IsError = E.DiagLevel == clang::tooling::Diagnostic::Error;
      std::vector<Step> Steps = stepsOf(E, P);
      const Step &Finding = *llvm::find_if(Steps, [](const Step &S) { return S.IsFinding; });
      std::string Id = "finding-" + std::to_string(FileNo) + "-" + std::to_string(K);
      OS << "<section class=\"finding\" id=\"" << Id << "\" data-check=\""
         << esc(E.DiagnosticName) << "\"><h3><span class=\"sev" << (IsError ? " error" : "")
         << "\">" << (IsError ? "error" : "warning") << "</span>" << esc(E.Message.Message)
         << " " << CheckLink(E.DiagnosticName) << "</h3>\n<p class=\"where\">" << esc(File)
         << ":" << Finding.Line << ":" << Finding.Column << "</p>\n";
      // One excerpt per file the path goes through, the finding's first.
      std::vector<std::string> Order;
      for (const Step &S : Steps)
        if (!llvm::is_contained(Order, S.File))
          Order.push_back(S.File);
      for (const std::string &F : Order) {
        std::vector<const Step *> Here;
        for (const Step &S : Steps)
          if (S.File == F)
            Here.push_back(&S);
        writeExcerpt(OS, P, F, relativePath(F, Root), Here);
      }
      OS << "</section>\n";
    }
    OS << "</details>\n";
    ++FileNo;
  }
  if (Errors.empty())
    OS << "<p>No findings.</p>\n";
  OS << "</body></html>\n";
}

} // namespace procshare
