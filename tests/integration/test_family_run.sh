#!/bin/sh
# test_family_run.sh - the same scenario files over IPv4 and IPv6, for real:
# `lingerlab run --family both` on a representative part of the library
# (client closes that send a FIN, an RST, retransmit a FIN the peer
# swallows, probe a zero window, and a server that listens and accepts
# over either family), and
#   - every case passes over both families, with the same verdict for
#     every check in the IPv6 case as in the IPv4 one (the JSON report);
#   - the IPv6 cases really made those checks: FIN, RST, FIN
#     retransmissions, zero-window probes and sock_diag states passed;
#   - the family is in each case's name, JSON "family" and JUnit property;
#   - an IPv6 case's ladder diagram writes its ends in brackets, and its
#     pcap file holds IPv6 segments between 2001:db8::1 and 2001:db8::2;
#   - a file whose sockets all name their family runs once under both.
#
# Usage: test_family_run.sh LINGERLAB SOURCE_DIR
# Exits 77 (ctest: SKIP) when no sandbox can be built here (lingerlab exits
# 3), the kernel has no IPv6, or python3 is missing, saying why.
set -u
lingerlab=$1
src=$2
lib=$src/scenarios
set -- "$lib/examples" "$lib/linger/swallow-fin.scn" \
    "$lib/server-side/unresponsive-client.scn" \
    "$lib/edge/close-wait-last-ack.scn" "$lib/shutdown/half-close.scn"
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3) || {
	echo "SKIP: python3 is not installed (Debian: python3): the reports were not compared"
	exit 77
}
[ -e /proc/net/if_inet6 ] || {
	echo "SKIP: this kernel has no IPv6"
	exit 77
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-family.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

fail() {
	echo "FAIL: $*"
	echo "--- stderr:"; cat "$dir/err" 2>/dev/null
	exit 1
}

# run OUT ARG...: lingerlab run, which must pass (3: no sandbox, SKIP)
run() {
	out=$1
	shift
	"$lingerlab" run "$@" >"$out" 2>"$dir/err"
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "SKIP: lingerlab cannot set up a sandbox here: $(cat "$dir/err")"
		exit 77
	fi
	[ $rc -eq 0 ] || { tail -n 40 "$out"; fail "lingerlab run $* exited $rc"; }
}

run "$dir/both.jsonl" --jobs 4 --family both --format json "$@"
"$py" - "$dir/both.jsonl" <<'EOF' || fail "the families' verdicts differ"
import json, re, sys

cases = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
by = {}
for c in cases:
    m = re.fullmatch(r"(.*?)(?:\[(.*?),?family=(ipv[46])\])", c["case"])
    assert m, "no family in the name: " + c["case"]
    assert c["family"] == m.group(3), (c["case"], c["family"])
    base = m.group(1) + "[" + (m.group(2) or "") + "]"
    by.setdefault(base, {})[c["family"]] = c
bad = 0
seen = set()
for base, fam in sorted(by.items()):
    if set(fam) != {"ipv4", "ipv6"}:
        print("FAIL: %s ran over %s only" % (base, sorted(fam)))
        bad += 1
        continue
    v4 = [(k["line"], k["check"], k["verdict"]) for k in fam["ipv4"]["checks"]]
    v6 = [(k["line"], k["check"], k["verdict"]) for k in fam["ipv6"]["checks"]]
    if v4 != v6:
        bad += 1
        print("FAIL: %s: IPv4 %s, IPv6 %s" % (base, v4, v6))
    for k in fam["ipv6"]["checks"]:
        if k["verdict"] != "pass":
            continue
        for what in ("sends FIN", "sends RST", "retransmits FIN",
                     "zero-window-probes", "state "):
            if what in k["check"]:
                seen.add(what)
want = {"sends FIN", "sends RST", "retransmits FIN", "zero-window-probes", "state "}
if seen != want:
    print("FAIL: no IPv6 check passed of %s" % sorted(want - seen))
    bad += 1
print("ok: %d cases over both families, the same verdicts; IPv6 passed %s" %
      (len(cases), sorted(seen)))
sys.exit(1 if bad else 0)
EOF

# JUnit: the family in the test suite's name and as a property
run "$dir/both.xml" --family both --format junit "$lib/examples/linger-off.scn"
grep -q 'testsuite name="[^"]*linger-off.scn\[mode=blocking,family=ipv6\]"' "$dir/both.xml" ||
	fail "JUnit: no suite named after its family"
grep -q '<property name="family" value="ipv6"/>' "$dir/both.xml" ||
	fail "JUnit: no family property"

# The ladder and the pcap of an IPv6 case
mkdir "$dir/pcap"
run "$dir/ladder" --family ipv6 --diagram --pcap-dir "$dir/pcap" \
    "$lib/examples/linger-zero-rst.scn"
grep -q 'c: \[2001:db8::1\]:[0-9]* > \[2001:db8::2\]:7001' "$dir/ladder" ||
	{ cat "$dir/ladder"; fail "the ladder does not write the IPv6 ends in brackets"; }
for f in "$dir"/pcap/*.pcap; do
	[ -s "$f" ] || fail "no pcap file written"
	if command -v tcpdump >/dev/null 2>&1; then
		tcpdump -nr "$f" 2>/dev/null | grep -q '2001:db8::1\.[0-9]* > 2001:db8::2\.7001: Flags \[R' ||
			fail "$f: no IPv6 RST from 2001:db8::1 in the capture"
	fi
done

# Sockets that all name their family: one case, whatever --family says
cat >"$dir/named.scn" <<'EOF'
scenario "an IPv6 socket, named"
peer listen 7000 swallow-fin
socket c ipv6
connect c
close c
    expect returns 0
expect wire client sends FIN within 200ms
expect state c FIN_WAIT1 if family = ipv6
expect state c ESTABLISHED if family = ipv4
EOF
run "$dir/named.jsonl" --family both --format json "$dir/named.scn"
[ "$(wc -l <"$dir/named.jsonl")" -eq 1 ] || fail "a named-family file ran more than once"
grep -q '"family":"ipv6"' "$dir/named.jsonl" || fail "the named file's case is not IPv6"
grep -q '"check":"expect state c FIN_WAIT1 if family = ipv6"' "$dir/named.jsonl" ||
	fail "if family = ipv6 was not kept in the IPv6 case"
echo "ok: JUnit, ladder, pcap and named families"
exit 0
