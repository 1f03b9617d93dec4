#!/usr/bin/env python3
"""Checks a procshare SARIF log the way a consumer would read it.

  check_sarif.py LOG.sarif [OTHER.sarif]

Prints one line per result (rule, file:line:column, fingerprint, fix count);
with OTHER, also whether the fingerprints of the two logs are the same.
"""
import json
import sys


def results(path):
    with open(path) as f:
        log = json.load(f)
    assert log["version"] == "2.1.0", "not SARIF 2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert all(r["shortDescription"]["text"] for r in rules), "a rule without summary"
    out = []
    for r in run["results"]:
        assert r["ruleId"] in ids, "result of an unknown rule " + r["ruleId"]
        assert ids[r["ruleIndex"]] == r["ruleId"], "ruleIndex does not match"
        loc = r["locations"][0]["physicalLocation"]
        out.append((r["ruleId"], loc["artifactLocation"]["uri"], loc["region"]["startLine"],
                    loc["region"]["startColumn"],
                    r["partialFingerprints"]["procshareFingerprint/v1"],
                    len(r.get("fixes", [])), len(r.get("relatedLocations", []))))
    return len(rules), out


n, first = results(sys.argv[1])
print("rules: %d" % n)
for rule, uri, line, col, fp, fixes, related in first:
    print("%s %s:%d:%d fixes=%d related=%d" % (rule, uri, line, col, fixes, related))
if len(sys.argv) > 2:
    _, second = results(sys.argv[2])
    same = [a[4] for a in first] == [b[4] for b in second]
    print("fingerprints " + ("same" if same else "differ"))
