#!/usr/bin/env bash
# Run every libFuzzer target of a clang build for a set time, a few at once,
# and say what each did: runs, runs per second, new inputs, crashes.
#
#   tests/fuzz/run-fuzzers.sh BUILD_DIR SECONDS [PARALLEL]
#
# `make fuzz` (FUZZ_SECONDS each, one at a time) and `make fuzz-ci` (60 s
# each, two at a time, part of `make test`) call it. Each target starts from
# its seed corpus (tests/fuzz/corpus/NAME) plus the regression inputs
# (tests/fuzz/regress/NAME) and what earlier runs found
# (BUILD_DIR/fuzz-work/NAME, never the tree). A crash leaves its input in
# BUILD_DIR/fuzz-artifacts/ and fails the run: make it a regression input
# (docs/reliability.md, "Fuzzing") and fix it.
set -u
build=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS [PARALLEL]}
secs=${2:?usage: run-fuzzers.sh BUILD_DIR SECONDS [PARALLEL]}
parallel=${3:-1}
src=$(cd "$(dirname "$0")" && pwd)
arts=$build/fuzz-artifacts
logs=$build/fuzz-logs
mkdir -p "$arts" "$logs"

targets=()
for f in "$build"/tests/fuzz/fuzz_*; do
	[ -x "$f" ] && [ -f "$f" ] && targets+=("$f")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "run-fuzzers: no fuzz targets in $build/tests/fuzz (configure with CC=clang -DLINGERLAB_FUZZ=ON)" >&2
	exit 2
fi

one() {
	local f=$1 n c work dirs
	n=$(basename "$f")
	c=${n#fuzz_}
	work=$build/fuzz-work/$n
	mkdir -p "$work"
	dirs=("$work" "$src/corpus/$c")
	[ -d "$src/regress/$c" ] && dirs+=("$src/regress/$c")
	# -max_len: every seed fits; longer inputs only slow the search.
	"$f" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 \
	    -artifact_prefix="$arts/$n-" "${dirs[@]}" >"$logs/$n.log" 2>&1
}

summary() {
	local f=$1 rc=$2 n runs t
	n=$(basename "$f")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$n.log")
	t=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$logs/$n.log")
	printf '%-22s %12s runs in %4ss  %10s/s  corpus %5s  %s\n' "$n" \
	    "${runs:-?}" "${t:-?}" "$(( ${runs:-0} / (${t:-1} > 0 ? ${t:-1} : 1) ))" \
	    "$(ls "$build/fuzz-work/$n" | wc -l)" \
	    "$([ "$rc" -eq 0 ] && echo ok || echo "CRASH (rc $rc): see $logs/$n.log, input in $arts/")"
}

echo "== ${#targets[@]} fuzz targets, ${secs}s each, $parallel at a time"
start=$(date +%s)
declare -A pid_of=()
failed=0
running=0
i=0
while [ $i -lt ${#targets[@]} ] || [ $running -gt 0 ]; do
	while [ $i -lt ${#targets[@]} ] && [ $running -lt "$parallel" ]; do
		one "${targets[$i]}" &
		pid_of[$!]=${targets[$i]}
		running=$((running + 1))
		i=$((i + 1))
	done
	done_pid=
	wait -n -p done_pid
	rc=$?
	running=$((running - 1))
	summary "${pid_of[$done_pid]}" "$rc"
	[ "$rc" -eq 0 ] || failed=$((failed + 1))
done
echo "== fuzzing took $(( $(date +%s) - start ))s; $failed target(s) crashed"
[ "$failed" -eq 0 ]
