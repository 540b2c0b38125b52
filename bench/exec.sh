#!/usr/bin/env bash
# Run benchmark: `runbook exec` of 100 trivial local steps vs `ansible-playbook` of 100 trivial
# tasks, and runbook's per-step cost vs a bare fork/exec of /bin/true.
#
#   bash bench/exec.sh        (as root on a fresh machine: installs what it needs)
#
# Inputs, generated into a temporary directory by bench/exec/generate.sh:
#   runbook-100.yml / runbook-1.yml   100 / 1 steps `run: /bin/true` (local target)
#   playbook-100.yml                  100 tasks `command: /bin/true`, hosts: localhost,
#                                     connection: local, gather_facts: false
# Times, in ONE hyperfine run (-N, --warmup 1, RUNS runs per block):
#   ./runbook exec runbook-100.yml --state-dir TMP/state-100   } each in two blocks, before and
#   ./runbook exec runbook-1.yml   --state-dir TMP/state-1     } after Ansible: 2 x RUNS runs
#   ansible-playbook -i localhost, playbook-100.yml               RUNS runs
#   java FLAGS -cp TMP/bare BareFork loop 100 / loop 1            the floor: a JVM (the launcher's, its
#                                                                 flags) making 100 and 1 ProcessBuilder
#                                                                 calls of /bin/true, in two blocks too
#   bash -c 'for i in $(seq 100); do /bin/true; done'             the bare fork/exec from bash,
#   bash -c 'for i in $(seq 100); do :; done'                     minus the empty loop
# then runs bench/exec/BareFork.java BARE_REPEATS times on the launcher's JDK and flags (100
# calls each, timed inside the JVM: ProcessBuilder("/bin/true"), then the engine's command line
# step by step: /bin/sh -c; /bin/true with stdin, two reader threads and the death watch's pipe), and prints the
# table: wall times, per-step cost = (runbook 100 - runbook 1) / 99 (pooled and per block), bare
# fork/exec per call (the JVM's timed the same way, (x100 - x1) / 99; inside one JVM; bash's), the
# ratios ansible / runbook (aim >= 10) and the engine's overhead per step (per-step cost - bare) / bare
# JVM fork/exec (aim <= 2; the whole per-step cost / bare and the others for context), where a step's
# time goes according to the journals of the 100-step runs, and the load average before and after.
#
# The jar is copied into the temporary directory and run through the launcher with
# RUNBOOK_JAR=<copy> (its archive is made beside the copy from one exec run), so that a rebuild
# in the work tree cannot change what is timed. Results: bench/out/exec.json (hyperfine's export).
#
# Environment: RUNS (default 5), BARE_REPEATS (5), LOAD_MAX (1.5) and LOAD_WAIT (300 s): before
# timing, wait up to LOAD_WAIT seconds for the 1-minute load average to fall below LOAD_MAX;
# STATE_BASE (default: the temporary directory) puts the state dirs elsewhere, e.g. /dev/shm.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

RUNS=${RUNS:-5}
BARE_REPEATS=${BARE_REPEATS:-5}
LOAD_MAX=${LOAD_MAX:-1.5}
LOAD_WAIT=${LOAD_WAIT:-300}

ensure_cmd ansible-playbook ansible-core
ensure_cmd hyperfine hyperfine
ensure_cmd python3 python3
ensure_cmd java openjdk-17-jdk-headless
ensure_jar

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbook-exec-bench.XXXXXX")
state_base=$tmp
[ -z "${STATE_BASE:-}" ] || state_base=$(mktemp -d "$STATE_BASE/runbook-exec-state.XXXXXX")
trap 'rm -rf "$tmp" "$state_base"' EXIT
bash bench/exec/generate.sh 100 "$tmp"
bash bench/exec/generate.sh 1 "$tmp"

# A private copy of the jar: the launcher never rebuilds it, and makes its archive beside it.
mkdir -p "$tmp/jar"
cp "$JAR" "$tmp/jar/runbook.jar"
export RUNBOOK_JAR="$tmp/jar/runbook.jar"

# The JDK the launcher runs (same choice as ./runbook: JAVA_HOME, else the newest JDK 25+ in
# /usr/lib/jvm, else java on PATH), for BareFork: the floor must run on the same JVM and flags.
launcher_java() {
  if [ -n "${JAVA_HOME:-}" ]; then printf '%s\n' "$JAVA_HOME/bin/java"; return; fi
  local best=24 pick="" dir major
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    { [ -x "$dir/bin/java" ] && [ -r "$dir/release" ]; } || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$dir/release")
    if [ -n "$major" ] && [ "$major" -gt "$best" ]; then best=$major pick="$dir/bin/java"; fi
  done
  printf '%s\n' "${pick:-$(command -v java)}"
}
JAVA_CMD=$(launcher_java)
# The launcher's own JVM flags (see ./runbook).
JVM_FLAGS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)

