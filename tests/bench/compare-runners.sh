#!/bin/sh
# compare-runners.sh - two builds of lingerlab side by side, in one time
# window: the harness overhead (lingerlab-bench --only harness, whose
# trivial.scn is 50 cases in one serial run) and the whole scenario library
# at several job counts, with the verdicts of every run compared with the
# NEW build's serial run. docs/performance.md, "The whole library".
#
#	tests/bench/compare-runners.sh OLD_BUILD NEW_BUILD [OUT_DIR]
#
# OLD_BUILD and NEW_BUILD are configured build directories (bin/lingerlab,
# tests/bench/lingerlab-bench). The old build's bench need not know the new
# phases: the library runs are made here, with the builds' own lingerlab.
# Needs root (or user namespaces) and jq. The JSON reports stay in OUT_DIR.
# Exit status: 0 measured, 1 a run failed, 2 usage, 77 no sandbox.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 OLD_BUILD NEW_BUILD [OUT_DIR]" >&2
	exit 2
fi
OLD=$1
NEW=$2
OUT=${3:-$(mktemp -d /tmp/compare-runners.XXXXXX)}
HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$HERE/../../scenarios
RUNS=${RUNS:-5}
JOBS=${JOBS:-"1 4 16 default"}
command -v jq >/dev/null || { echo "$0: needs jq (apt-get install jq)" >&2; exit 2; }
mkdir -p "$OUT" || exit 1
status=0

now_ns() { date +%s%N; }

# build_of old|new: that build's directory.
build_of() {
	if [ "$1" = old ]; then echo "$OLD"; else echo "$NEW"; fi
}

# bench BUILD: the harness figures of that build's bench, on this tree's .scn files.
bench() {
	LINGERLAB_BIN_DIR=$1/bin "$1/tests/bench/lingerlab-bench" --only harness \
	    --runs "$RUNS" --scenarios "$HERE" --lingerlab "$1/bin/lingerlab" \
	    --lingerpeer "$1/bin/lingerpeer" | grep -e '^harness\.' -e '^SKIP'
}

# library NAME BUILD JOBS: one run of the whole library; one summary line.
library() {
	name=$1 build=$2 jobs=$3
	json=$OUT/$name-j$jobs.json
	if [ "$jobs" = default ]; then set --; else set -- --jobs "$jobs"; fi
	t0=$(now_ns)
	LINGERLAB_BIN_DIR=$build/bin "$build/bin/lingerlab" run --format json \
	    "$@" "$LIB" >"$json" 2>"$OUT/$name-j$jobs.err"
	rc=$?
	t1=$(now_ns)
	[ "$rc" -eq 77 ] && { echo "SKIP: no sandbox here" >&2; exit 77; }
	[ "$rc" -ne 0 ] && status=1
	jq -s -r --arg name "$name" --arg jobs "$jobs" --argjson rc "$rc" \
	    --argjson wall "$(( (t1 - t0) / 1000000 ))" '
	    (map(.duration_ns) | max / 1e9) as $long |
	    "\($name) jobs=\($jobs) wall_s=\($wall / 1000) longest_s=\($long)" +
	    " margin_s=\($wall / 1000 - $long | . * 1000 | round / 1000)" +
	    " cases=\(length) passed=\(map(select(.counts.fail == 0 and
	    .counts.error == 0 and (.aborted | not))) | length) exit=\($rc)"' \
	    "$json"
}

# verdicts FILE: "case line:col verdict", sorted, one a check.
verdicts() {
	jq -r '.case as $c | .checks[] | "\($c) \(.line):\(.col) \(.verdict)"' \
	    "$1" | sort
}

echo "uptime before: $(uptime)"
for b in old new; do
	build=$(build_of "$b")
	echo "== $b ($build): lingerlab-bench --only harness --runs $RUNS"
	bench "$build"
done
for j in $JOBS; do
	for b in old new; do
		build=$(build_of "$b")
		# The old runner's default is one at a time: its --jobs 1 run.
		[ "$b" = old ] && [ "$j" = default ] && continue
		library "$b" "$build" "$j"
	done
done
echo "uptime after: $(uptime)"
ref=$OUT/new-j1.json
if [ -s "$ref" ]; then
	verdicts "$ref" >"$OUT/ref.verdicts"
	for f in "$OUT"/*-j*.json; do
		verdicts "$f" >"$OUT/cmp.verdicts"
		echo "verdicts differing from new --jobs 1: $(basename "$f"):" \
		    "$(diff "$OUT/ref.verdicts" "$OUT/cmp.verdicts" |
		    grep -c '^<')"
	done
	rm -f "$OUT/ref.verdicts" "$OUT/cmp.verdicts"
fi
echo "reports in $OUT"
exit $status
