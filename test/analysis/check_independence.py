#!/usr/bin/env python3
"""Each check reports the same findings alone as beside every other check.

  check_independence.py PROCSHARE FILE...

The checks share one model per translation unit whose answers are computed
on first use; they must not depend on which check asked first. Runs every
check alone and all checks together over FILE... (JSON output, C files as
gnu11, C++ as c++20), compares each check's findings, and prints one line per
check ("same N" or the differences) and a total.
"""
import glob
import json
import re
import subprocess
import sys


def run(procshare, files, checks):
    c_files = [f for f in files if f.endswith(".c")]
    cxx_files = [f for f in files if not f.endswith(".c")]
    found = set()
    for group, flags in ((c_files, ["-std=gnu11"]), (cxx_files, ["-std=c++20"])):
        if not group:
            continue
        out = subprocess.run([procshare, "--quiet", "--format=json", "-j", "2",
                              "--checks=-*," + checks] + group + ["--", "-D_GNU_SOURCE"] + flags,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        for d in json.loads(out):
            if d["check"].startswith("procshare-"):
                found.add((d["check"], d["file"], d["line"], d["column"], d["message"]))
    return found


def main():
    procshare = sys.argv[1]
    # Patterns are expanded here, whatever the shell did with them.
    files = sorted(f for a in sys.argv[2:] for f in (glob.glob(a) if "*" in a else [a]))
    listing = subprocess.run([procshare, "--list-checks"], stdout=subprocess.PIPE,
                             text=True).stdout.splitlines()
    names = [m.group(1) for m in map(re.compile(r"^\s+\*?\s*(procshare-[a-z-]+)$").match,
                                     listing) if m]
    together = run(procshare, files, "procshare-*")
    differ = 0
    for name in names:
        alone = run(procshare, files, name)
        mine = {f for f in together if f[0] == name}
        if alone == mine:
            print("%s same %d" % (name, len(alone)))
        else:
            differ += 1
            print("%s DIFFERS alone-only=%s together-only=%s"
                  % (name, sorted(alone - mine), sorted(mine - alone)))
    print("checks: %d, findings: %d, differing: %d" % (len(names), len(together), differ))


if __name__ == "__main__":
    main()
