#!/usr/bin/env bash
# test-bash-completion.sh - client/cmd/completion/lingerlab.bash offers what
# a user expects: the commands, every option of each command's --help, the
# formats, the tags of the files already on the line (one item of a comma
# list at a time), .scn files and folders, the library's folders after
# --library, lingerpeer's behaviours, lingerlab-sandbox's options. The
# completion functions run as bash runs them (COMP_WORDS, COMP_CWORD);
# nothing of bash-completion is needed.
#
# Usage: test-bash-completion.sh LINGERLAB LINGERLAB_SANDBOX SOURCE_DIR
# The zsh completion is checked too when zsh is installed: it parses, and
# names every option of lingerlab run --help. Exit 77 (SKIP) without zsh,
# after the bash checks, saying so.
set -u
lingerlab=$1
sandbox=$2
src=$3
failed=0

# shellcheck source=../../client/cmd/completion/lingerlab.bash
. "$src/client/cmd/completion/lingerlab.bash"

# complete FUNCTION WORD... : COMPREPLY for the line, the last word being completed
complete_line() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

fail() {
	echo "FAIL: $*"
	failed=1
}

# expect_has "what" "reply" word... : every word is offered
expect_has() {
	local what=$1 reply=$2 w
	shift 2
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$reply" || fail "$what: '$w' not offered (got: $(echo $reply))"
	done
}

# expect_only "what" "reply" word... : exactly these
expect_only() {
	local what=$1 reply=$2 want
	shift 2
	want=$(printf '%s\n' "$@" | sort)
	[ "$reply" = "$want" ] || fail "$what: offered '$(echo $reply)', not '$(echo $want)'"
}

ex=$src/scenarios/examples

r=$(complete_line _lingerlab "$lingerlab" "")
expect_has "the commands" "$r" run check list observe merge

# every option of each command's own option table
for cmd in run observe merge; do
	opts=$("$lingerlab" $cmd --help | sed -nE 's/^  (-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/p')
	r=$(complete_line _lingerlab "$lingerlab" $cmd --)
	expect_has "lingerlab $cmd --" "$r" $opts --help
done
r=$(complete_line _lingerlab "$lingerlab" check --)
expect_has "lingerlab check --" "$r" --library --help

# the formats, as the usage line lists them
formats=$("$lingerlab" run --help | sed -nE 's/.*\[--format ([a-z|]+)\].*/\1/p' | tr '|' ' ')
[ -n "$formats" ] || fail "no --format values in lingerlab run --help"
r=$(complete_line _lingerlab "$lingerlab" run --format "")
expect_only "--format" "$r" $formats

# tags: from the files already on the line, as lingerlab list reads them
tags=$("$lingerlab" list "$ex" | sed -n 's/^  tags: //p' | tr ' ' '\n' | grep -v '^-$' | sort -u)
r=$(complete_line _lingerlab "$lingerlab" run "$ex" --tags "")
expect_only "--tags of examples/" "$r" $tags
r=$(complete_line _lingerlab "$lingerlab" run "$ex/linger-off.scn" --skip-tags quick,l)
expect_only "--skip-tags quick,l" "$r" quick,linger
r=$(complete_line _lingerlab "$lingerlab" run --tags "")
expect_only "--tags with no file given" "$r"

# scenario files and folders
r=$(complete_line _lingerlab "$lingerlab" run "$src/scenarios/exa")
expect_only "a folder" "$r" "$ex"
r=$(complete_line _lingerlab "$lingerlab" check "$ex/linger-o")
expect_only "a .scn file" "$r" "$ex/linger-off.scn"
r=$(complete_line _lingerlab "$lingerlab" run --jobs 2 --library exa)
expect_only "--library: the library's folders" "$r" examples

r=$(complete_line _lingerlab "$lingerlab" merge --format "")
expect_only "merge --format" "$r" json junit

# observe: lingerpeer's behaviours, items of a + list are not split
r=$(complete_line _lingerlab "$lingerlab" observe --behaviour swa)
expect_only "--behaviour" "$r" swallow-fin

# lingerlab-sandbox
r=$(complete_line _lingerlab_sandbox "$sandbox" --)
expect_has "lingerlab-sandbox --" "$r" --peer-arg --no-peer --control-socket --lab --agent \
    --agent-arg --help
r=$(complete_line _lingerlab "$lingerlab" run --agent-t)
expect_has "--agent-t" "$r" --agent-token

if [ $failed -ne 0 ]; then
	exit 1
fi
echo "ok: bash completion: commands, options, formats, tags, files, --library, behaviours"

zsh_file=$src/client/cmd/completion/_lingerlab
if ! command -v zsh >/dev/null 2>&1; then
	echo "SKIP: zsh is not installed (Debian: zsh): $zsh_file was not checked"
	exit 77
fi
zsh -n "$zsh_file" || fail "$zsh_file does not parse"
for cmd in run observe merge; do
	for o in $("$lingerlab" $cmd --help | sed -nE 's/^  (-[a-zA-Z], )?(--[a-z][a-z-]*).*/\2/p'); do
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" "$zsh_file" ||
		    fail "zsh: lingerlab $cmd $o is not in $zsh_file"
	done
done
[ $failed -eq 0 ] || exit 1
echo "ok: zsh completion parses and names every option"
exit 0
