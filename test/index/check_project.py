#!/usr/bin/env python3
"""Analyses a small multi-file project with the project index, every way.

  check_project.py --procshare=P --clang-tidy=T --plugin=L [--rules=R] \
      [--no-index] INPUT_DIR WORK_DIR [-- EXTRA_ARGS]

Copies INPUT_DIR's sources (.c, .cpp, .h, .json) to WORK_DIR, writes its
compile_commands.json (one entry per .c/.cpp file, `cc -c FILE` plus
EXTRA_ARGS), then runs

  1. procshare -p WORK_DIR -j1 (cold: no index yet),
  2. procshare -p WORK_DIR -j2 --cache-dir (cold cache), then again (warm),
  3. clang-tidy-19 -load=PLUGIN with IndexFile set to the index the CLI
     wrote, on each file,

and fails unless all of them report the same warnings (file, line, column,
message, check). With --no-index, runs procshare --no-index only. Prints
the first run's standard output, paths relative to WORK_DIR, for FileCheck.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

WARNING = re.compile(r"^(\S+?):(\d+):(\d+): warning: (.*)$")


def run(cmd, cwd=None):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    if res.returncode not in (0, 1) or "Stack dump" in res.stderr:
        sys.exit("command failed (exit %d): %s\n%s%s" % (res.returncode, " ".join(cmd),
                                                          res.stdout, res.stderr))
    return res


def warnings(text, work):
    out = set()
    for line in text.splitlines():
        m = WARNING.match(line)
        if m:
            path = os.path.relpath(os.path.join(work, m.group(1)), work)
            out.add((path, int(m.group(2)), int(m.group(3)), m.group(4)))
    return out


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--procshare", required=True)
    p.add_argument("--clang-tidy", required=True)
    p.add_argument("--plugin", required=True)
    p.add_argument("--rules", default="")
    p.add_argument("--no-index", action="store_true")
    p.add_argument("inputs")
    p.add_argument("work")
    a = p.parse_args(argv)

    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sources = []
    for name in sorted(os.listdir(a.inputs)):
        if os.path.splitext(name)[1] in (".c", ".cpp", ".h", ".json"):
            shutil.copy(os.path.join(a.inputs, name), work)
            if name.endswith((".c", ".cpp")):
                sources.append(name)
    json.dump([{"directory": work, "file": f, "arguments": ["cc", "-c", f] + extra}
               for f in sources], open(os.path.join(work, "compile_commands.json"), "w"))
    common = ["--quiet", "-p", work]
    if a.rules:
        common.append("--rules=" + os.path.join(work, a.rules))

    if a.no_index:
        first = run([a.procshare, "--no-index", "-j1"] + common)
        sys.stdout.write(first.stdout.replace(work + "/", ""))
        return

    first = run([a.procshare, "-j1"] + common)
    expected = warnings(first.stdout, work)
    index = os.path.join(work, ".procshare", "index.json")
    if not os.path.exists(index):
        sys.exit("no index was written at " + index)
    failures = []
    cache = os.path.join(work, "cache")
    for label, cmd in [("-j2, cold cache", [a.procshare, "-j2", "--cache-dir=" + cache]),
                       ("-j2, warm cache", [a.procshare, "-j2", "--cache-dir=" + cache]),
                       ("-j1 again, with the index of the last run", [a.procshare, "-j1"])]:
        got = warnings(run(cmd + common).stdout, work)
        if got != expected:
            failures.append((label, got))
    config = "{CheckOptions: {IndexFile: '%s'%s}}" % (
        index, ", RulesFile: '%s'" % os.path.join(work, a.rules) if a.rules else "")
    plugin = set()
    for f in sources:
        res = run([a.clang_tidy, "-load=" + a.plugin, "-checks=-*,procshare-*",
                   "-config=" + config, "-p", work, os.path.join(work, f)], cwd=work)
        if "cannot use" in res.stderr or "cannot use" in res.stdout:
            sys.exit("the plugin could not use its configuration:\n" + res.stdout + res.stderr)
        plugin |= warnings(res.stdout, work)
    if plugin != expected:
        failures.append(("clang-tidy plugin with IndexFile", plugin))
    for label, got in failures:
        sys.stderr.write("%s: findings differ from the first run\n  only here: %s\n"
                         "  missing here: %s\n" % (label, sorted(got - expected),
                                                   sorted(expected - got)))
    if failures:
        sys.stderr.write("first run:\n" + first.stdout)
        sys.exit(1)
    sys.stdout.write(first.stdout.replace(work + "/", ""))


if __name__ == "__main__":
    main()
