#!/usr/bin/env python3
"""expect_exit.py N CMD...: runs CMD and fails unless it exits with status N.
(lit's internal shell has no $?; `not` only tells zero from non-zero.)"""
import subprocess
import sys

want = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != want:
    sys.stderr.write("expected exit status %d, got %d: %s\n" % (want, got, " ".join(sys.argv[2:])))
    sys.exit(1)
