#!/bin/sh
# wine-prefix.sh DIR: make DIR a Wine prefix for lingerlab-agent.exe,
# without a prompt or a display, once; a later call finds it ready and
# returns at once. Used by the tests that run the Windows agent under Wine
# (tests/integration/test_agent.c) and by client/agent/windows/wine-library.sh.
#
# No Mono, no Gecko (WINEDLLOVERRIDES="mscoree,mshtml="): the agent needs
# neither, and their installers would ask; no winemenubuilder, which would
# write menu entries into the Linux user's home. No display (DISPLAY=): nothing
# is drawn. Windows 10 is the version the prefix presents, as the agent
# is built for it. DIR is made by this script alone; a run does not write
# to it (client/agent/windows/wine-run.sh runs in a clone of it).
#
# Exit: 0 ready, 77 no Wine here (install wine and wine64), 1 failed.
set -u
dir=${1:?usage: wine-prefix.sh DIR}
if ! command -v wine >/dev/null 2>&1; then
	echo "SKIP: no wine here (Debian: apt-get install wine wine64, or make deps-test)" >&2
	exit 77
fi
version=$(WINEDEBUG=-all wine --version 2>/dev/null)
mkdir -p "$(dirname "$dir")" || exit 1
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")
ready=$dir/.lingerlab-ready

# One maker at a time (ctest runs tests in parallel); the others wait.
exec 9>"$dir.lock" || exit 1
flock 9 || exit 1
if [ -f "$ready" ] && [ "$(cat "$ready")" = "$version" ]; then
	exit 0
fi
rm -rf "$dir"
export WINEPREFIX="$dir" WINEDEBUG=-all DISPLAY="" WINEARCH=win64 \
    WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
t0=$(date +%s%N)
if ! wine wineboot --init >/dev/null 2>&1 ||
    ! wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1; then
	echo "wine-prefix.sh: wine could not make a prefix in $dir" >&2
	exit 1
fi
# The registry reaches the disk when the prefix's wineserver ends.
wineserver -w
echo "$version" >"$ready"
t1=$(date +%s%N)
echo "wine-prefix.sh: $version prefix made in $dir in $(( (t1 - t0) / 1000000 )) ms" >&2
