#!/usr/bin/env python3
"""windows-table.py REPORT DOC [TOP]: the table of docs/windows.md.

REPORT is `lingerlab run --format json` of the scenario library against
lingerlab-agent.exe (wine-library.sh makes it). Every check written
`expect windows: ...` becomes one row per case: where it is written, what
it expects, the verdict, and what the system did. After the table, the
expectations written for every system (no system named) that did not
pass there. All of it replaces what stood between DOC's lines
<!-- windows-table begin --> and <!-- windows-table end -->; the rest of
DOC is left as it is. TOP, the top of the source tree, is taken off the
file names (default: none).
"""
import collections
import json
import sys

BEGIN = "<!-- windows-table begin -->"
END = "<!-- windows-table end -->"


def cell(text):
    """Text fit for one cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ").strip() or " "


def expectation(check):
    """The expectation as written, without its 'because' (the file has
    it; a column of its own would make the table too wide)."""
    return " ".join(check.split(" because ", 1)[0].split())


def short(name, top):
    return name[len(top) + 1:] if top and name.startswith(top + "/") else name


def row(case, c, top):
    name = short(case["case"], top)
    params = name[name.index("["):] if "[" in name else ""
    where = "%s:%d%s" % (short(c["file"], top), c["line"], params)
    return "| `%s` | `%s` | %s | %s |" % (
        cell(where), cell(expectation(c["check"])), cell(c["verdict"]),
        cell(c["actual"] or c["note"]))


def table(cases, top):
    ours, every = [], []
    counts, others = collections.Counter(), collections.Counter()
    for case in cases:
        for c in case["checks"]:
            if c.get("os") == ["windows"]:
                ours.append(row(case, c, top))
                counts[c["verdict"]] += 1
            elif "windows" in c.get("os", []):
                others[c["verdict"]] += 1
                if c["verdict"] != "pass":
                    every.append(row(case, c, top))
    # Lab mode says all the system said of itself; os is the short name.
    systems = "; ".join(sorted({case.get("lab", {}).get("system") or
                                case["os"] for case in cases}))

    def said(cnt):
        return ", ".join("%d %s" % (n, v) for v, n in sorted(cnt.items()))

    out = ["%d `windows:` expectations in %d cases, run on %s: %s." %
           (sum(counts.values()), len(cases), systems, said(counts)), "",
           "| scenario | expectation | verdict | what happened |",
           "|---|---|---|---|"] + ours
    out += ["", "The expectations written for every system (no `linux:`, "
            "`freebsd:` or `windows:`) that apply here too: %s%s" %
            (said(others), "; those that did not pass:" if every else ".")]
    if every:
        out += ["", "| scenario | expectation | verdict | what happened |",
                "|---|---|---|---|"] + every
    return out, len(ours)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: windows-table.py REPORT DOC [TOP]")
    report, doc = sys.argv[1], sys.argv[2]
    top = sys.argv[3].rstrip("/") if len(sys.argv) > 3 else ""
    with open(report, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    if not cases:
        sys.exit("windows-table.py: %s holds no case" % report)
    lines, n = table(cases, top)
    with open(doc, encoding="utf-8") as f:
        text = f.read()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or \
            text.index(BEGIN) > text.index(END):
        sys.exit("windows-table.py: %s needs one %s line and one %s line "
                 "after it" % (doc, BEGIN, END))
    head = text[:text.index(BEGIN) + len(BEGIN)]
    tail = text[text.index(END):]
    with open(doc, "w", encoding="utf-8") as f:
        f.write(head + "\n" + "\n".join(lines) + "\n" + tail)
    print("windows-table.py: %d windows: expectations written into %s" %
          (n, doc))


if __name__ == "__main__":
    main()
