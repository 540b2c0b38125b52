#!/usr/bin/env bash
# Start-up benchmark: `runbook validate` vs `ansible-playbook --syntax-check`.
#
#   bash bench/validate.sh        (as root on a fresh machine: installs what it needs)
#
# Times, in ONE hyperfine run (so that all figures share the machine's state):
#   ./runbook validate runbooks/production.yml        launcher: its JDK (the newest 25+ in
#   ./runbook --version                               /usr/lib/jvm, else java on PATH) with
#                                                     its archive (AOT cache on 25+, CDS on
#                                                     17-24), C1, SerialGC
#   the same two with JAVA_HOME=<java on PATH>        only when the launcher picks another
#                                                     JDK than java on PATH (e.g. 25 vs 17)
#   RUNBOOK_CDS=off ./runbook validate ...            the launcher without its archive
#   java -jar engine/target/runbook.jar validate ...  plain JVM: java on PATH, no app
#   java -jar engine/target/runbook.jar --version     archive, default flags
#   ansible-playbook --syntax-check bench/ansible/production.yml -i localhost,
#   ansible-playbook --version
# then prints mean wall times (and CPU time: user + system), the runbook/ansible ratios of
# the mean wall times, and the machine's load average before and after. The aim: runbook
# takes at most half of Ansible's time. Results: bench/out/validate.json (hyperfine's export).
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
ensure_cmd java openjdk-17-jre-headless
[ -f "$RUNBOOK_FILE" ] || die "no $RUNBOOK_FILE"

say "jar: $jar_rel"
ensure_jar
# Which JDK the launcher runs (its --version says), and which one `java` on PATH is.
launcher_java=$(./runbook --version | sed -n 's/^Java //p')
path_java=$(java -version 2>&1 | sed -n 's/^[a-zA-Z]* version "\([^"]*\)".*/\1/p' | head -n 1)
PATH_JAVA_HOME=""
if [ -z "${JAVA_HOME:-}" ] && [ "${launcher_java%%.*}" != "${path_java%%.*}" ]; then
  PATH_JAVA_HOME=$(java_home_of "$(command -v java)")
fi
say "launcher: Java $launcher_java; java on PATH: Java $path_java"
say "warming the class-data archive(s) with: ./runbook validate $RUNBOOK_FILE"
warm_cds validate "$RUNBOOK_FILE"

# Every command must succeed before it is timed (hyperfine stops on a failure anyway).
ansible-playbook --syntax-check "$PLAYBOOK" -i localhost, >/dev/null ||
  die "$PLAYBOOK fails ansible-playbook --syntax-check"
java -jar "$jar_rel" validate "$RUNBOOK_FILE" >/dev/null || die "java -jar $jar_rel validate failed"

say "sizes: $RUNBOOK_FILE $(wc -l <"$RUNBOOK_FILE") lines (+ runbooks/lib: $(cat runbooks/lib/*.yml 2>/dev/null | wc -l)),"\
  "$PLAYBOOK $(wc -l <"$PLAYBOOK") lines (+ bench/ansible/tasks: $(cat bench/ansible/tasks/*.yml | wc -l))"
say "$(java -version 2>&1 | head -n 1); $(ansible-playbook --version | head -n 1); $(nproc) cores"

launcher=${launcher_java%%.*}
archive="AOT cache"
[ "$launcher" -ge 25 ] 2>/dev/null || archive=CDS
cmds=(-n "runbook validate (JDK $launcher, $archive)" "./runbook validate $RUNBOOK_FILE"
      -n "runbook --version (JDK $launcher, $archive)" "./runbook --version")
if [ -n "$PATH_JAVA_HOME" ]; then
  # `env` adds its own exec (about a millisecond) to these two.
  cmds+=(-n "runbook validate (JDK ${path_java%%.*}, CDS)" "env JAVA_HOME=$PATH_JAVA_HOME ./runbook validate $RUNBOOK_FILE"
         -n "runbook --version (JDK ${path_java%%.*}, CDS)" "env JAVA_HOME=$PATH_JAVA_HOME ./runbook --version")
fi
# The launcher's JDK and flags without its archive: what the archive itself saves.
cmds+=(-n "runbook validate (JDK $launcher, no archive)" "env RUNBOOK_CDS=off ./runbook validate $RUNBOOK_FILE")
cmds+=(-n "java -jar validate (JDK ${path_java%%.*}, no CDS)" "java -jar $jar_rel validate $RUNBOOK_FILE"
       -n "java -jar --version (JDK ${path_java%%.*}, no CDS)" "java -jar $jar_rel --version"
       -n "ansible-playbook --syntax-check" "ansible-playbook --syntax-check $PLAYBOOK -i localhost,"
       -n "ansible-playbook --version" "ansible-playbook --version")

mkdir -p "$BENCH_OUT"
# The jar, the archives and the launcher's build log must not change while the runs are timed
# (a source edited meanwhile makes ./runbook rebuild the jar inside a timed run).
state() { stat -c '%n %y %s' "$JAR" "${JAR%.jar}".* "$(dirname "$JAR")/.runbook-build.log" 2>/dev/null || true; }
state_before=$(state)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# -N: no intermediate shell, so every figure is the command's own start-up.
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$BENCH_OUT/validate.json" "${cmds[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$(state)" = "$state_before" ] ||
  say "warning: the jar, an archive or the build log changed during the timed runs (a rebuild?): run again"

python3 - "$BENCH_OUT/validate.json" "$load_before" "$load_after" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def mean(name): return results[name]["mean"] * 1000
def sd(name): return results[name]["stddev"] * 1000
def cpu(name): return (results[name]["user"] + results[name]["system"]) * 1000
print()
print(f"{'command':44} {'mean ms':>9} {'± ms':>7} {'cpu ms':>8}")
for name in results:
    print(f"{name:44} {mean(name):9.1f} {sd(name):7.1f} {cpu(name):8.1f}")
print()
print(f"{'ratio runbook / ansible (mean wall time)':44} {'ratio':>6}  aim <= 0.50")
for name in results:
    if name.startswith("ansible"):
        continue
    peer = "ansible-playbook --version" if "--version" in name else "ansible-playbook --syntax-check"
    r = mean(name) / mean(peer)
    print(f"{name:44} {r:6.2f}  {'met' if r <= 0.5 else 'MISSED'}")
print()
print(f"load average (1, 5, 15 min): before {sys.argv[2]}; after {sys.argv[3]}")
PY
