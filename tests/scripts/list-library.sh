#!/bin/sh
# list-library.sh LINGERLAB DIR: `lingerlab list DIR` must show every *.scn
# file under DIR, each with a description line, and no description may
# show a ${param} unexpanded (issue 4: "lingerlab list scenarios/ shows
# every file with its description").
set -u
lingerlab=$1
dir=$2
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT INT TERM
if ! "$lingerlab" list "$dir" >"$out"; then
	echo "FAIL: lingerlab list $dir exited non-zero" >&2
	exit 1
fi
status=0
for f in $(find "$dir" -name '*.scn' | sort); do
	# the line after the path is the description (or the first [case] one)
	desc=$(awk -v p="$f" 'found { print; exit } $0 == p { found = 1 }' "$out")
	case $desc in
	"  "[!\ ]*) ;;
	*)	echo "FAIL: $f: not listed, or no description after it" >&2
		status=1 ;;
	esac
done
if grep -n '\${' "$out" >&2; then
	echo "FAIL: a description above shows a \${param} unexpanded" >&2
	status=1
fi
n=$(find "$dir" -name '*.scn' | wc -l)
[ $status -eq 0 ] && echo "ok: $n files listed, each with its description"
exit $status
