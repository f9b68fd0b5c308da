#!/bin/sh
# test-report-consumers.sh - every report of a real run, read by the tool
# that consumes it in the wild:
#   JUnit XML  validated against docs/schemas/junit.xsd (xmllint), and read
#              by junitparser (python3-junitparser), whose counts must be
#              the JSON report's;
#   JSON       every line valid against docs/schemas/lingerlab-run.schema.json
#              (python3-jsonschema);
#   TAP        read by prove, which must count the failures the JSON has;
#   pcap       every capture the JUnit report names read by tcpdump;
#   HTML       opened in headless Chromium inside a network namespace of its
#              own: a screenshot (kept as OUT/run.png), every case, check
#              and ladder diagram present, and nothing asked of the network.
# The run: scenarios/examples, one case that must fail, one with probes;
# then one stopped by --timeout, for the JUnit <error>.
#
# Usage: test-report-consumers.sh LINGERLAB SOURCE_DIR OUT
# Exit 0 all checked; 1 a check failed; 77 (SKIP) when no sandbox can be
# built here, or when a tool is missing: then every other check still runs,
# and each one left out is named with the Debian package that brings it.
set -u
lingerlab=$1
src=$2
out=$3
py=/usr/bin/python3
[ -x "$py" ] || py=python3
consumers="$py $src/tests/reports/consumers.py"
cases="$src/scenarios/examples $src/tests/scenarios/selftest/must-fail.scn
    $src/tests/scenarios/linux/leak-found.scn"

mkdir -p "$out" || exit 1
dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-reports.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
failed=0
skipped=""

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

skip() {
	echo "SKIP: $*"
	skipped="$skipped
  $*"
}

# run FORMAT OUTFILE [ARG...]: lingerlab run; 1 is expected (must-fail fails)
run() {
	fmt=$1
	file=$2
	shift 2
	# shellcheck disable=SC2086
	"$lingerlab" run --jobs 4 --format "$fmt" "$@" $cases >"$file" 2>"$dir/err"
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "SKIP: lingerlab cannot set up a sandbox here: $(cat "$dir/err")"
		exit 77
	fi
	[ $rc -eq 1 ] || { cat "$dir/err"; fail "lingerlab run --format $fmt exited $rc, not 1"; }
}

