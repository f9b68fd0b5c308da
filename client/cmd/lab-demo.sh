#!/usr/bin/env bash
# make lab-demo: the whole scenario library in lab mode (docs/lab.md), on a
# lab of three hosts that lingerlab-sandbox --lab builds from network
# namespaces: lingerlab-agent on the system under test, lingerpeer on the
# test link beside it, and lingerlab run on a third host that reaches both
# over TCP only, each behind a token, each host with a clock of its own.
# Then the same library in sandboxes, and the two runs' verdicts compared
# check for check.
#
#   client/cmd/lab-demo.sh [BUILD] [SCENARIOS...]
#
# Another agent speaking the same protocol takes the place of ours with
# LAB_AGENT (its command, split on spaces), e.g. Wine's:
#   LAB_AGENT="wine /path/to/lingerlab-agent.exe" client/cmd/lab-demo.sh
# The comparison is only made for an agent on Linux, whose expectations are
# the sandbox's.
#
# Exit status: lingerlab run's in lab mode (0 all passed, 1 a check failed,
# 3 no lab here, 4 the agent was lost), or 1 when the verdicts differ.
set -uo pipefail

build=${1:-build}
shift || true
src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $# -eq 0 ]]; then set -- "$src/scenarios"; fi
bin=$build/bin
for p in lingerlab lingerlab-sandbox lingerlab-agent lingerpeer; do
	[[ -x "$bin/$p" ]] || { echo "lab-demo: $bin/$p is missing; run 'make build' first" >&2; exit 2; }
done
out=$(mktemp -d "${TMPDIR:-/tmp}/lingerlab-lab-demo.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT INT TERM
agent_opts=()
if [[ -n "${LAB_AGENT:-}" ]]; then
	read -r -a words <<<"$LAB_AGENT"
	agent_opts=(--agent "${words[0]}")
	for w in "${words[@]:1}"; do agent_opts+=(--agent-arg "$w"); done
fi

echo "== The library in lab mode: the sockets on lingerlab-agent's host, the wire as lingerpeer saw it"
start=$(date +%s)
# shellcheck disable=SC2016 # expanded on the runner's host, by its shell
"$bin/lingerlab-sandbox" --lab "${agent_opts[@]}" -- sh -c '
	exec "$0" run --format json --agent "$LINGERLAB_AGENT" \
	    --agent-token "$LINGERLAB_AGENT_TOKEN" --peer "$LINGERPEER_CONTROL" \
	    --peer-token "$LINGERPEER_TOKEN" --peer-addr "$LINGERPEER_ADDR" "$@"' \
    "$(realpath "$bin/lingerlab")" "$@" >"$out/lab.jsonl" 2>"$out/lab.err"
lab=$?
lab_s=$(( $(date +%s) - start ))
if [[ $lab -ne 0 && $lab -ne 1 && $lab -ne 4 ]]; then
	echo "lab-demo: lingerlab run in the lab exited $lab:" >&2
	grep -v '^lingerlab-agent: runner ' "$out/lab.err" >&2
	exit $lab
fi
echo "== The same library in sandboxes, 4 at a time"
start=$(date +%s)
"$bin/lingerlab" run --jobs 4 --format json "$@" >"$out/sandbox.jsonl" 2>"$out/sandbox.err"
sb=$?
sb_s=$(( $(date +%s) - start ))
if [[ $sb -ne 0 && $sb -ne 1 ]]; then
	echo "lab-demo: lingerlab run in sandboxes exited $sb:" >&2
	cat "$out/sandbox.err" >&2
	exit $sb
fi

python3 - "$out/lab.jsonl" "$out/sandbox.jsonl" "$lab_s" "$sb_s" <<'EOF'
import json, sys

def load(path):
    cases = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("{"):
            cases.append(json.loads(line))
    return cases

lab, sandbox = load(sys.argv[1]), load(sys.argv[2])
total = {}
for c in lab:
    for k, v in c["counts"].items():
        total[k] = total.get(k, 0) + v
bounds = sorted(c.get("lab", {}).get("clock_bound_ns", 0) for c in lab)
lost = sum(1 for c in lab if c["aborted"] and "agent lost" in c["abort_reason"])
system = lab[0]["lab"]["system"] if lab and "lab" in lab[0] else "?"
print("   system under test: %s" % system)
print("   lab mode: %d cases, %d checks: %d passed, %d failed, %d not applicable, "
      "%d not reached, %d errors; %d agent lost; %s s"
      % (len(lab), sum(total.values()), total.get("pass", 0), total.get("fail", 0),
         total.get("not-applicable", 0), total.get("not-reached", 0),
         total.get("error", 0), lost, sys.argv[3]))
if bounds:
    print("   clock bound (agent + lingerpeer, onto the runner): median %.1f us, "
          "largest %.1f us" % (bounds[len(bounds) // 2] / 1e3, bounds[-1] / 1e3))
print("   sandbox mode: %d cases; %s s" % (len(sandbox), sys.argv[4]))

def verdicts(cases):
    return {c["case"]: [(x["line"], x["check"], x["verdict"]) for x in c["checks"]]
            for c in cases}

if not system.startswith("Linux"):
    print("   (an agent on another system: its own expectations apply, no comparison)")
    sys.exit(0)
a, b = verdicts(lab), verdicts(sandbox)
differ = [k for k in b if a.get(k) != b[k]] + [k for k in a if k not in b]
if differ:
    for k in differ[:20]:
        print("   DIFFERS: %s\n     lab:     %s\n     sandbox: %s" % (k, a.get(k), b.get(k)))
    sys.exit(1)
print("   the two runs' verdicts are the same, check for check")
EOF
same=$?
[[ $same -eq 0 ]] || exit 1
exit $lab
