#!/usr/bin/env python3
"""procshare's benchmark: its cost against the parse floor and clang-tidy.

  bench/bench.py [--files N] [--runs R] [--fetch PACKAGE | DIR]

DIR is a C codebase with compile_commands.json (e.g. from `bear -- make`). With
--fetch, the Debian source package is downloaded into /tmp and built with bear
first (needs deb-src, build-essential and bear); nothing is ever committed.
Each configuration runs R times on the same files (the first N of the
database, sorted); the minimum wall time and the peak memory are reported:

  floor      clang-tidy-19 with one trivial check (the cost of parsing)
  procshare  clang-tidy-19 with the procshare plugin, every procshare check
  bugprone   clang-tidy-19 -checks='-*,bugprone-*'
  cli -j1    the procshare CLI, one worker, building the project index from
             nothing (the whole pipeline, cold: summaries, rounds, index)
  cli -j2    the same with two workers
  no index   the CLI with one worker and --no-index
  cached     the CLI with one worker and a warm --cache-dir (nothing changed)
  edited     the same after a comment is appended to one file (restored after)

and the ratios the project targets: procshare <= 1.15x the floor, faster than
bugprone-*, -j2 at least 1.8x faster than -j1, peak memory <= 1.2x the floor,
the cold pipeline with the index <= 1.3x the floor and a warm run after a
one-file edit <= 0.4x; and the index's size on disk.
"""
import argparse
import glob
import json
import os
import resource
import subprocess
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build")
TIDY = "clang-tidy-19"


def measure(cmd, cwd):
    """Wall seconds and peak RSS (MB) of one run of cmd, in a fresh process."""
    probe = ("import resource,subprocess,sys,time;t=time.time();"
             "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
             "print(time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe] + cmd, cwd=cwd,
                         stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024.0


def fetch(package):
    work = "/tmp/procshare-bench"
    os.makedirs(work, exist_ok=True)
    subprocess.run(["apt-get", "source", package], cwd=work, check=True)
    src = sorted(d for d in glob.glob(os.path.join(work, package + "-*")) if os.path.isdir(d))[-1]
    if os.path.exists(os.path.join(src, "configure")):
        subprocess.run(["./configure"], cwd=src, check=True)
    subprocess.run(["bear", "--", "make", "-j2", "-k"], cwd=src)
    return src


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", nargs="?")
    p.add_argument("--fetch", help="Debian source package to download and build")
    p.add_argument("--files", type=int, default=80)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    src = fetch(a.fetch) if a.fetch else a.dir
    if not src:
        p.error("give a directory with compile_commands.json, or --fetch PACKAGE")
    db = json.load(open(os.path.join(src, "compile_commands.json")))
    files = sorted({os.path.join(e["directory"], e["file"]) for e in db})[:a.files]
    plugin = os.path.join(BUILD, "libprocshare-tidy.so")
    cli = os.path.join(BUILD, "procshare")
    cache = tempfile.mkdtemp(prefix="procshare-bench-cache-")
    scratch = tempfile.mkdtemp(prefix="procshare-bench-index-")
    index = os.path.join(scratch, "index.json")
    # A cold run starts with no index: it is removed before each.
    cold = lambda *args: ["sh", "-c", 'rm -f "$0"; exec "$@"', index, cli, "--quiet",
                          "--index=" + index] + list(args) + ["-p", src] + files
    cached = [cli, "--quiet", "-j", "1", "--cache-dir", cache, "-p", src] + files
    configs = [
        ("floor", [TIDY, "-p", src, "-checks=-*,misc-unused-alias-decls"] + files),
        ("procshare", [TIDY, "-load=" + plugin, "-p", src, "-checks=-*,procshare-*"] + files),
        ("bugprone", [TIDY, "-p", src, "-checks=-*,bugprone-*"] + files),
        ("cli -j1", cold("-j", "1")),
        ("cli -j2", cold("-j", "2")),
        ("no index", [cli, "--quiet", "-j", "1", "--no-index", "-p", src] + files),
        ("cached", cached),
        ("edited", cached),
    ]
    subprocess.run(cached, cwd=src, stdout=subprocess.DEVNULL)  # warms the cache
    edited = files[len(files) // 2]
    original = open(edited, "rb").read()
    best = {}
    try:
        for _ in range(a.runs):  # interleaved, so slow phases of the machine hit all
            for name, cmd in configs:
                if name == "edited":
                    with open(edited, "ab") as f:
                        f.write(b"\n/* procshare bench edit */\n")
                t, m = measure(cmd, src)
                if name == "edited":
                    open(edited, "wb").write(original)
                    subprocess.run(cached, cwd=src, stdout=subprocess.DEVNULL)  # warm again
                bt, bm = best.get(name, (t, m))
                best[name] = (min(t, bt), max(m, bm) if name in best else m)
    finally:
        open(edited, "wb").write(original)
    print("%d files of %s, min of %d runs" % (len(files), src, a.runs))
    for name, _ in configs:
        print("  %-10s %7.2f s %7.0f MB" % ((name,) + best[name]))
    floor_t, floor_m = best["floor"]
    r = lambda x, y: best[x][0] / best[y][0]
    print("procshare / floor        %.2fx time (target <= 1.15)" % r("procshare", "floor"))
    print("procshare / bugprone-*   %.2fx time (target < 1)" % r("procshare", "bugprone"))
    print("cli -j1 / cli -j2        %.2fx speed-up (target >= 1.8)" % r("cli -j1", "cli -j2"))
    print("procshare / floor        %.2fx peak memory (target <= 1.2)" % (best["procshare"][1] / floor_m))
    print("cached / cli -j1         %.2fx time (a re-run with nothing changed)" % r("cached", "cli -j1"))
    print("cli -j1 / floor          %.2fx time (cold, with the index; target <= 1.3)"
          % r("cli -j1", "floor"))
    print("no index / floor         %.2fx time" % r("no index", "floor"))
    print("edited / floor           %.2fx time (warm, one file edited; target <= 0.4)"
          % r("edited", "floor"))
    print("cli -j1 / floor          %.2fx peak memory (target <= 1.2)"
          % (best["cli -j1"][1] / floor_m))
    print("index on disk            %.0f KB for %d files" % (os.path.getsize(index) / 1024.0,
                                                            len(files)))
    shutil.rmtree(cache)
    shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
