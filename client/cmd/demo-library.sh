#!/usr/bin/env bash
# make demo, second part: the scenario library, run and checked.
#
# First the worked examples in full (every check, expected beside actual),
# then every scenario file in parallel over IPv4 and over IPv6 (--family
# both: each case twice, named after its family), one line per case, with
# the full report kept in a file. Exit status: lingerlab run's (0 all passed, 1 a
# check failed, 2 a file is wrong, 3 no sandbox here).
set -uo pipefail

build=${1:-build}
jobs=${2:-}
# no job count: lingerlab chooses it from the cases' waits
jobs_opt=() at_a_time="as many at once as their waits need"
if [[ -n "$jobs" ]]; then jobs_opt=(--jobs "$jobs") at_a_time="$jobs at a time"; fi
lingerlab=$build/bin/lingerlab
report=$build/demo-library.txt
[[ -x "$lingerlab" ]] || { echo "demo: $lingerlab is missing; run 'make build' first" >&2; exit 2; }
bold='' plain=''
if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi

printf '\n%s== The same closes, written as scenarios and checked: scenarios/examples/%s\n' \
    "$bold" "$plain"
"$lingerlab" run "${jobs_opt[@]}" scenarios/examples
rc=$?
[[ $rc -eq 0 || $rc -eq 1 ]] || exit $rc

ncases=$("$lingerlab" list scenarios/ | awk '/^  [0-9]+ cases?/ { n += $1 } END { print n }')
nfiles=$(find scenarios -name '*.scn' | wc -l)
printf '\n%s== The whole library: %s files, %s cases, each over IPv4 and IPv6, %s (each in its own sandbox)%s\n' \
    "$bold" "$nfiles" "$ncases" "$at_a_time" "$plain"
echo "   (one line per case; the full report goes to $report)"
start=$(date +%s)
"$lingerlab" run "${jobs_opt[@]}" --family both scenarios/ >"$report"
lib=$?
# one line per case: the report's own summary table when it has one, else
# each case's verdict, name and time from its header and counts
if grep -q '^summary of ' "$report"; then
	sed -n '/^summary of /,$p' "$report"
else
	awk '
/^== / { name = $2; time = $3 " " $4; next }
/^   [0-9]+ passed, [0-9]+ failed/ {
	verdict = ($3 + 0 > 0) ? "FAIL" : "pass"
	printf "   %s  %s  %s\n", verdict, name, time
}
/^[0-9]+ passed, [0-9]+ failed, / && !done { summary = $0; done = 1 }
END { if (summary != "") print "\n" summary }' "$report"
fi
echo "   wall time: $(( $(date +%s) - start )) s"
[[ $lib -eq 0 ]] || echo "Some cases failed: their checks are in $report (search for FAIL)."

cat <<EOT

Where to look next:
  $report
                           every check of every case, expected beside actual
  docs/linger-guide.md     what close(), shutdown() and SO_LINGER do on Linux, FreeBSD and
                           Windows, each point with the scenario that shows it
  $lingerlab list scenarios/
                           every file: its description, tags and cases
  $lingerlab run -v scenarios/linger/signal.scn
                           one file, every check in detail, with lingerpeer's log
  mkdir -p caps; $lingerlab run --pcap-dir caps/ scenarios/kb-2770054/
                           keep each case's capture for Wireshark
  $lingerlab run --skip-tags slow scenarios/
                           the quick run, without the cases of several seconds
  man docs/man/lingerlab-scenario.5 (the language), docs/man/lingerlab.1 (the options)
EOT
if "$lingerlab" run --help 2>/dev/null | grep -q -- '--diagram'; then
	echo "  $lingerlab run --diagram scenarios/examples/linger-zero-rst.scn"
	echo "                           the wire exchange as a ladder diagram"
fi
exit $lib