say "jar: ${JAR#"$BENCH_ROOT"/} (copied to $RUNBOOK_JAR); launcher JVM: $JAVA_CMD"
say "$("$JAVA_CMD" -version 2>&1 | head -n 1); $(ansible-playbook --version | head -n 1); $(nproc) cores"
say "state dirs under $state_base ($(df --output=fstype "$state_base" | tail -n 1))"

# The archive holds the classes of the run that made it: make it from an exec run. Then check
# that every timed command succeeds.
./runbook exec "$tmp/runbook-100.yml" --state-dir "$tmp/warm" >/dev/null || die "runbook exec failed"
[ -f "$tmp/jar/runbook.aot" ] || [ -f "$tmp/jar/runbook.jsa" ] ||
  say "warning: no class-data archive was made; the runbook figures are without one"
./runbook exec "$tmp/runbook-1.yml" --state-dir "$tmp/warm" >/dev/null || die "runbook exec failed"
ansible-playbook -i localhost, "$tmp/playbook-100.yml" >"$tmp/ansible.out" 2>&1 ||
  { cat "$tmp/ansible.out" >&2; die "ansible-playbook failed"; }
grep -q 'ok=100 ' "$tmp/ansible.out" || { cat "$tmp/ansible.out" >&2; die "ansible did not run 100 tasks"; }
"$JAVA_CMD" "${JVM_FLAGS[@]}" bench/exec/BareFork.java 5 bare >/dev/null || die "BareFork failed"
# BareFork compiled, for the floor timed from outside like runbook: a JVM making 100 calls, and one making 1.
mkdir -p "$tmp/bare"
"$(dirname "$(readlink -f "$JAVA_CMD")")/javac" -d "$tmp/bare" bench/exec/BareFork.java || die "javac BareFork failed"

# Wait (a while) for a quiet machine: other work inflates every figure.
load1() { cut -d' ' -f1 /proc/loadavg; }
waited=0
while awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }' && [ "$waited" -lt "$LOAD_WAIT" ]; do
  [ "$waited" -eq 0 ] && say "load average $(load1) >= $LOAD_MAX: waiting up to ${LOAD_WAIT}s"
  sleep 10
  waited=$((waited + 10))
done

rb100="./runbook exec $tmp/runbook-100.yml --state-dir $state_base/state-100"
rb1="./runbook exec $tmp/runbook-1.yml --state-dir $state_base/state-1"
loop_true="bash -c 'for i in \$(seq 100); do /bin/true; done'"
loop_empty="bash -c 'for i in \$(seq 100); do :; done'"
bare100="$JAVA_CMD ${JVM_FLAGS[*]} -cp $tmp/bare BareFork loop 100"
bare1="$JAVA_CMD ${JVM_FLAGS[*]} -cp $tmp/bare BareFork loop 1"
cmds=(-n "runbook 100 steps #1" "$rb100" -n "runbook 1 step #1" "$rb1"
      -n "JVM fork/exec x100 #1" "$bare100" -n "JVM fork/exec x1 #1" "$bare1"
      -n "ansible 100 tasks" "ansible-playbook -i localhost, $tmp/playbook-100.yml"
      -n "runbook 100 steps #2" "$rb100" -n "runbook 1 step #2" "$rb1"
      -n "JVM fork/exec x100 #2" "$bare100" -n "JVM fork/exec x1 #2" "$bare1"
      -n "bash loop /bin/true x100" "$loop_true" -n "bash loop empty x100" "$loop_empty")

mkdir -p "$BENCH_OUT"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$BENCH_OUT/exec.json" "${cmds[@]}"
load_mid=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench/exec/BareFork.java x $BARE_REPEATS (100 calls each, timed inside the JVM)"
for ((i = 0; i < BARE_REPEATS; i++)); do
  "$JAVA_CMD" "${JVM_FLAGS[@]}" bench/exec/BareFork.java 100
done >"$tmp/bare.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$BENCH_OUT/exec.json" "$tmp/bare.txt" "$state_base/state-100" "$load_before" "$load_mid" "$load_after" <<'PY'
import glob, json, statistics as st, sys
from datetime import datetime
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def times(*names): return [t * 1000 for n in names for t in res[n]["times"]]
def mean(xs): return st.mean(xs)
def sd(xs): return st.stdev(xs) if len(xs) > 1 else 0.0
def per_step(a, b):  # (mean 100 steps - mean 1 step) / 99, and its standard error
    return (mean(a) - mean(b)) / 99, (sd(a) ** 2 / len(a) + sd(b) ** 2 / len(b)) ** 0.5 / 99
rb100 = times("runbook 100 steps #1", "runbook 100 steps #2")
rb1 = times("runbook 1 step #1", "runbook 1 step #2")
ans = times("ansible 100 tasks")
lt, le = times("bash loop /bin/true x100"), times("bash loop empty x100")
bare = {}
for line in open(sys.argv[2]):
    name, us = line.split()
    bare.setdefault(name, []).append(int(us) / 1000)
