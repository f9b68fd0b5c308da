#!/bin/sh
# agent-cc-line.sh SOURCE_DIR [CC]: the one `cc` line docs/agent.md gives
# for building lingerlab-agent without CMake must build it, from the top of
# the source tree, with nothing but what the line names; and the program
# it makes must answer --version. The line is taken from the document
# itself (the code block after <!-- agent-cc-line -->), so the two cannot
# drift apart. CC, if given, stands in for the line's `cc`.
set -u
src=$1
cc=${2:-cc}
doc=$src/docs/agent.md
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT INT TERM
line=$(awk '/<!-- agent-cc-line -->/ { want = 1; next }
	want && /^```/ { if (inblock) exit; inblock = 1; next }
	inblock { print }' "$doc")
case $line in
"cc "*) ;;
*)	echo "FAIL: no cc line after <!-- agent-cc-line --> in $doc" >&2
	exit 1 ;;
esac
# Our compiler for `cc`, and the program into the scratch directory.
line="$cc ${line#cc }"
line=$(printf '%s\n' "$line" | sed "s|-o lingerlab-agent |-o $out/lingerlab-agent |")
if ! (cd "$src" && eval "$line -Wall -Wextra -Werror"); then
	echo "FAIL: the cc line of docs/agent.md does not build lingerlab-agent" >&2
	exit 1
fi
if ! "$out/lingerlab-agent" --version | grep -q '^lingerlab-agent .* protocol='; then
	echo "FAIL: the program the cc line built does not answer --version" >&2
	exit 1
fi
echo "ok: the cc line of docs/agent.md builds lingerlab-agent ($cc)"
