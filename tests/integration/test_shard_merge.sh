#!/bin/sh
# test_shard_merge.sh - a CI matrix in one machine: some of the library run
# whole, and as 3 shards (run --shard I/3, side by side as 3 machines would
# run them), in JSON and in JUnit; `lingerlab merge` of the shards must
# give exactly the cases of the whole run, each once, with the same
# verdict for every check, and validate against docs/schemas/ (junit.xsd
# with xmllint; the JSON Schema with python3-jsonschema, through
# tests/reports/consumers.py). The shards' lines on stderr must add up to
# the whole, and the same shard given twice must be refused.
#
# Usage: test_shard_merge.sh LINGERLAB SOURCE_DIR
# Exits 77 (ctest: SKIP) when no sandbox can be built here (lingerlab exits
# 3) or python3 is missing, saying why; a validator that is missing is
# named, and the rest still runs.
set -u
lingerlab=$1
src=$2
s=$src/scenarios
files="$s/examples/linger-off.scn $s/examples/linger-zero-rst.scn
    $s/edge/never-connected.scn $s/edge/close-wait-last-ack-off-zero.scn
    $s/shutdown/half-close.scn $s/exit/exit-close.scn $s/linger/zero.scn
    $s/unread-data/after-close.scn $s/kb-2770054/fix-shutdown-first.scn"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-shard.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

fail() {
	echo "FAIL: $*"
	for f in "$dir"/*.err; do
		[ -s "$f" ] && { echo "--- $f:"; cat "$f"; }
	done
	exit 1
}

if ! command -v "$py" >/dev/null 2>&1; then
	echo "SKIP: python3 is not installed (Debian: python3)"
	exit 77
fi

# shellcheck disable=SC2086 # one word a file
"$lingerlab" run --jobs 4 --format json $files >"$dir/whole.json" 2>"$dir/whole.err"
rc=$?
if [ $rc -eq 3 ]; then
	echo "SKIP: lingerlab cannot set up a sandbox here: $(cat "$dir/whole.err")"
	exit 77
fi
[ $rc -eq 0 ] || fail "the whole run exited $rc, not 0"

# the three machines, at once, each format
for fmt in json junit; do
	ext=$fmt
	[ $fmt = junit ] && ext=xml
	for i in 1 2 3; do
		# shellcheck disable=SC2086
		"$lingerlab" run --shard $i/3 --jobs 2 --format $fmt $files \
		    >"$dir/shard-$i.$ext" 2>"$dir/shard-$i-$fmt.err" &
	done
	wait
	for i in 1 2 3; do
		grep -q "shard $i/3: " "$dir/shard-$i-$fmt.err" ||
		    fail "shard $i/3 ($fmt) did not say what it got"
	done
done

# the shards' lines add up to the whole: "shard I/3: K of T cases"
total=$(grep -c . "$dir/whole.json")
sum=$(sed -n 's/.*shard [0-9]\/3: \([0-9]*\) of \([0-9]*\) cases.*/\1 \2/p' \
    "$dir"/shard-*-json.err | awk -v t="$total" '
	$2 != t { bad = 1 } { s += $1 } END { print bad ? -1 : s }')
[ "$sum" = "$total" ] || fail "the shards hold $sum cases, the whole run $total"

"$lingerlab" merge -o "$dir/merged.json" "$dir"/shard-1.json "$dir"/shard-2.json \
    "$dir"/shard-3.json 2>"$dir/merge-json.err" || fail "merge of JSON exited $?"
"$lingerlab" merge -o "$dir/merged.xml" "$dir"/shard-1.xml "$dir"/shard-2.xml \
    "$dir"/shard-3.xml 2>"$dir/merge-junit.err" || fail "merge of JUnit exited $?"
grep -q "3 reports, $total cases" "$dir/merge-json.err" ||
    fail "merge's summary: $(cat "$dir/merge-json.err")"

# the same cases, each once, the same verdicts: JSON and JUnit alike
"$py" - "$dir/whole.json" "$dir/merged.json" "$dir/merged.xml" <<'PY' || fail "the merged reports differ from the whole run"
import json, sys
import xml.etree.ElementTree as ET

def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

def verdicts(c):
    return [(k["check"], k["line"], k["verdict"]) for k in c["checks"]]

whole = {c["case"]: c for c in lines(sys.argv[1])}
merged = lines(sys.argv[2])
names = [c["case"] for c in merged]
bad = 0
if len(names) != len(set(names)) or set(names) != set(whole):
    print("JSON: cases differ: missing %s, extra %s" % (
        sorted(set(whole) - set(names)), sorted(set(names) - set(whole))))
    bad = 1
for c in merged:
    if c["case"] in whole and verdicts(c) != verdicts(whole[c["case"]]):
        print("JSON: %s: verdicts differ" % c["case"])
        bad = 1

# JUnit: a testsuite per case, a testcase per check, its outcome
outcome = {"pass": "pass", "fail": "failure", "error": "error",
           "not-reached": "error", "not-applicable": "skipped"}
root = ET.parse(sys.argv[3]).getroot()
suites = root.findall("testsuite")
if sorted(s.get("name") for s in suites) != sorted(whole):
    print("JUnit: the testsuites are not the whole run's cases")
    bad = 1
tests = 0
for s in suites:
    got = []
    for tc in s.findall("testcase"):
        kids = [k.tag for k in tc if k.tag in ("failure", "error", "skipped")]
        got.append(kids[0] if kids else "pass")
    tests += len(got)
    want = [outcome[v] for _, _, v in verdicts(whole.get(s.get("name"), {"checks": []}))]
    if got != want:
        print("JUnit: %s: outcomes %s, the whole run's %s" % (s.get("name"), got, want))
        bad = 1
    if int(s.get("tests")) != len(got):
        print("JUnit: %s: tests=%s for %d testcases" % (s.get("name"), s.get("tests"), len(got)))
        bad = 1
if int(root.get("tests")) != tests:
    print("JUnit: <testsuites tests=%s>, its testcases %d" % (root.get("tests"), tests))
    bad = 1
for a in ("failures", "errors", "skipped"):
    if int(root.get(a)) != sum(int(s.get(a)) for s in suites):
        print("JUnit: <testsuites %s> is not the sum of its testsuites'" % a)
        bad = 1
sys.exit(bad)
PY

# the schemas
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --schema "$src/docs/schemas/junit.xsd" "$dir/merged.xml" \
	    2>"$dir/xmllint.err" || fail "merged.xml is not valid against junit.xsd"
else
	echo "note: xmllint is not installed (Debian: libxml2-utils): merged.xml not validated"
fi
"$py" "$src/tests/reports/consumers.py" json \
    "$src/docs/schemas/lingerlab-run.schema.json" "$dir/merged.json" >"$dir/schema.err" 2>&1
case $? in
0) ;;
77) echo "note: $(tail -n 1 "$dir/schema.err"): merged.json not validated" ;;
*) fail "merged.json is not valid against the schema: $(cat "$dir/schema.err")" ;;
esac

# a shard given twice is refused, saying which files
"$lingerlab" merge "$dir"/shard-1.json "$dir"/shard-1.json >/dev/null 2>"$dir/twice.err"
rc=$?
[ $rc -eq 2 ] || fail "merging a shard twice exited $rc, not 2"
grep -q "is also in" "$dir/twice.err" || fail "no word on the case twice: $(cat "$dir/twice.err")"

echo "ok: $total cases as 3 shards, merged in JSON and JUnit: the same cases and verdicts as one run, valid"
exit 0
