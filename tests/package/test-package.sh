#!/bin/bash
# test-package.sh - the Debian package's round trip, on this machine:
#   lintian finds no error in it; it installs (dpkg -i); a new user with
#   nothing built (cwd /, an empty environment, uid nobody where
#   unprivileged namespaces are allowed) runs the examples from
#   /usr/share/lingerlab/scenarios and `lingerlab run --library`, and
#   `lingerlab observe` gets the installed shim; the man pages, the
#   systemd unit (systemd-analyze verify), bash completion and Vim's
#   filetype work from where they were installed; it is purged, and no
#   file, folder, link or namespace of it is left.
#
# The package is purged at the end however the test ends (trap), and the
# test refuses to start where lingerlab is installed already, so this
# machine is left as it was.
#
# Usage: test-package.sh BUILD_DEB  (make test-package)
# Exit 0 all held, 1 something did not, 77 (SKIP, said why): not root, no
# dpkg, lingerlab already installed. A missing lintian, man, systemd-analyze
# or vim leaves its check out, said so, and the test ends in SKIP.
set -u
build=$1
deb=$(ls -t "$build"/lingerlab_*.deb 2>/dev/null | head -n 1)
failed=0
skipped=""

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

skip() {
	echo "SKIP: $*"
	skipped="$skipped
  $*"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: installing a package needs root (run make test-package as root)"
	exit 77
fi
if ! command -v dpkg >/dev/null 2>&1; then
	echo "SKIP: no dpkg here: the package round trip is for Debian"
	exit 77
fi
if [ -z "$deb" ]; then
	echo "FAIL: no $build/lingerlab_*.deb: run make package first"
	exit 1
fi
if dpkg-query -W -f='${Status}' lingerlab 2>/dev/null | grep -qv 'not-installed'; then
	echo "SKIP: lingerlab is installed on this machine already; the round trip would remove it"
	exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-package.XXXXXX") || exit 1
chmod 755 "$dir"
# Any trace of lingerlab in dpkg's database is this test's (it was not
# there when the test started): purge it, whatever step the test is at.
cleanup() {
	if dpkg-query -W -f='${Status}' lingerlab 2>/dev/null | grep -qv 'not-installed'; then
		dpkg --purge lingerlab >"$dir/purge.out" 2>&1 ||
		    { echo "FAIL: dpkg --purge lingerlab:"; cat "$dir/purge.out"; }
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What of the package's paths exists already (folders such as /usr/bin, or
# /lib as a link): after the purge, exactly these may be there.
dpkg-deb -c "$deb" | awk '{ sub(/^\./, "", $6); sub(/\/$/, "", $6); print $6 }' |
    grep -v '^$' | sort >"$dir/paths"
while IFS= read -r path; do
	if [ -e "$path" ] || [ -L "$path" ]; then echo "$path"; fi
done <"$dir/paths" >"$dir/there-before"
# Links and named namespaces of lingerlab's (its names start with ll); others
# on this machine may come and go meanwhile, and are not this test's.
ours() {
	{ ip -o link show 2>/dev/null | awk -F': ' '{print "link " $2}'
	  ls /run/netns 2>/dev/null | sed 's/^/netns /'; } | grep -E '^[a-z]+ (ll|lingerlab)' | sort
}
ours_before=$(ours)

# 1. lintian
if command -v lintian >/dev/null 2>&1; then
	if lintian --fail-on error --tag-display-limit 0 "$deb" >"$dir/lintian.out" 2>&1; then
		echo "ok: lintian finds no error ($(grep -c '^W:' "$dir/lintian.out") warnings)"
		grep '^W:' "$dir/lintian.out"
	else
		fail "lintian finds errors in $deb:"
		grep -E '^[EW]:' "$dir/lintian.out"
	fi
else
	skip "lintian is not installed (Debian: lintian): the package was not linted"
fi

# 2. install
if ! dpkg -i "$deb" >"$dir/install.out" 2>&1; then
	echo "FAIL: dpkg -i $deb (purged again on exit):"
	cat "$dir/install.out"
	exit 1
fi
dpkg -L lingerlab | sort >"$dir/files"
echo "ok: installed, $(wc -l <"$dir/paths") paths"

# 3. a new user, nothing built: cwd /, no environment but PATH
as_user() {
	(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@")
}
help=$(as_user lingerlab --help)
for want in "lingerpeer +/usr/sbin/lingerpeer " \
    "shim +/usr/lib/[^ ]*lingerlab/liblingerlab-shim\.so " \
    "scenario library +/usr/share/lingerlab/scenarios "; do
	echo "$help" | grep -Eq "^  $want\(" ||
	    fail "lingerlab --help does not find ${want%% +*} where it was installed: $help"
done
echo "$help" | grep -q '(missing)' && fail "lingerlab --help: a companion is missing: $help"
as_user lingerlab check --library >"$dir/check.out" 2>&1 ||
    fail "lingerlab check --library: $(cat "$dir/check.out")"

as_user lingerlab run --jobs 4 /usr/share/lingerlab/scenarios/examples >"$dir/run.out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then
	skip "no sandbox here, the examples were not run: $(tail -2 "$dir/run.out")"
elif [ $rc -ne 0 ] || ! tail -1 "$dir/run.out" | grep -Eq '^[0-9]+ passed, 0 failed'; then
	fail "lingerlab run /usr/share/lingerlab/scenarios/examples exited $rc: $(tail -20 "$dir/run.out")"
else
	echo "ok: as root: lingerlab run /usr/share/lingerlab/scenarios/examples: $(tail -1 "$dir/run.out")"
fi

# the same as nobody, with --library: what a new user types
as_user setpriv --reuid=nobody --regid=nogroup --clear-groups \
    lingerlab run --jobs 4 --library examples >"$dir/run-user.out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then
	skip "no unprivileged user namespaces here: the examples were not run as nobody"
elif [ $rc -ne 0 ]; then
	fail "as nobody: lingerlab run --library examples exited $rc: $(tail -20 "$dir/run-user.out")"
else
	echo "ok: as nobody: lingerlab run --library examples: $(tail -1 "$dir/run-user.out")"
fi

# observe preloads the installed shim: close() timings come from it
as_user lingerlab observe --settle 100ms -- bash -c \
    'exec 3<>/dev/tcp/$LINGERLAB_PEER_ADDR/$LINGERLAB_PEER_PORT; exec 3>&-' >"$dir/observe.out" 2>&1
rc=$?
if [ $rc -eq 3 ]; then
	skip "no sandbox here: lingerlab observe was not run"
elif [ $rc -ne 0 ] || ! grep -q 'close():  fd [0-9]* at' "$dir/observe.out"; then
	fail "lingerlab observe did not time close() with the installed shim: $(cat "$dir/observe.out")"
else
	echo "ok: lingerlab observe times close() with the installed shim"
fi

# 4. what else it installed works from there
if command -v man >/dev/null 2>&1; then
	before=$failed
	for page in lingerlab lingerlab-sandbox lingerpeer lingerlab-scenario; do
		man -w "$page" >/dev/null 2>&1 || fail "man finds no page for $page"
	done
	[ $failed -eq $before ] && echo "ok: man finds the pages"
else
	skip "man is not installed (Debian: man-db): the man pages were not looked up"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	unit=$(grep -E '/systemd/system/lingerpeer@\.service$' "$dir/files")
	[ -n "$unit" ] || fail "no lingerpeer@.service in the package"
	cp "$unit" "$dir/lingerpeer@lab1.service"
	out=$(systemd-analyze verify "$dir/lingerpeer@lab1.service" 2>&1)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		fail "systemd-analyze verify of the installed unit: $out"
	else
		echo "ok: systemd-analyze verify: the installed unit, its lingerpeer and man page"
	fi
else
	skip "systemd-analyze is not installed (Debian: systemd): the unit was not verified"
fi
comp=$(bash -c '. /usr/share/bash-completion/completions/lingerlab && complete -p lingerlab' 2>&1)
if [ "$comp" = "complete -F _lingerlab lingerlab" ]; then
	echo "ok: bash completion loads from /usr/share/bash-completion/completions"
else
	fail "bash completion not installed: $comp"
fi
if command -v vim >/dev/null 2>&1; then
	printf 'socket c\n' >"$dir/x.scn"
	vim -Nu NONE -i NONE -es -c 'filetype on' -c 'syntax on' -c "edit $dir/x.scn" \
	    -c "call writefile([&filetype, synIDattr(synID(1, 1, 1), 'name')], '$dir/vim.out')" \
	    -c 'qa!' </dev/null >/dev/null 2>&1
	if [ "$(cat "$dir/vim.out" 2>/dev/null)" = "$(printf 'scn\nscnStatement')" ]; then
		echo "ok: Vim colours a .scn file with the installed syntax"
	else
		fail "Vim does not colour a .scn file with the installed syntax: $(cat "$dir/vim.out" 2>/dev/null)"
	fi
else
	skip "vim is not installed (Debian: vim): the installed syntax was not tried"
fi

# 5. purge: nothing left
if ! dpkg --purge lingerlab >"$dir/purge.out" 2>&1; then
	fail "dpkg --purge lingerlab: $(cat "$dir/purge.out")"
else
	before=$failed
	while IFS= read -r path; do
		if [ -e "$path" ] || [ -L "$path" ]; then
			grep -qxF "$path" "$dir/there-before" || fail "left behind: $path"
		fi
	done <"$dir/paths"
	[ "$(ours)" = "$ours_before" ] ||
	    fail "links or namespaces of lingerlab's left on the host: $(ours)"
	[ $failed -eq $before ] && echo "ok: purged; no file, folder, link or namespace of it left"
fi

[ $failed -eq 0 ] || exit 1
if [ -n "$skipped" ]; then
	echo "SKIP: the round trip held; left out:$skipped"
	exit 77
fi
echo "ok: the package installs, runs the examples for a new user, and leaves nothing behind"
exit 0
