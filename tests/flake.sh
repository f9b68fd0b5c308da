#!/usr/bin/env bash
# `make test-flake`: the integration suite RUNS times in a row while a busy
# loop runs on every core beside it, so every timing the suite relies on is
# tried with the CPU taken. Prints each run's time and result, and the
# failures by test at the end; fails if any run failed.
#
#   tests/flake.sh BUILD_DIR [RUNS] [HOGS]
#
# HOGS busy loops (default: one per core). Each run's ctest output is kept in
# BUILD_DIR/flake-logs/run-N.log. docs/reliability.md has the results.
set -u
build=${1:?usage: flake.sh BUILD_DIR [RUNS] [HOGS]}
runs=${2:-30}
hogs=${3:-$(nproc 2>/dev/null || echo 2)}
jobs=${FLAKE_JOBS:-$(nproc 2>/dev/null || echo 2)}
logs=$build/flake-logs
mkdir -p "$logs"

hog_pids=()
ctest_pid=
stop_all() {
	local p
	# ctest leaves its tests running when it is killed: stop its whole
	# process group (lingerlab stops cleanly on SIGTERM).
	[ -n "$ctest_pid" ] && kill -TERM -- "-$ctest_pid" 2>/dev/null
	for p in "${hog_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
trap stop_all EXIT
trap 'exit 130' INT TERM
for ((h = 0; h < hogs; h++)); do
	# A busy loop in a shell of its own: all CPU, no memory, no I/O.
	bash -c 'while :; do :; done' &
	hog_pids+=($!)
done

echo "== integration suite, $runs runs, $hogs busy loop(s) beside it, ctest -j $jobs"
failed=0
declare -A by_test=()
total_start=$(date +%s)
for ((i = 1; i <= runs; i++)); do
	t0=$(date +%s.%N)
	# In the background, so that a signal stops the script at once.
	setsid ctest --test-dir "$build" -L integration -j "$jobs" --output-on-failure \
	    >"$logs/run-$i.log" 2>&1 &
	ctest_pid=$!
	wait $ctest_pid
	rc=$?
	ctest_pid=
	t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
	if [ $rc -eq 0 ]; then
		printf 'run %2d/%d: ok      %6.1fs\n' "$i" "$runs" "$t"
		continue
	fi
	failed=$((failed + 1))
	names=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*/\1/p' "$logs/run-$i.log" | tr '\n' ' ')
	for n in $names; do
		by_test[$n]=$(( ${by_test[$n]:-0} + 1 ))
	done
	printf 'run %2d/%d: FAILED  %6.1fs  %s(%s)\n' "$i" "$runs" "$t" "$names" "$logs/run-$i.log"
done
echo "== $((runs - failed))/$runs runs passed in $(( $(date +%s) - total_start ))s"
for n in "${!by_test[@]}"; do
	echo "   $n failed in ${by_test[$n]} run(s)"
done
[ $failed -eq 0 ]
