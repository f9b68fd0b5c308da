#!/bin/bash
# test-systemd-unit.sh - lingerpeer@.service (peer/systemd/) is a unit
# systemd accepts, hardened, and lingerpeer works under its limits:
#   1. `systemd-analyze verify` finds nothing to say about an instance of it
#      (its lingerpeer and man page taken from the build);
#   2. `systemd-analyze security --offline` rates its exposure 3.0 or less
#      ("OK"), so no hardening line is lost unnoticed;
#   3. lingerpeer, started as the unit starts it (root, the unit's
#      CapabilityBoundingSet and nothing else, no-new-privileges) on a veth
#      pair in a network namespace of the test's own, becomes ready, drops
#      to nobody with no capability left, and accepts a connection.
# The namespace (and the veth pair in it) goes when the test ends, however
# it ends.
#
# Usage: test-systemd-unit.sh UNIT_FILE LINGERPEER MAN_PAGE.8.gz
# Exit 77 (SKIP) when systemd-analyze is missing; step 3 alone is left out,
# said so, when not root or without setpriv, unshare or ip.
set -u
unit=$1
peer=$(readlink -f "$2")
manpage=$3

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "SKIP: systemd-analyze is not installed (Debian: systemd)"
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-unit.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

# an instance, with the build's lingerpeer where the unit names the installed one
instance="$dir/lingerpeer@lab1.service"
exec_path=$(sed -nE 's/^ExecStart=([^ ]*).*/\1/p' "$unit")
sed "s|^ExecStart=$exec_path |ExecStart=$peer |" "$unit" >"$instance"
mkdir -p "$dir/man/man8" && cp "$manpage" "$dir/man/man8/" || exit 1
export MANPATH="$dir/man"

out=$(systemd-analyze verify "$instance" 2>&1)
if [ $? -ne 0 ] || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify $unit:"
	echo "$out"
	exit 1
fi
echo "ok: systemd-analyze verify has nothing to say"

score=$(systemd-analyze security --offline=yes "$instance" 2>/dev/null |
    sed -nE 's/.*Overall exposure level for [^:]*: ([0-9.]+).*/\1/p')
if [ -z "$score" ]; then
	echo "note: this systemd-analyze rates no unit offline; exposure not checked"
elif awk -v s="$score" 'BEGIN { exit !(s > 3.0) }'; then
	echo "FAIL: systemd-analyze security rates the unit's exposure $score, over 3.0:"
	systemd-analyze security --offline=yes "$instance" | grep '✗'
	exit 1
else
	echo "ok: systemd-analyze security: exposure $score (OK)"
fi

caps=$(sed -nE 's/^CapabilityBoundingSet=(.*)/\1/p' "$unit")
why=""
[ "$(id -u)" -eq 0 ] || why="not root"
for tool in setpriv unshare ip; do
	command -v $tool >/dev/null 2>&1 || why="${why:+$why, }no $tool (Debian: util-linux, iproute2)"
done
if [ -n "$why" ]; then
	echo "SKIP: lingerpeer was not run with the unit's capabilities ($why)"
	exit 77
fi
# CAP_NET_RAW CAP_SETUID -> -all,+net_raw,+setuid
bounding="-all"
for c in $caps; do
	c=${c#CAP_}
	bounding="$bounding,+$(echo "$c" | tr 'A-Z' 'a-z')"
done

cat >"$dir/in-netns.sh" <<'EOF'
# In a network namespace of its own: a veth pair, lingerpeer on one end as
# the unit starts it, a connection from the other.
set -u
dir=$1 peer=$2 bounding=$3
ip link add llunit0 type veth peer name llunit1 &&
    ip link set llunit0 up && ip link set llunit1 up &&
    ip addr add 192.0.2.1/24 dev llunit1 || exit 1
mkfifo "$dir/out" || exit 1
setpriv --bounding-set="$bounding" --inh-caps=-all --no-new-privs \
    "$peer" --iface llunit0 --addr 192.0.2.2 --port 7000 \
    --control "unix:$dir/control.sock" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3<"$dir/out"
ready=""
while IFS= read -r -t 10 line <&3; do
	case $line in "lingerpeer ready"*) ready=$line; break ;; esac
done
if [ -z "$ready" ]; then
	echo "FAIL: lingerpeer with only the unit's capabilities never became ready:"
	cat "$dir/err"
	kill $pid 2>/dev/null
	exit 1
fi
status=$(grep -E '^(Uid|CapEff|CapPrm|NoNewPrivs):' /proc/$pid/status)
rc=0
echo "$status" | grep -Eq '^Uid:[[:space:]]+65534[[:space:]]+65534' ||
    { echo "FAIL: lingerpeer did not become nobody: $status"; rc=1; }
echo "$status" | grep -Eq '^CapEff:[[:space:]]+0+$' ||
    { echo "FAIL: lingerpeer kept capabilities: $status"; rc=1; }
echo "$status" | grep -Eq '^NoNewPrivs:[[:space:]]+1' ||
    { echo "FAIL: no no-new-privileges: $status"; rc=1; }
if ! timeout 10 bash -c 'exec 4<>/dev/tcp/192.0.2.2/7000' 2>"$dir/connect.err"; then
	echo "FAIL: no connection to lingerpeer: $(cat "$dir/connect.err")"
	rc=1
fi
kill $pid
wait $pid
exit $rc
EOF
unshare -n bash "$dir/in-netns.sh" "$dir" "$peer" "$bounding" || exit 1
echo "ok: lingerpeer with only $caps and no-new-privileges: ready, dropped to nobody, connectable"
exit 0
