#!/usr/bin/env python3
"""check_html.py REPORT.html: reads a procshare HTML report the way a browser
would (Python's html.parser) and prints what it shows, one line each:

  by-check CHECK COUNT HREF
  by-file FILE COUNT
  file FILE open|closed COUNT
  finding CHECK WHERE
    step N LINE MESSAGE            (the numbered bubbles, in page order)

It fails on what would break the page: an external resource (script, style
sheet, font, image), a link to an anchor that does not exist, steps not
numbered 1..n, or a finding without its own step."""
import re
import sys
from html.parser import HTMLParser


class Report(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.ids, self.anchors, self.stack = [], set(), [], []
        self.text, self.capture = "", None
        self.table = None
        self.row = []
        self.steps = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("script", "link", "img", "iframe") or (tag == "style" and "src" in a):
            raise SystemExit("external or scripted resource: <%s %s>" % (tag, a))
        href = a.get("href", "")
        if tag == "a" and href.startswith("#"):
            self.anchors.append(href[1:])
        if tag == "table" and a.get("id") in ("by-check", "by-file"):
            self.table = a["id"]
        if self.table and tag == "tr":
            self.row, self.row_href = [], ""
        if self.table and tag == "td":
            self.capture, self.text = "td", ""
        if self.table == "by-check" and tag == "a":
            self.row_href = href
        if tag == "details":
            self.details = [a.get("id"), "open" if "open" in a else "closed"]
        if tag == "summary":
            self.capture, self.text = "summary", ""
        if tag == "section" and "finding" in a.get("class", ""):
            self.finding = [a.get("data-check")]
            self.steps = []
        if tag == "p" and a.get("class") == "where":
            self.capture, self.text = "where", ""
        if tag == "div" and "bubble" in a.get("class", ""):
            self.steps.append([int(a["data-step"]), a["data-line"], "finding" in a["class"], ""])
            self.capture, self.text = "bubble", ""
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.capture == "td" and tag == "td":
            self.row.append(self.text.strip())
            self.capture = None
        if self.table and tag == "tr" and self.row:
            if self.table == "by-check":
                self.out.append(("by-check %s %s %s" % (self.row[0].strip("[]"), self.row[2],
                                                       self.row_href)).strip())
            else:
                self.out.append("by-file %s %s" % (self.row[0], self.row[1]))
        if tag == "table":
            self.table = None
        if self.capture == "summary" and tag == "summary":
            m = re.match(r"(.*?)(\d+)$", self.text.strip())
            self.out.append("file %s %s %s" % (m.group(1), self.details[1], m.group(2)))
            self.capture = None
        if self.capture == "where" and tag == "p":
            self.finding.append(self.text.strip())
            self.out.append("finding %s %s" % tuple(self.finding))
            self.capture = None
        if self.capture == "bubble" and tag == "div":
            # (the text after the number's own span)
            self.steps[-1][3] = re.sub(r"^\d+", "", self.text.strip())
            self.capture = None
        if tag == "section":
            self.finish_finding()
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.capture:
            self.text += data

    def finish_finding(self):
        if not self.steps:
            return
        numbers = sorted(s[0] for s in self.steps)
        if numbers != list(range(1, len(numbers) + 1)):
            raise SystemExit("steps not numbered 1..n: %s" % numbers)
        if sum(1 for s in self.steps if s[2]) != 1:
            raise SystemExit("a finding without exactly one step of its own")
        for n, line, _, message in sorted(self.steps):
            self.out.append("  step %d %s %s" % (n, line, message))
        self.steps = []


r = Report()
r.feed(open(sys.argv[1], encoding="utf-8").read())
missing = [x for x in r.anchors if x not in r.ids]
if missing:
    raise SystemExit("links to missing anchors: %s" % missing[:5])
print("\n".join(r.out))
