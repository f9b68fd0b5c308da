#!/bin/sh
# wine-run.sh PREFIX PROGRAM.exe [ARG...]: run a Windows program under
# Wine, in a private clone of PREFIX (made by wine-prefix.sh), so that it
# gets a wineserver of its own.
#
# Why a clone: Wine's sockets are made by the wineserver, in the network
# namespace the wineserver runs in, and every program of one prefix shares
# one wineserver. A program started inside a sandbox (client/sandbox/) while
# another sandbox's runs would otherwise make its sockets in the other's
# network. A clone is a new directory (so a new wineserver) holding copies
# of the registry files and links to PREFIX's drive_c: milliseconds.
#
# SIGINT and SIGTERM are passed on to Wine, which turns SIGINT into
# Ctrl+C for the program (SIGTERM ends it at once, as Wine does); the exit
# status is the program's, and the clone and its wineserver are gone after.
# A shell cannot catch a signal ignored when it started: start this script
# from a script as a job with job control on (set -m), not as a plain
# `wine-run.sh ... &`, whose SIGINT a non-interactive shell ignores.
set -u
prefix=${1:?usage: wine-run.sh PREFIX PROGRAM.exe [ARG...]}
shift
if [ ! -f "$prefix/.lingerlab-ready" ]; then
	echo "wine-run.sh: $prefix is not a prefix made by wine-prefix.sh" >&2
	exit 125
fi
prefix=$(cd "$prefix" && pwd)
run=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-wine.XXXXXX") || exit 125
cp "$prefix"/*.reg "$run"/ || exit 125
for f in .update-timestamp wineserver; do
	[ -e "$prefix/$f" ] && cp -p "$prefix/$f" "$run/"
done
mkdir "$run/dosdevices"
ln -s "$prefix/drive_c" "$run/drive_c"
ln -s "$prefix/drive_c" "$run/dosdevices/c:"
ln -s / "$run/dosdevices/z:"

# WINEDEBUG is -all unless LINGERLAB_WINEDEBUG says otherwise (to debug).
export WINEPREFIX="$run" WINEDEBUG="${LINGERLAB_WINEDEBUG:--all}" DISPLAY="" \
    WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
wine "$@" &
pid=$!
trap 'kill -INT $pid 2>/dev/null' INT
trap 'kill -TERM $pid 2>/dev/null' TERM
# A trapped signal makes wait return at once, with 128 and more: wait
# again while Wine runs (or is a zombie); once the shell has reaped it
# meanwhile, one more wait gives the status it kept.
while :; do
	wait $pid
	rc=$?
	[ $rc -le 128 ] && break
	kill -0 $pid 2>/dev/null && continue
	wait $pid
	last=$?
	[ $last -ne 127 ] && rc=$last
	break
done
# Wine's own processes of the clone (services.exe, winedevice.exe...) and
# its wineserver, ended now rather than seconds later.
wineserver -k 2>/dev/null
wineserver -w 2>/dev/null
rm -rf "$run"
exit "$rc"
