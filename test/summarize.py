#!/usr/bin/env python3
"""Prints lit's results (from --xunit-xml-output) as one line:
"N passed, N failed" (", N skipped" when some were unsupported)."""
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("test results unreadable: %s" % e, file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(0)
passed = failed = skipped = 0
for case in root.iter("testcase"):
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
line = "%d passed, %d failed" % (passed, failed)
if skipped:
    line += ", %d skipped" % skipped
print(line)
