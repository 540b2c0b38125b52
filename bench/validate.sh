#!/usr/bin/env bash
# Start-up benchmark: `runbook validate` vs `ansible-playbook --syntax-check`.
#
#   bash bench/validate.sh        (as root on a fresh machine: installs what it needs)
#
# Times, in ONE hyperfine run (so that all figures share the machine's state):
#   ./runbook validate runbooks/production.yml        launcher: CDS archive, C1, SerialGC
#   ./runbook --version
#   java -jar engine/target/runbook.jar validate ...  plain JVM: no app archive, default flags
#   java -jar engine/target/runbook.jar --version
#   ansible-playbook --syntax-check bench/ansible/production.yml -i localhost,
#   ansible-playbook --version
# then prints mean wall times (and CPU time: user + system) and the runbook/ansible ratios of
# the mean wall times. The aim: runbook takes at most
# half of Ansible's time. Results: bench/out/validate.json (hyperfine's export).
# WARMUP and RUNS override hyperfine's --warmup 3 --runs 20.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

RUNBOOK_FILE=runbooks/production.yml
PLAYBOOK=bench/ansible/production.yml
WARMUP=${WARMUP:-3}
RUNS=${RUNS:-20}
jar_rel=${JAR#"$BENCH_ROOT"/}

ensure_cmd ansible-playbook ansible-core
ensure_cmd hyperfine hyperfine
ensure_cmd python3 python3
[ -f "$RUNBOOK_FILE" ] || die "no $RUNBOOK_FILE"

say "jar: $jar_rel"
ensure_jar
say "warming the CDS archive with: ./runbook validate $RUNBOOK_FILE"
warm_cds validate "$RUNBOOK_FILE"

# Every command must succeed before it is timed (hyperfine stops on a failure anyway).
ansible-playbook --syntax-check "$PLAYBOOK" -i localhost, >/dev/null ||
  die "$PLAYBOOK fails ansible-playbook --syntax-check"
java -jar "$jar_rel" validate "$RUNBOOK_FILE" >/dev/null || die "java -jar $jar_rel validate failed"

say "sizes: $RUNBOOK_FILE $(wc -l <"$RUNBOOK_FILE") lines, $PLAYBOOK $(wc -l <"$PLAYBOOK") lines"
say "$(java -version 2>&1 | head -n 1); $(ansible-playbook --version | head -n 1); $(nproc) cores"

mkdir -p "$BENCH_OUT"
# -N: no intermediate shell, so every figure is the command's own start-up.
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$BENCH_OUT/validate.json" \
  -n "runbook validate (CDS)" "./runbook validate $RUNBOOK_FILE" \
  -n "runbook --version (CDS)" "./runbook --version" \
  -n "java -jar validate (no CDS)" "java -jar $jar_rel validate $RUNBOOK_FILE" \
  -n "java -jar --version (no CDS)" "java -jar $jar_rel --version" \
  -n "ansible-playbook --syntax-check" "ansible-playbook --syntax-check $PLAYBOOK -i localhost," \
  -n "ansible-playbook --version" "ansible-playbook --version"

python3 - "$BENCH_OUT/validate.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def mean(name): return results[name]["mean"] * 1000
def sd(name): return results[name]["stddev"] * 1000
def cpu(name): return (results[name]["user"] + results[name]["system"]) * 1000
print()
print(f"{'command':36} {'mean ms':>9} {'± ms':>7} {'cpu ms':>8}")
for name in results:
    print(f"{name:36} {mean(name):9.1f} {sd(name):7.1f} {cpu(name):8.1f}")
print()
print(f"{'ratio runbook / ansible':44} {'ratio':>6}  aim <= 0.50")
rows = [
    ("validate, launcher with CDS", "runbook validate (CDS)", "ansible-playbook --syntax-check"),
    ("validate, plain java -jar (no CDS)", "java -jar validate (no CDS)", "ansible-playbook --syntax-check"),
    ("--version, launcher with CDS", "runbook --version (CDS)", "ansible-playbook --version"),
    ("--version, plain java -jar (no CDS)", "java -jar --version (no CDS)", "ansible-playbook --version"),
]
for label, ours, theirs in rows:
    r = mean(ours) / mean(theirs)
    print(f"{label:44} {r:6.2f}  {'met' if r <= 0.5 else 'MISSED'}")
PY
