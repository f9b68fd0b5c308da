#!/bin/sh
# run-tags.sh LINGERLAB DIR: `lingerlab run --tags/--skip-tags` choose
# cases before anything runs; choosing none, or a malformed tag list, is
# wrong input (exit 2) with a message saying so. Nothing here needs a
# sandbox: every check ends before the first case would start.
set -u
lingerlab=$1
dir=$2
status=0
err=$(mktemp) || exit 1
trap 'rm -f "$err"' EXIT INT TERM

expect() {	# expect WANT_STATUS WANT_TEXT ARGS...
	want=$1 text=$2
	shift 2
	"$lingerlab" run "$@" >/dev/null 2>"$err"
	rc=$?
	if [ $rc -ne "$want" ] || ! grep -q -- "$text" "$err"; then
		echo "FAIL: lingerlab run $*: status $rc (want $want), stderr:" >&2
		cat "$err" >&2
		status=1
	fi
}

expect 2 "no case left to run" --tags no-such-tag "$dir"
expect 2 "no case left to run" --tags slow --skip-tags slow "$dir"
expect 2 "cannot be in a tag" --tags "a b" "$dir"
expect 2 "an empty tag" --skip-tags "slow,,quick" "$dir"
[ $status -eq 0 ] && echo "ok: --tags and --skip-tags choose, and refuse what is wrong"
exit $status
