#!/usr/bin/env python3
"""Runs one check test through every procshare front end and FileChecks each.

  check_procshare.py [tool paths] FILE CHECK [--frontends=cli,plugin,clangd] [-- ARGS]

The same file is analysed by
  cli     procshare --checks=-*,CHECK FILE -- ARGS
  plugin  clang-tidy-19 -load=libprocshare-tidy.so -checks=-*,CHECK FILE -- ARGS
  clangd  procshare-clangd over LSP, with .clang-tidy enabling CHECK
and each output must match the file's `CHECK-MESSAGES:` lines, with every
warning and error matched (as clang-tidy's own check_clang_tidy.py does).
`CHECK-NOTES:` lines, when present, must match in order among the warnings
and notes (cli and plugin; clangd sends notes as related information); the
warnings are already checked exhaustively by CHECK-MESSAGES. A file with no
CHECK-MESSAGES (nor --extra-prefix) lines must produce no warning or error. So a test passing here shows the
three front ends report the same findings on the same file.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, **kw)


def filecheck(source, output, prefix, implicit, label):
    """FileCheck OUTPUT against SOURCE's PREFIX lines; IMPLICIT (if any)
    names diagnostic kinds that must all be matched."""
    with tempfile.NamedTemporaryFile("w", suffix=".out", delete=False) as f:
        f.write(output)
        out_path = f.name
    cmd = ["FileCheck", source, "-input-file=" + out_path, "-check-prefixes=" + prefix,
           "--allow-unused-prefixes"]
    if implicit:
        cmd.append("-implicit-check-not={{" + implicit + "}}:")
    res = run(cmd)
    os.unlink(out_path)
    if res.returncode != 0:
        sys.stderr.write("--- %s output ---\n%s\n--- FileCheck (%s) ---\n%s%s\n" % (
            label, output, prefix, res.stdout, res.stderr))
        return False
    return True


def main():
    argv = sys.argv[1:]
    compiler_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, compiler_args = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--procshare", required=True)
    p.add_argument("--clang-tidy", required=True)
    p.add_argument("--plugin", required=True)
    p.add_argument("--clangd", default="")
    p.add_argument("--frontends", default="cli,plugin,clangd")
    p.add_argument("--config", default="", help="extra CheckOptions as YAML")
    p.add_argument("--extra-prefix", default="",
                   help="also match lines with this prefix (checks of one RUN only)")
    p.add_argument("source")
    p.add_argument("check")
    a = p.parse_args(argv)

    text = open(a.source).read()
    has_notes = "CHECK-NOTES:" in text
    checks = "-*," + a.check
    ok = True
    for fe in a.frontends.split(","):
        if fe == "cli":
            cmd = [a.procshare, "--quiet", "--checks=" + checks]
            if a.config:
                cmd.append("--config=" + a.config)
            cmd += [a.source, "--"] + compiler_args
        elif fe == "plugin":
            cmd = [a.clang_tidy, "-load=" + a.plugin, "-checks=" + checks]
            if a.config:
                cmd.append("-config=" + a.config)
            cmd += [a.source, "--"] + compiler_args
        elif fe == "clangd":
            if not a.clangd:
                continue
            cmd = [sys.executable, os.path.join(HERE, "lsp", "lsp_client.py"),
                   "--clangd=" + a.clangd, "--checks=" + checks, "--config=" + a.config,
                   a.source, "--"] + compiler_args
        else:
            sys.exit("unknown front end " + fe)
        res = run(cmd)
        # procshare exits 1 with findings; clang-tidy exits 0; both fail on
        # crashes and on configuration errors.
        if res.returncode not in (0, 1) or "Stack dump" in res.stderr:
            sys.stderr.write("%s failed (exit %d):\n%s\n%s\n" % (
                fe, res.returncode, " ".join(cmd), res.stderr))
            ok = False
            continue
        prefixes = "CHECK-MESSAGES" + ("," + a.extra_prefix if a.extra_prefix else "")
        if not any(p + ":" in text for p in prefixes.split(",")):
            # A run that expects no finding at all.
            found = [l for l in res.stdout.splitlines() if "warning:" in l or "error:" in l]
            if found:
                sys.stderr.write("%s: expected no diagnostics, got:\n%s\n" % (fe, "\n".join(found)))
                ok = False
            continue
        ok &= filecheck(a.source, res.stdout, prefixes, "warning|error", fe)
        if has_notes and fe != "clangd":
            ok &= filecheck(a.source, res.stdout, "CHECK-NOTES", None, fe)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
