#!/bin/sh
# test_diagram_run.sh - the pictures of a real run: `lingerlab run --diagram
# --svg-dir D --html F` on an example whose close blocks while its FIN is
# sent again and again. Every SVG and the page must parse as XML, and the
# ladder must show the client's FIN, its retransmissions and the blocked
# close; a case without probes has no probe plots. A repeat case that leaks
# (tests/scenarios/linux/leak-found.scn) gets its probe plots on the page and
# in a NAME-probes.svg of its own, with its checks' bounds drawn in. With a
# machine-readable --format the pictures go to stderr.
#
# Usage: test_diagram_run.sh LINGERLAB SOURCE_DIR
# Exits 77 (ctest: SKIP) when no sandbox can be built here (lingerlab exits
# 3) or xmllint is missing, saying why.
set -u
lingerlab=$1
src=$2
scn=$src/scenarios/examples/nonblocking-linger-swallow-fin.scn
fast=$src/scenarios/examples/linger-zero-rst.scn
leak=$src/tests/scenarios/linux/leak-found.scn

dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-diagram.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- stdout:"; cat "$dir/out" 2>/dev/null
	echo "--- stderr:"; cat "$dir/err" 2>/dev/null
	exit 1
}

if ! command -v xmllint >/dev/null 2>&1; then
	echo "SKIP: xmllint is not installed (Debian: libxml2-utils)"
	exit 77
fi

"$lingerlab" run --jobs 2 --diagram --svg-dir "$dir/svg/new" --html "$dir/run.html" \
    "$scn" >"$dir/out" 2>"$dir/err"
rc=$?
# 3 is also "a picture could not be written", which lingerlab says as such
if [ $rc -eq 3 ] && ! grep -q -e 'cannot write' -e 'writing ' "$dir/err"; then
	echo "SKIP: lingerlab cannot set up a sandbox here: $(cat "$dir/err")"
	exit 77
fi
[ $rc -eq 0 ] || fail "lingerlab exited $rc, not 0"

# one SVG per case, named after the file and the parameters
for mode in blocking nonblocking; do
	f="$dir/svg/new/examples-nonblocking-linger-swallow-fin_mode-$mode.svg"
	[ -s "$f" ] || fail "no $f"
done
[ "$(ls "$dir/svg/new" | wc -l)" -eq 2 ] || fail "not 2 files in the SVG directory"
for f in "$dir"/svg/new/*.svg "$dir/run.html"; do
	xmllint --noout "$f" || fail "$f does not parse as XML"
done
grep -q 'FIN ACK seq 10241 ack 1 win' "$dir/svg/new/examples-nonblocking-linger-swallow-fin_mode-blocking.svg" ||
    fail "the SVG has no FIN arrow"
grep -q '<td class="pass">3/3</td>' "$dir/run.html" || fail "the page has no wire cell 3/3"
grep -q 'class="probes"' "$dir/run.html" && fail "probe plots on a page of cases without probes"

# the ladder: the blocked close, its FIN, the retransmissions, the return
grep -q '^ *[0-9.]*  + close(c) starts' "$dir/out" || fail "no close(c) start in the ladder"
grep -Eq '^ *[0-9.]+  #--- FIN ACK seq 10241 ack 1 win [0-9]+ -+>\|$' "$dir/out" ||
    fail "no client FIN arrow in the ladder"
[ "$(grep -Ec '#~~~ FIN ACK seq 10241 ack 1 win [0-9]+ retx ~+>\|$' "$dir/out")" -ge 4 ] ||
    fail "fewer than 4 FIN retransmissions in the two ladders"
grep -Eq '\+ close\(c\) = 0 after 2\.[0-9]+ s' "$dir/out" || fail "no 2 s close in the ladder"
grep -q 'summary of 2 cases' "$dir/out" || fail "no summary table"
tail -1 "$dir/out" | grep -q '^14 passed, 0 failed$' || fail "the totals are not last"

# a machine format keeps stdout clean: the pictures go to stderr
"$lingerlab" run --format tap --diagram --summary "$fast" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 0 ] || fail "lingerlab --format tap exited $rc, not 0"
head -1 "$dir/out" | grep -q '^TAP version 13$' || fail "stdout is not TAP"
grep -q 'ladder of' "$dir/out" && fail "a ladder on stdout with --format tap"
grep -Eq 'RST ACK seq [0-9]+ ack 1 win [0-9]+ -+>\|$' "$dir/err" || fail "no RST arrow on stderr"
grep -q 'summary of 2 cases' "$dir/err" || fail "no summary on stderr"
# a repeat case: its probes plotted next to the ladder, the bounds drawn in
"$lingerlab" run --svg-dir "$dir/leak" --html "$dir/leak.html" "$leak" >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 0 ] || fail "lingerlab on leak-found.scn exited $rc, not 0"
sheet="$dir/leak/linux-leak-found-probes.svg"
[ -s "$dir/leak/linux-leak-found.svg" ] || fail "no ladder SVG for leak-found.scn"
[ -s "$sheet" ] || fail "no $sheet"
for f in "$dir"/leak/*.svg "$dir/leak.html"; do
	xmllint --noout "$f" || fail "$f does not parse as XML"
done
for f in "$sheet" "$dir/leak.html"; do
	grep -q '<title>fds</title>' "$f" || fail "$f has no fds plot"
	grep -q '<title>threads</title>' "$f" || fail "$f has no threads plot"
	grep -q 'expect growth fds = 100: held' "$f" || fail "$f has no bound for growth fds"
	grep -q '>iteration</text>' "$f" || fail "$f has no iteration scale"
	grep -Eq 'max [0-9]+ &#183; final [0-9]+' "$f" || fail "$f has no min/max/final"
done
grep -q '<div class="probes">' "$dir/leak.html" || fail "the page has no probe plots"
echo "ok: SVGs and page parse, the ladder shows the FIN and its retransmissions, probes plotted"
exit 0
