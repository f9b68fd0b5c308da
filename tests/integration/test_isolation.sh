#!/usr/bin/env bash
# Isolation under the runner's pipeline (issue 13): cases whose sandboxes
# are built ahead and torn down behind them still see nothing of each
# other. tests/scenarios/isolation/leftovers.scn leaves sockets in
# FIN_WAIT1 and TIME_WAIT, a TcpExt count and peer connections behind, and
# expects to start with none; run one at a time (the next case's sandbox
# is built while one runs, the last one's torn down) and eight at once.
# Then the control: the same cases in one shared sandbox (lingerlab-sandbox
# and --peer) must fail, or the checks could not see a leak at all.
# Exit: 0 pass, 1 fail, 77 no sandbox here.
set -uo pipefail

lingerlab=${1:?usage: test_isolation.sh LINGERLAB SCENARIO}
scn=${2:?usage: test_isolation.sh LINGERLAB SCENARIO}
out=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-isolation.XXXXXX")
trap 'rm -rf "$out"' EXIT

for jobs in 1 8; do
	"$lingerlab" run --jobs "$jobs" --format tap "$scn" >"$out/tap" 2>"$out/err"
	rc=$?
	if [[ $rc -eq 3 ]]; then
		echo "SKIP: no sandbox here: $(cat "$out/err")"
		exit 77
	fi
	npass=$(grep -c '^ok ' "$out/tap")
	nall=$(grep -c '^\(not \)\?ok ' "$out/tap")
	if [[ $rc -ne 0 || $npass -ne $nall || $nall -lt 8 ]]; then
		echo "FAIL: --jobs $jobs: exit $rc, $npass of $nall checks passed"
		grep -A8 '^not ok' "$out/tap" | head -60
		cat "$out/err"
		exit 1
	fi
	echo "ok: --jobs $jobs: $npass checks passed in 8 cases"
done

# The control: every case in one network namespace, one lingerpeer.
sandbox=$(dirname "$lingerlab")/lingerlab-sandbox
"$sandbox" --peer-arg=--port=7000 --peer-arg=--port=7001 -- /bin/sh -c \
    "'$lingerlab' run --peer \"\$LINGERPEER_CONTROL\" --iface llcli0 --format tap '$scn'" \
    >"$out/tap" 2>"$out/err"
rc=$?
if [[ $rc -ne 1 ]] || ! grep -q '^not ok .*sockets FIN_WAIT1 = 0' "$out/tap"; then
	echo "FAIL: in one shared sandbox the cases should see each other's"
	echo "FIN_WAIT1 orphan (exit 1 and a failed 'sockets FIN_WAIT1 = 0'); exit $rc"
	grep '^not ok' "$out/tap" | head
	tail -5 "$out/err"
	exit 1
fi
echo "ok: in one shared sandbox the same checks see the leaks:" \
    "$(grep -c '^not ok' "$out/tap") checks failed, as they must"
