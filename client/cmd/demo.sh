#!/usr/bin/env bash
# make demo: four closes against an unresponsive peer, narrated live.
#
# One sandbox, one lingerpeer with a different behaviour on each port, and
# lingerlab-closeprobe as the kernel client. lingerpeer's narration (-v)
# and the client's report interleave in the order things happen.
set -euo pipefail

if [[ "${1:-}" == "--inside" ]]; then
	probe=$2
	bold='' plain=''
	if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
	scene() {
		printf '\n%s== %s%s\n' "$bold" "$1" "$plain"
		printf '   %s\n' "$2"
	}
	run() {
		printf '   $ lingerlab-closeprobe %s\n' "$*"
		"$probe" --addr "$LINGERPEER_ADDR" "$@"
	}
	scene "1. linger off, peer normal" \
	      "close() returns at once; FIN, ACK, FIN, ACK; the client waits in TIME_WAIT."
	run --port 7000 --settle 100ms
	scene "2. non-blocking socket, SO_LINGER {1, 2}, peer never ACKs the FIN (swallow-fin)" \
	      "Linux ignores O_NONBLOCK here: close() blocks the full 2 s and still returns 0."
	run --port 7001 --nonblock --linger 2
	scene "3. SO_LINGER {1, 1} with data unsent, peer stopped reading (window 0)" \
	      "close() blocks 1 s, returns 0, no RST: the orphan keeps its data in FIN_WAIT1."
	run --port 7002 --nonblock --send 256KiB --linger 1
	scene "4. SO_LINGER {1, 0}, the abortive close" \
	      "close() returns at once and sends RST: no FIN, no TIME_WAIT."
	run --port 7001 --linger 0
	printf '\nDone. Each scenario is checked by the test suite too: make test.\n'
	exit 0
fi

build=${1:-build}
sandbox=$build/bin/lingerlab-sandbox
probe=$(cd "$build/bin" && pwd)/lingerlab-closeprobe
for f in "$sandbox" "$probe"; do
	[[ -x "$f" ]] || { echo "demo: $f is missing; run 'make build' first" >&2; exit 2; }
done

echo "lingerlab demo: a private network (192.0.2.1 <-> 192.0.2.2), lingerpeer owning"
echo "192.0.2.2 with a different behaviour per port, and a Linux client closing."
exec "$sandbox" --peer-arg=-v \
	--peer-arg=--port=7000 --peer-arg=--behaviour=normal \
	--peer-arg=--port=7001 --peer-arg=--behaviour=swallow-fin \
	--peer-arg=--port=7002 --peer-arg=--behaviour=stop-reading:rcvbuf=64KiB \
	-- bash "$0" --inside "$probe"
