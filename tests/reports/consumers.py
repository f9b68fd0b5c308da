#!/usr/bin/python3
"""consumers.py - lingerlab's reports read by the tools that consume them.

The parts of tests/reports/test-report-consumers.sh that are Python, one
subcommand each; each prints what it found and exits 0 (right), 1 (wrong,
said how) or 77 (the Debian package it needs is missing, said which).

  json SCHEMA REPORT.jsonl        every line valid against the JSON Schema
                                  (python3-jsonschema), and a line with a
                                  stray key is refused (the schema is strict)
  junit REPORT.xml REPORT.jsonl   junitparser (python3-junitparser) reads the
                                  JUnit report; per case its tests, failures,
                                  errors and skips match the JSON report's
  tap-counts REPORT.jsonl         "FAILED TOTAL": what prove must count
  html DOM.html REPORT.jsonl      the page Chromium loaded has every case, its
                                  checks and its ladder diagram, and the probe
                                  plots of a case with probes
  netlog NETLOG.json              Chromium's net log: the page asked for
                                  nothing (the browser's own background
                                  requests, initiator "not an origin", aside)
  png FILE WIDTH                  a PNG image of that width
"""
import json
import re
import struct
import sys


def cases_of(jsonl):
    with open(jsonl, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fail(msg):
    print("FAIL: " + msg)
    return 1


def cmd_json(schema_path, jsonl):
    try:
        import jsonschema
    except ImportError:
        print("SKIP: python3-jsonschema is not installed: the JSON report was not validated")
        return 77
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    cases = cases_of(jsonl)
    bad = 0
    for i, case in enumerate(cases, 1):
        for e in v.iter_errors(case):
            bad += 1
            print("FAIL: line %d (%s): %s: %s" % (i, case.get("case"), e.json_path,
                                                  e.message[:300]))
    if not cases:
        return fail("the JSON report is empty")
    stray = dict(cases[0], unexpected=1)
    if v.is_valid(stray):
        return fail("the schema accepts a key it does not describe")
    if bad:
        return 1
    print("ok: %d JSON lines valid against %s" % (len(cases), schema_path))
    return 0


def want_counts(case):
    c = case["counts"]
    return (len(case["checks"]), c["fail"], c["error"] + c["not-reached"],
            c["not-applicable"])


def cmd_junit(xml_path, jsonl):
    try:
        from junitparser import JUnitXml, Failure, Error, Skipped
    except ImportError:
        print("SKIP: python3-junitparser is not installed: no JUnit parser read the report")
        return 77
    xml = JUnitXml.fromfile(xml_path)
    suites = list(xml)
    cases = cases_of(jsonl)
    if len(suites) != len(cases):
        return fail("junitparser reads %d suites, the JSON report has %d cases" %
                    (len(suites), len(cases)))
    bad = 0
    for suite, case in zip(suites, cases):
        n = f = e = s = 0
        for tc in suite:
            n += 1
            results = tc.result
            f += sum(isinstance(r, Failure) for r in results)
            e += sum(isinstance(r, Error) for r in results)
            s += sum(isinstance(r, Skipped) for r in results)
        got = (n, f, e, s)
        attrs = (suite.tests, suite.failures, suite.errors, suite.skipped)
        want = want_counts(case)
        props = {p.name: p.value for p in suite.properties()}
        if props.get("family") != case["family"]:
            bad += 1
            print("FAIL: suite %s: property family %r, JSON report %r" %
                  (suite.name, props.get("family"), case["family"]))
        if suite.name != case["case"] or got != want or attrs != want:
            bad += 1
            print("FAIL: suite %s: testcases (tests, failures, errors, skipped) %s, "
                  "attributes %s; JSON report %s %s" % (suite.name, got, attrs,
                                                         case["case"], want))
    if bad:
        return 1
    print("ok: junitparser reads %d suites, %d testcases, each as the JSON report has it" %
          (len(suites), sum(want_counts(c)[0] for c in cases)))
    return 0


def cmd_tap_counts(jsonl):
    cases = cases_of(jsonl)
    failed = sum(want_counts(c)[1] + want_counts(c)[2] for c in cases)
    print("%d %d" % (failed, sum(want_counts(c)[0] for c in cases)))
    return 0


def cmd_html(dom_path, jsonl):
    with open(dom_path, encoding="utf-8") as f:
        dom = f.read()
    cases = cases_of(jsonl)
    bad = 0
    rows = re.findall(r'<tr class="case (?:passed|failed)" id="case-(\d+)">.*?<a [^>]*>(.*?)</a>',
                      dom, re.S)
    if [int(r[0]) for r in rows] != list(range(1, len(cases) + 1)):
        return fail("the page has case rows %s, not 1..%d" % ([r[0] for r in rows], len(cases)))
    for i, case in enumerate(cases, 1):
        m = re.search(r'<tr class="detail" id="detail-%d">(.*?)</tr>' % i, dom, re.S)
        if m is None:
            bad += fail("case %d (%s): no detail row" % (i, case["case"]))
            continue
        detail = m.group(1)
        nchecks = len(re.findall(r'<li class="', detail))
        if nchecks != len(case["checks"]):
            bad += fail("case %d (%s): %d checks on the page, %d in the report" %
                        (i, case["case"], nchecks, len(case["checks"])))
        ladder = re.search(r'<div class="svg">\s*<svg\b.*?</svg>', detail, re.S)
        if ladder is None or "<line" not in ladder.group(0) and "<path" not in ladder.group(0):
            bad += fail("case %d (%s): no ladder diagram" % (i, case["case"]))
        if "probes" in case and '<div class="probes">' not in detail:
            bad += fail("case %d (%s): it has probes, the page has no plots" % (i, case["case"]))
    if bad:
        return 1
    print("ok: the page Chromium loaded shows all %d cases, their checks and ladders" %
          len(cases))
    return 0


def cmd_netlog(path):
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    asked = []
    for ev in log["events"]:
        p = ev.get("params") or {}
        if names.get(ev["type"]) == "URL_REQUEST_START_JOB" and "url" in p:
            # the browser's own (updates, time): not the page's
            if p.get("initiator") != "not an origin":
                asked.append(p["url"])
    if asked:
        return fail("the page asked the network for: " + ", ".join(sorted(set(asked))))
    print("ok: the page loaded nothing from the network")
    return 0


def cmd_png(path, width):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return fail("%s is not a PNG image" % path)
    w, h = struct.unpack(">II", head[16:24])
    if w != int(width) or h < 100:
        return fail("%s is %dx%d" % (path, w, h))
    print("ok: screenshot %s, %dx%d" % (path, w, h))
    return 0


def main():
    cmds = {"json": cmd_json, "junit": cmd_junit, "tap-counts": cmd_tap_counts,
            "html": cmd_html, "netlog": cmd_netlog, "png": cmd_png}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__)
        return 2
    return cmds[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
