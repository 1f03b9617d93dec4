#!/usr/bin/env python3
"""A minimal LSP client that asks procshare-clangd for a file's diagnostics.

  lsp_client.py --clangd=PATH [--checks=GLOBS] FILE [-- COMPILER ARGS]

Copies FILE into a fresh directory with the .clang-tidy a user would write
(`Checks: GLOBS`) and a compile_flags.txt, starts clangd there, sends
initialize / initialized / didOpen, waits for publishDiagnostics, and prints
each diagnostic in clang's format:

  FILE:LINE:COL: warning: message [check-name]

clangd presents messages for humans (first letter capitalised); the client
prints them as the checks wrote them so the same FileCheck lines apply.
Exits 2 if clangd publishes nothing within the timeout.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

SEVERITY = {1: "error", 2: "warning", 3: "remark", 4: "note"}


class Client:
    def __init__(self, cmd, cwd):
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 0
        self.stderr = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stderr:
            self.stderr.append(line.decode(errors="replace"))

    def send(self, method, params, request=True):
        msg = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            msg["id"] = self.next_id
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg.get("id")

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def wait_for(self, pred, timeout):
        result = {}

        def reader():
            while True:
                msg = self.read()
                if msg is None:
                    return
                if pred(msg):
                    result["msg"] = msg
                    return
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        t.join(timeout)
        return result.get("msg")


def main():
    argv = sys.argv[1:]
    compiler_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, compiler_args = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--clangd", required=True)
    p.add_argument("--checks", default="procshare-*")
    p.add_argument("--config", default="",
                   help="flow YAML like {CheckOptions: {...}} added to .clang-tidy")
    p.add_argument("--no-clang-tidy", action="store_true",
                   help="write no .clang-tidy: procshare-clangd's defaults")
    p.add_argument("--clangd-config", default="",
                   help="text of a .clangd file to write beside the source")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("source")
    a = p.parse_args(argv)

    work = tempfile.mkdtemp(prefix="procshare-lsp-")
    try:
        name = os.path.basename(a.source)
        path = os.path.join(work, name)
        shutil.copy(a.source, path)
        if not a.no_clang_tidy:
            with open(os.path.join(work, ".clang-tidy"), "w") as f:
                extra = a.config.strip()
                if extra.startswith("{") and extra.endswith("}"):
                    f.write("{Checks: '%s', %s}\n" % (a.checks, extra[1:-1]))
                else:
                    f.write("Checks: '%s'\n" % a.checks)
        if a.clangd_config:
            with open(os.path.join(work, ".clangd"), "w") as f:
                f.write(a.clangd_config.replace("\\n", "\n") + "\n")
        with open(os.path.join(work, "compile_flags.txt"), "w") as f:
            f.write("\n".join(compiler_args) + "\n")
        client = Client([a.clangd, "--log=error", "-j=1", "--background-index=false",
                         "--pch-storage=memory"], cwd=work)
        uri = "file://" + urllib.request.pathname2url(path)
        init = client.send("initialize", {
            "processId": os.getpid(), "rootUri": "file://" + work,
            "capabilities": {"textDocument": {"publishDiagnostics": {
                "relatedInformation": True}}}})
        client.wait_for(lambda m: m.get("id") == init, a.timeout)
        client.send("initialized", {}, request=False)
        lang = "cpp" if name.endswith((".cpp", ".cc", ".cxx", ".C")) else "c"
        client.send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": lang, "version": 1, "text": open(path).read()}},
            request=False)
        msg = client.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and urllib.parse.unquote(m["params"]["uri"]) == urllib.parse.unquote(uri),
            a.timeout)
        if msg is None:
            sys.stderr.write("no diagnostics from clangd within %ss\n%s" % (
                a.timeout, "".join(client.stderr)))
            client.proc.kill()
            return 2
        diags = sorted(msg["params"]["diagnostics"],
                       key=lambda d: (d["range"]["start"]["line"], d["range"]["start"]["character"]))
        for d in diags:
            if d.get("source") not in ("clang-tidy", "clang"):
                continue
            if d.get("source") == "clang" and d.get("severity") != 1:
                continue  # compiler warnings: not ours
            message = d["message"].split("\n")[0]
            if message.endswith(" (fix available)"):
                message = message[:-len(" (fix available)")]
            if message:
                message = message[0].lower() + message[1:]
            start = d["range"]["start"]
            code = d.get("code", "")
            print("%s:%d:%d: %s: %s [%s]" % (path, start["line"] + 1, start["character"] + 1,
                                              SEVERITY.get(d.get("severity"), "warning"),
                                              message, code))
        sdid = client.send("shutdown", None)
        client.wait_for(lambda m: m.get("id") == sdid, 10)
        client.send("exit", None, request=False)
        try:
            client.proc.wait(10)
        except subprocess.TimeoutExpired:
            client.proc.kill()
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
