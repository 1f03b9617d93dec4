#!/usr/bin/env python3
"""validate_sarif.py SCHEMA LOG...: validates SARIF logs against the SARIF
2.1.0 JSON schema (Inputs/sarif-schema-2.1.0.json, the OASIS schema as the
npm package @microsoft/jest-sarif ships it) with Debian's python3-jsonschema,
and checks what the schema cannot: every rule's helpUri is an absolute URI,
and every artifact URI is either absolute (file://) or relative to a base id
that originalUriBaseIds defines as an absolute file:// URI."""
import json
import sys
from urllib.parse import urlparse

import jsonschema

schema_path, logs = sys.argv[1], sys.argv[2:]
with open(schema_path) as f:
    schema = json.load(f)
validator = jsonschema.Draft4Validator(schema)
failed = False
for path in logs:
    with open(path) as f:
        log = json.load(f)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for e in errors:
        print("%s: %s: %s" % (path, "/".join(map(str, e.path)), e.message))
    failed |= bool(errors)
    for run in log["runs"]:
        bases = run.get("originalUriBaseIds", {})
        for base, loc in bases.items():
            if urlparse(loc["uri"]).scheme != "file" or not loc["uri"].endswith("/"):
                print("%s: base %s is not an absolute file:// directory" % (path, base))
                failed = True
        for rule in run["tool"]["driver"]["rules"]:
            if "helpUri" in rule and not urlparse(rule["helpUri"]).scheme:
                print("%s: rule %s: helpUri %s is not absolute" % (path, rule["id"], rule["helpUri"]))
                failed = True

        def artifacts(node):
            if isinstance(node, dict):
                if "artifactLocation" in node:
                    yield node["artifactLocation"]
                for v in node.values():
                    yield from artifacts(v)
            elif isinstance(node, list):
                for v in node:
                    yield from artifacts(v)

        for a in artifacts(run.get("results", [])):
            absolute = bool(urlparse(a["uri"]).scheme)
            if absolute == ("uriBaseId" in a) or ("uriBaseId" in a and a["uriBaseId"] not in bases):
                print("%s: artifact %s: neither absolute nor under a known base" % (path, a))
                failed = True
    print("%s: %s" % (path, "invalid" if failed else "valid SARIF 2.1.0"))
sys.exit(1 if failed else 0)
