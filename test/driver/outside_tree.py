#!/usr/bin/env python3
"""outside_tree.py PROCSHARE FILE [ARGS...]: copies FILE into a fresh directory
under the system temporary directory (no compile_commands.json above it, unlike
the build tree, which may export one) and runs PROCSHARE on the copy there."""
import os
import shutil
import subprocess
import sys
import tempfile

procshare, source, args = sys.argv[1], sys.argv[2], sys.argv[3:]
work = tempfile.mkdtemp(prefix="procshare-nodb-")
try:
    copy = os.path.join(work, os.path.basename(source))
    shutil.copy(source, copy)
    sys.exit(subprocess.call([procshare] + args + [copy], cwd=work))
finally:
    shutil.rmtree(work, ignore_errors=True)