step, step_se = per_step(rb100, rb1)
bash_call = (mean(lt) - mean(le)) / 100
jb100 = times("JVM fork/exec x100 #1", "JVM fork/exec x100 #2")
jb1 = times("JVM fork/exec x1 #1", "JVM fork/exec x1 #2")
jvm_call, jvm_call_se = per_step(jb100, jb1)  # timed as runbook is: (JVM of 100 calls - JVM of 1) / 99
inside_call = mean(bare["bare"])

print()
print(f"{'figure':54} {'mean ms':>9} {'± ms':>7} {'runs':>5}")
def row(name, m, s, n=""): print(f"{name:54} {m:9.2f} {s:7.2f} {n:>5}")
row("runbook exec, 100 steps", mean(rb100), sd(rb100), len(rb100))
row("runbook exec, 1 step", mean(rb1), sd(rb1), len(rb1))
row("per-step cost: (100 steps - 1 step) / 99", step, step_se)
for b in ("#1", "#2"):
    a, c = times(f"runbook 100 steps {b}"), times(f"runbook 1 step {b}")
    row(f"  block {b}: 100 steps {mean(a):.0f} ms, 1 step {mean(c):.0f} ms, per step", *per_step(a, c))
row("per call, JVM ProcessBuilder(/bin/true): (x100 - x1) / 99", jvm_call, jvm_call_se)
for b in ("#1", "#2"):
    a, c = times(f"JVM fork/exec x100 {b}"), times(f"JVM fork/exec x1 {b}")
    row(f"  block {b}: 100 calls {mean(a):.0f} ms, 1 call {mean(c):.0f} ms, per call", *per_step(a, c))
for name, label in (("bare", "ProcessBuilder(/bin/true)"), ("sh", "  /bin/sh -c /bin/true"),
                    ("asexec", "  as LocalExecutor: + stdin, 2 readers, death watch")):
    if name in bare:
        row(f"per call, timed inside one JVM: {label}", mean(bare[name]), sd(bare[name]), len(bare[name]))
row("per call, bash loop: /bin/true (- empty loop)", bash_call, 0.0, len(lt))
row("ansible-playbook, 100 tasks", mean(ans), sd(ans), len(ans))

# Where a step's time goes, from the journals of the timed 100-step runs (steps 2-99): a step's cycle is
# step.started to the next step.started; its command (StepRunner's duration_ms, whole ms, rounded down) is
# inside step.started -> step.finished; the rest is the engine: events (JSON, fsync, console), expressions.
def ts(s):
    d, frac = s.rstrip("Z").split(".")
    return datetime.fromisoformat(d).timestamp() + float("0." + frac)
cyc, inside, durs = [], [], []
for j in glob.glob(sys.argv[3] + "/runs/*/journal.jsonl"):
    ev = [json.loads(l) for l in open(j)]
    s = [e for e in ev if e["type"] == "step.started"]
    f = [e for e in ev if e["type"] == "step.finished"]
    for i in range(1, min(len(s), len(f)) - 1):
        cyc.append((ts(s[i + 1]["time"]) - ts(s[i]["time"])) * 1000)
        inside.append((ts(f[i]["time"]) - ts(s[i]["time"])) * 1000)
        durs.append(f[i]["duration_ms"])
if cyc:
    print()
    print(f"journals ({len(cyc)} steps): step cycle {mean(cyc):.2f} ms = started->finished {mean(inside):.2f}"
          f" + finished->next started {mean(cyc) - mean(inside):.2f}; the command itself (duration_ms,"
          f" rounded down) {mean(durs):.2f}")
print()
def ratio(label, q, aim=""): print(f"{label:54} {q:8.2f}x  {aim}")
r = mean(ans) / mean(rb100)
ratio("ratio ansible / runbook, 100 steps", r, f"aim >= 10: {'met' if r >= 10 else 'MISSED'}")
# The aim (docs/benchmarks.md): the engine's overhead per step, what a step costs beyond the fork/exec of its
# command, within 2x of a bare fork/exec, both in the engine's own runtime (the JVM, timed the same way).
q = (step - jvm_call) / jvm_call
ratio("ratio overhead per step / bare JVM fork/exec", q, f"aim <= 2: {'met' if q <= 2 else 'MISSED'}")
ratio("ratio whole per-step cost / bare JVM fork/exec", step / jvm_call, "(the step's own fork/exec included)")
ratio("ratio whole per-step cost / bare, timed inside one JVM", step / inside_call)
ratio("ratio per-step / bare, bash loop", step / bash_call, "(context: a fork without a JVM)")
if "asexec" in bare:
    ratio("ratio per-step / as LocalExecutor (engine around it)", step / mean(bare["asexec"]))
print()
print(f"load average (1, 5, 15 min): before {sys.argv[4]}; after hyperfine {sys.argv[5]}; after BareFork {sys.argv[6]}")
PY
