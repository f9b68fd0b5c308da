#!/bin/sh
# wine-library.sh BUILD EXE DOC [SCENARIO...]: run the scenario library
# (or the SCENARIOs given) against lingerlab-agent.exe under Wine, and
# write every windows: expectation's verdict into DOC's table (between its
# <!-- windows-table begin --> and <!-- windows-table end --> lines).
# `make windows-table` runs it for docs/windows.md:
#
#   client/agent/windows/wine-library.sh build build-windows/lingerlab-agent.exe docs/windows.md
#
# The lab of lingerlab-sandbox --lab (docs/lab.md): lingerpeer on one
# host, the system under test on another, where the agent runs under Wine
# (wine-run.sh, with the prefix wine-prefix.sh makes in
# BUILD/wine-library/prefix), the runner on a third in lab mode. The agent
# says it runs Windows, so the runner selects the windows: expectations.
# The run's JSON report is kept as BUILD/wine-library/run.json and the
# table made from it (windows-table.py).
#
# Exit: 0 the table was written (failed checks are findings about Wine,
# not an error here); 1 the run could not be made; 77 no Wine or no sandbox.
set -u
if [ $# -lt 3 ]; then
	echo "usage: $0 BUILD EXE DOC [SCENARIO...]" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 1
exe=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
doc=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
[ $# -gt 0 ] || set -- "$top/scenarios"
work=$build/wine-library
report=$work/run.json
mkdir -p "$work" || exit 1

for f in "$exe" "$build/bin/lingerlab" "$build/bin/lingerlab-sandbox"; do
	if [ ! -f "$f" ]; then
		echo "wine-library.sh: $f is missing: make build windows first" >&2
		exit 1
	fi
done
sh "$here/wine-prefix.sh" "$work/prefix" || exit $?

# On the runner's host: lab mode, the report to a file (the lab's own
# lines go to the terminal). The script's variables are the lab's, so
# they expand there, not here.
t0=$(date +%s)
# shellcheck disable=SC2016
"$build/bin/lingerlab-sandbox" --lab --agent sh --agent-arg "$here/wine-run.sh" \
    --agent-arg "$work/prefix" --agent-arg "$exe" -- sh -c '
report=$1 lingerlab=$2
shift 2
exec "$lingerlab" run --agent "$LINGERLAB_AGENT" \
    --agent-token "$LINGERLAB_AGENT_TOKEN" --peer "$LINGERPEER_CONTROL" \
    --peer-token "$LINGERPEER_TOKEN" --peer-addr "$LINGERPEER_ADDR" \
    --format json "$@" >"$report"' wine-library "$report" "$build/bin/lingerlab" "$@"
rc=$?
t1=$(date +%s)
case $rc in
0|1) ;;	# all passed, or checks failed: both are results
3)	echo "SKIP: no sandbox here (run as root)" >&2; exit 77 ;;
*)	echo "wine-library.sh: the run failed (exit $rc); see above" >&2; exit 1 ;;
esac
echo "wine-library.sh: the library ran in $((t1 - t0)) s; report in $report" >&2
python3 "$here/windows-table.py" "$report" "$doc" "$top"