# python3 with a module, or the reason it is missing
run_py() {
	$consumers "$@"
	rc=$?
	[ $rc -eq 77 ] && { skipped="$skipped
  python3 $1 check (see above)"; return 0; }
	[ $rc -eq 0 ] || failed=$((failed + 1))
}

run junit "$dir/report.xml" --pcap-dir "$dir" --html "$dir/run.html"
run json "$dir/report.jsonl"
run tap "$dir/report.tap"
# a case stopped by its time limit: its checks are <error>s
"$lingerlab" run --timeout 500ms --format junit \
    "$src/scenarios/examples/nonblocking-linger-swallow-fin.scn" >"$dir/stopped.xml" 2>/dev/null
grep -q '<error ' "$dir/stopped.xml" || fail "a case stopped by --timeout has no <error> in JUnit"

# JUnit: the schema, then a real parser
if command -v xmllint >/dev/null 2>&1; then
	for f in "$dir/report.xml" "$dir/stopped.xml"; do
		xmllint --noout --schema "$src/docs/schemas/junit.xsd" "$f" ||
		    fail "$f is not valid against docs/schemas/junit.xsd"
	done
else
	skip "xmllint is not installed (Debian: libxml2-utils): JUnit not validated"
fi
if [ -x "$py" ] || command -v python3 >/dev/null 2>&1; then
	run_py junit "$dir/report.xml" "$dir/report.jsonl"
	run_py json "$src/docs/schemas/lingerlab-run.schema.json" "$dir/report.jsonl"
else
	skip "python3 is not installed (Debian: python3): JSON and junitparser checks left out"
fi

# TAP: prove reads every line and counts the same failures
if command -v prove >/dev/null 2>&1 && [ -x "$py" ]; then
	before=$failed
	# shellcheck disable=SC2046 # two numbers: failed, total
	set -- $($consumers tap-counts "$dir/report.jsonl")
	prove -e cat "$dir/report.tap" >"$dir/prove.out" 2>&1 && fail "prove passed a run with failures"
	grep -q 'Parse errors' "$dir/prove.out" && fail "prove: parse errors: $(cat "$dir/prove.out")"
	grep -q "Failed $1/$2 subtests" "$dir/prove.out" ||
	    fail "prove does not count $1 of $2 failed: $(cat "$dir/prove.out")"
	[ $failed -eq $before ] && echo "ok: prove reads the TAP report, $1 of $2 failed"
else
	skip "prove is not installed (Debian: perl): TAP not read"
fi

# pcap: each capture JUnit names, read by tcpdump
if command -v tcpdump >/dev/null 2>&1; then
	before=$failed
	n=0
	for f in $(xmllint --xpath '//property[@name="capture"]/@value' "$dir/report.xml" 2>/dev/null |
	    sed 's/ value="\([^"]*\)"/\1\n/g'); do
		n=$((n + 1))
		tcpdump -nn -r "$f" >"$dir/tcpdump.out" 2>"$dir/tcpdump.err" ||
		    fail "tcpdump cannot read $f: $(cat "$dir/tcpdump.err")"
		grep -q '192\.0\.2\.1\.[0-9]* > 192\.0\.2\.2\.[0-9]*: Flags \[S\]' "$dir/tcpdump.out" ||
		    fail "tcpdump finds no SYN from the client in $f"
	done
	[ $n -ge 8 ] || fail "JUnit names $n captures, fewer than the 8 cases with a peer"
	[ $failed -eq $before ] && echo "ok: tcpdump reads all $n captures, each with the client's SYN"
else
	skip "tcpdump is not installed (Debian: tcpdump): captures not read"
fi

# HTML: Chromium, with no network to reach, and a log of what it asked for
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	skip "chromium is not installed (Debian: chromium): the HTML report was not opened"
elif ! isolate=$(unshare -n true 2>/dev/null && echo "unshare -n" ||
    (unshare -rn true 2>/dev/null && echo "unshare -rn")); then
	skip "no network namespace for the browser here: the HTML report was not opened"
else
	browse() {
		profile=$(mktemp -d "$dir/profile.XXXXXX")
		# shellcheck disable=SC2086
		timeout 120 $isolate "$chromium" --headless --no-sandbox --disable-gpu \
		    --disable-quic --no-first-run --disable-background-networking \
		    --disable-component-update --disable-sync --user-data-dir="$profile" \
		    "$@" "file://$dir/run.html" 2>>"$dir/chromium.err"
	}
	browse --window-size=1280,2000 --screenshot="$out/run.png" \
	    --log-net-log="$dir/net.json" >/dev/null ||
	    fail "chromium --screenshot failed: $(tail -3 "$dir/chromium.err")"
	browse --dump-dom >"$dir/dom.html" || fail "chromium --dump-dom failed"
	cp "$dir/run.html" "$out/run.html"
	run_py png "$out/run.png" 1280
	run_py html "$dir/dom.html" "$dir/report.jsonl"
	run_py netlog "$dir/net.json"
	# the check of the net log must see a page that does ask: a control
	sed 's|</body>|<img src="http://192.0.2.9/x.png"/></body>|' "$dir/run.html" >"$dir/asks.html"
	mv "$dir/asks.html" "$dir/run.html"
	browse --log-net-log="$dir/net-asks.json" --dump-dom >/dev/null
	$consumers netlog "$dir/net-asks.json" >/dev/null &&
	    fail "the net log check misses a page that loads an image from the network"
fi

[ $failed -eq 0 ] || exit 1
if [ -n "$skipped" ]; then
	echo "SKIP: checked what could be; left out:$skipped"
	exit 77
fi
echo "ok: JUnit, JSON, TAP, pcap and HTML all read by their consumers; screenshot in $out/run.png"
exit 0
