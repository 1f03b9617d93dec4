#!/usr/bin/env python3
"""Keeps docs/ true to the binary.

  check_docs.py PROCSHARE DOCS_DIR

- every check procshare lists has a page docs/checks/<name>.md whose title is
  the check name and whose first sentence is the summary --list-checks prints;
- every page under docs/checks/ belongs to a listed check;
- every ```json block of docs/rules.md loads with `procshare --rules`.
"""
import os
import re
import subprocess
import sys
import tempfile

procshare, docs = sys.argv[1], sys.argv[2]
out = subprocess.run([procshare, "--list-checks"], stdout=subprocess.PIPE, text=True, check=True).stdout
checks = re.findall(r"^\s+\*?\s*(procshare-[a-z-]+)\n\s+(.+)$", out, re.M)
errors = []
if not checks:
    errors.append("procshare --list-checks listed no checks")
for name, summary in checks:
    page = os.path.join(docs, "checks", name[len("procshare-"):] + ".md")
    if not os.path.exists(page):
        errors.append("%s: no docs page %s" % (name, page))
        continue
    lines = open(page).read().split("\n")
    if lines[0] != "# " + name:
        errors.append("%s: title is %r" % (page, lines[0]))
    first_para = next(l for l in lines[1:] if l.strip())
    if first_para.strip() != summary.strip():
        errors.append("%s: first sentence differs from the summary\n  docs:    %s\n  summary: %s"
                      % (page, first_para.strip(), summary.strip()))
listed = {n[len("procshare-"):] + ".md" for n, _ in checks}
for f in os.listdir(os.path.join(docs, "checks")):
    if f.endswith(".md") and f not in listed:
        errors.append("docs/checks/%s documents no listed check" % f)

rules_md = open(os.path.join(docs, "rules.md")).read()
blocks = re.findall(r"```json\n(.*?)```", rules_md, re.S)
if not blocks:
    errors.append("docs/rules.md has no json example")
source = tempfile.NamedTemporaryFile("w", suffix=".c", delete=False)
source.write("int main(void) { return 0; }\n")
source.close()
for i, block in enumerate(blocks):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(block)
    res = subprocess.run([procshare, "--quiet", "--rules=" + f.name, source.name, "--"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        errors.append("docs/rules.md json example %d does not load: %s" % (i + 1, res.stderr.strip()))
    os.unlink(f.name)
os.unlink(source.name)

for e in errors:
    print("error: " + e)
print("%d checks documented, %d rules examples load" % (len(checks), len(blocks)))
sys.exit(1 if errors else 0)
