#!/bin/sh
# test-install-prefix.sh - `cmake --install BUILD --prefix DIR` gives a tree
# that works where it was put, and still works when the whole tree is moved:
# the programs find lingerpeer, the shim and the scenario library relative
# to themselves (client/sandbox/self_paths.c), never in the build tree.
#   - lingerlab --help names DIR's lingerpeer, shim and library, none missing;
#   - lingerlab-sandbox --help names DIR's lingerpeer;
#   - lingerlab check --library reads DIR's library;
#   - lingerlab run --library examples/linger-off.scn passes (in a sandbox);
#   - the same after `mv DIR DIR2`.
#
# Usage: test-install-prefix.sh BUILD_DIR
# Exit 77 (SKIP) only for the run when no sandbox can be built here (the
# paths are checked all the same).
set -u
build=$1
top=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-prefix.XXXXXX") || exit 1
trap 'rm -rf "$top"' EXIT INT TERM
failed=0
no_sandbox=0

fail() {
	echo "FAIL: $*"
	failed=1
}

if ! cmake --install "$build" --prefix "$top/a" >"$top/install.out" 2>&1; then
	echo "FAIL: cmake --install $build --prefix $top/a:"
	cat "$top/install.out"
	exit 1
fi

check_tree() {
	prefix=$1
	help=$(cd / && env -i PATH=/usr/bin:/bin "$prefix/bin/lingerlab" --help)
	for want in "lingerpeer +$prefix/sbin/lingerpeer " \
	    "shim +$prefix/lib[^ ]*/lingerlab/liblingerlab-shim\.so " \
	    "scenario library +$prefix/share/lingerlab/scenarios "; do
		echo "$help" | grep -Eq "^  $want\(" ||
		    fail "$prefix: lingerlab --help does not find ${want%% +*} in the tree: $help"
	done
	echo "$help" | grep -q '(missing)' && fail "$prefix: something is missing: $help"
	"$prefix/bin/lingerlab-sandbox" --help | grep -q "$prefix/sbin/lingerpeer" ||
	    fail "$prefix: lingerlab-sandbox does not name the tree's lingerpeer"
	(cd / && "$prefix/bin/lingerlab" check --library >"$top/check.out" 2>&1) ||
	    fail "$prefix: lingerlab check --library: $(cat "$top/check.out")"
	(cd / && env -i PATH=/usr/bin:/bin "$prefix/bin/lingerlab" run \
	    --library examples/linger-off.scn >"$top/run.out" 2>&1)
	rc=$?
	if [ $rc -eq 3 ]; then
		no_sandbox=1
	elif [ $rc -ne 0 ]; then
		fail "$prefix: lingerlab run --library examples/linger-off.scn exited $rc: $(tail -5 "$top/run.out")"
	fi
	[ $failed -eq 0 ] && echo "ok: installed in $prefix: companions found there$(
	    [ $no_sandbox -eq 0 ] && echo ', the example passes')"
}

check_tree "$top/a"
mv "$top/a" "$top/moved" || exit 1
check_tree "$top/moved"
[ $failed -eq 0 ] || exit 1
if [ $no_sandbox -eq 1 ]; then
	echo "SKIP: no sandbox here, the installed example was not run: $(tail -2 "$top/run.out")"
	exit 77
fi
exit 0
