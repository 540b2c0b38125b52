#!/usr/bin/env bash
# SSH fleet benchmark: `runbook exec` vs `ansible-playbook`, the same STEPS trivial steps on N real
# OpenSSH hosts (loopback sshds of bench/sshd-hosts.sh, port 2222, from FIRST_ADDRESS 127.0.10.1 on:
# the tests' hosts 127.0.1.x and their extra sshds 127.0.2.x may run meanwhile).
#
#   bash bench/ssh.sh [HOSTS...]      default: 10 50   (as root: installs what it needs)
#
# For each N: starts N hosts with bench/sshd-hosts.sh in a temporary directory (stopped on exit),
# generates into it
#   ansible.cfg, inventory.ini, playbook.yml   forks = N, pipelining, ssh_args with
#       ControlMaster=auto ControlPersist=60s and UserKnownHostsFile=<the hosts' known_hosts>
#       (host_key_checking True, StrictHostKeyChecking=yes), private_key_file, gather_facts:
#       false, strategy: linear, interpreter /usr/bin/python3; STEPS tasks `command: /bin/true`
#   runbook.yml   one target `fleet` (ssh: the N hosts, forks: N, known_hosts, identity) and
#       STEPS steps `run: /bin/true` on it
# checks that each side runs (Ansible: ok=STEPS on every host), then times in ONE hyperfine run
# (--warmup WARMUP, --runs RUNS):
#   ansible N hosts          cold: the ControlPersist masters of the previous run are closed
#                            first (--prepare), so every run opens its N connections
#   ansible N hosts, warm    masters of the previous run kept (what a user re-running within 60 s gets)
#   runbook N hosts          ./runbook exec runbook.yml --yes --state-dir ...
# and prints the mean wall times, the ratio ansible (cold) / runbook, and the peak RSS (KiB,
# `/usr/bin/time -f %M`: the largest process) of one run of each. A side that cannot run is left
# out with a note (the engine does not run SSH targets yet: then only Ansible is timed).
# Results: bench/out/ssh.json (hyperfine's results of every N, plus a summary per N).
#
# Environment: RUNS (3), WARMUP (1), STEPS (10), FIRST_ADDRESS (127.0.10.1).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1}
STEPS=${STEPS:-10}
FIRST_ADDRESS=${FIRST_ADDRESS:-127.0.10.1}
SIZES=("$@")
[ "${#SIZES[@]}" -gt 0 ] || SIZES=(10 50)
for n in "${SIZES[@]}"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a host count: $n"; done

ensure_cmd ansible-playbook ansible-core
ensure_cmd hyperfine hyperfine
ensure_cmd python3 python3
ensure_cmd ssh openssh-client
[ -x /usr/sbin/sshd ] || ensure_cmd sshd openssh-server
[ -x /usr/bin/time ] || ensure_cmd /usr/bin/time time

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbook-ssh-bench.XXXXXX")
HOSTS_DIR=""
close_masters() { # the ControlPersist masters of Ansible's runs
  local s
  for s in "$tmp"/cp/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit placeholder >/dev/null 2>&1 || true
  done
}
cleanup() {
  set +e
  close_masters
  [ -z "$HOSTS_DIR" ] || bash bench/sshd-hosts.sh stop "$HOSTS_DIR"
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/cp" "$tmp/ansible-local"
cat >"$tmp/close-masters.sh" <<EOF
for s in "$tmp"/cp/*; do [ -S "\$s" ] && ssh -o ControlPath="\$s" -O exit placeholder >/dev/null 2>&1; done; true
EOF

# The runbook side: a private copy of the jar (a rebuild in the work tree cannot change what is
# timed), or none when the engine does not build.
RUNBOOK_OK=1
if ./runbook --version >/dev/null 2>"$tmp/build.err" && [ -f "$JAR" ]; then
  mkdir -p "$tmp/jar"
  cp "$JAR" "$tmp/jar/runbook.jar"
  export RUNBOOK_JAR="$tmp/jar/runbook.jar"
  say "jar: ${JAR#"$BENCH_ROOT"/} (copied to $RUNBOOK_JAR)"
else
  RUNBOOK_OK=""
  say "warning: ./runbook --version fails, the runbook side is left out: $(tail -n 3 "$tmp/build.err")"
fi
say "$(ansible-playbook --version | head -n 1); $(ssh -V 2>&1); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# generate N HOSTS_DIR OUT: the Ansible and runbook inputs for N hosts.
generate() {
  local n=$1 hd=$2 out=$3 i k addr
  mkdir -p "$out"
  cat >"$out/ansible.cfg" <<EOF
[defaults]
inventory = $out/inventory.ini
forks = $n
remote_user = rbtest
private_key_file = $hd/id_ed25519
host_key_checking = True
gathering = explicit
interpreter_python = /usr/bin/python3
retry_files_enabled = False
local_tmp = $tmp/ansible-local
deprecation_warnings = False

[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$hd/known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
control_path_dir = $tmp/cp
EOF
  {
    echo "[fleet]"
    while read -r addr; do echo "$addr ansible_port=2222"; done <"$hd/hosts"
  } >"$out/inventory.ini"
  {
    echo "- hosts: fleet"
    echo "  gather_facts: false"
    echo "  strategy: linear"
    echo "  tasks:"
    for ((k = 1; k <= STEPS; k++)); do
      echo "    - name: s$k"
      echo "      command: /bin/true"
    done
  } >"$out/playbook.yml"
  {
    echo "runbook: ssh-bench"
    echo "description: $STEPS steps /bin/true on $n SSH hosts (bench/ssh.sh)"
    echo "version: 1"
    echo "targets:"
    echo "  fleet:"
    printf '    ssh: ['
    i=0
    while read -r addr; do
      [ "$i" -eq 0 ] || printf ', '
      printf '"rbtest@%s:2222"' "$addr"
      i=$((i + 1))
    done <"$hd/hosts"
    printf ']\n'
    echo "    forks: $n"
    echo "    known_hosts: $hd/known_hosts"
    echo "    identity: $hd/id_ed25519"
    echo "steps:"
    for ((k = 1; k <= STEPS; k++)); do
      echo "  - { id: s$k, on: fleet, run: /bin/true }"
    done
  } >"$out/runbook.yml"
}

mkdir -p "$BENCH_OUT"
exports=()
summaries=()
for n in "${SIZES[@]}"; do
  say "$n hosts x $STEPS steps"
  HOSTS_DIR="$tmp/hosts-$n"
  bash bench/sshd-hosts.sh start "$HOSTS_DIR" "$n" "$FIRST_ADDRESS"
  out="$tmp/n$n"
  generate "$n" "$HOSTS_DIR" "$out"
  export_json="$tmp/ssh-$n.json"

  # Ansible must run every task on every host.
  ANSIBLE_CONFIG=$out/ansible.cfg ansible-playbook "$out/playbook.yml" >"$out/ansible.out" 2>&1 ||
    { cat "$out/ansible.out" >&2; die "ansible-playbook failed on $n hosts"; }
  oks=$(grep -cE "^127\.0\.[0-9.]+ +: ok=$STEPS +changed=$STEPS +unreachable=0 +failed=0" "$out/ansible.out" || true)
  [ "$oks" -eq "$n" ] || { cat "$out/ansible.out" >&2; die "ansible: $oks of $n hosts ran the $STEPS tasks"; }

  rb_cmd=""
  note=""
  if [ -n "$RUNBOOK_OK" ]; then
    # The check run is the first real command of the launcher on the bench's copy of the jar: its training run, so
    # the archive holds the classes an SSH exec loads (SSH, journal, fleet), not those of a validate.
    if ! ./runbook exec "$out/runbook.yml" --yes --state-dir "$out/state-check" >"$out/exec.out" 2>&1; then
      note="runbook exec fails: $(tail -n 5 "$out/exec.out" | tr '\n' ' ' | head -c 600)"
    else
      rb_cmd="./runbook exec $out/runbook.yml --yes --state-dir $out/state"
    fi
  else
    note="the engine does not build"
  fi
  [ -z "$note" ] || say "runbook side left out for $n hosts: $note"

  ansible_cmd="env ANSIBLE_CONFIG=$out/ansible.cfg ansible-playbook $out/playbook.yml"
  cmds=(--prepare "bash $tmp/close-masters.sh" -n "ansible $n hosts x $STEPS steps" "$ansible_cmd"
        --prepare "true" -n "ansible $n hosts x $STEPS steps, warm masters" "$ansible_cmd")
  [ -z "$rb_cmd" ] || cmds+=(--prepare "bash $tmp/close-masters.sh" -n "runbook $n hosts x $STEPS steps" "$rb_cmd")
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$export_json" "${cmds[@]}"
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  # Peak RSS of one run of each (KiB; the largest single process: for Ansible, one of its forks or the controller).
  bash "$tmp/close-masters.sh"
  /usr/bin/time -f %M -o "$out/ansible.rss" env ANSIBLE_CONFIG="$out/ansible.cfg" ansible-playbook "$out/playbook.yml" >/dev/null 2>&1 ||
    echo 0 >"$out/ansible.rss"
  rb_rss=""
  if [ -n "$rb_cmd" ]; then
    bash "$tmp/close-masters.sh"
    # shellcheck disable=SC2086  # rb_cmd is words without spaces inside them
    /usr/bin/time -f %M -o "$out/runbook.rss" $rb_cmd >/dev/null 2>&1 || true
    rb_rss=$(tail -n 1 "$out/runbook.rss")
  fi
  exports+=("$export_json")
  summaries+=("$(python3 - "$n" "$STEPS" "$export_json" "$(tail -n 1 "$out/ansible.rss")" "$rb_rss" "$note" \
    "$load_before" "$load_after" <<'PY'
import json, sys
n, steps, path, ans_rss, rb_rss, note, lb, la = sys.argv[1:9]
res = {r["command"]: r for r in json.load(open(path))["results"]}
def get(name): return res.get(name)
a = get(f"ansible {n} hosts x {steps} steps")
w = get(f"ansible {n} hosts x {steps} steps, warm masters")
r = get(f"runbook {n} hosts x {steps} steps")
s = {"hosts": int(n), "steps": int(steps),
     "ansible_mean_s": a["mean"], "ansible_stddev_s": a["stddev"],
     "ansible_warm_mean_s": w["mean"], "ansible_warm_stddev_s": w["stddev"],
     "ansible_peak_rss_kib": int(ans_rss or 0),
     "runbook_mean_s": r["mean"] if r else None, "runbook_stddev_s": r["stddev"] if r else None,
     "runbook_peak_rss_kib": int(rb_rss) if rb_rss else None,
     "ratio_ansible_over_runbook": a["mean"] / r["mean"] if r else None,
     "runbook_note": note or None, "load_before": lb, "load_after": la}
print(json.dumps(s))
PY
)")
  bash "$tmp/close-masters.sh"
  bash bench/sshd-hosts.sh stop "$HOSTS_DIR"
  HOSTS_DIR=""
done

python3 - "$BENCH_OUT/ssh.json" "${#exports[@]}" "${exports[@]}" "${summaries[@]}" <<'PY'
import json, sys
out, k = sys.argv[1], int(sys.argv[2])
exports, summaries = sys.argv[3:3 + k], [json.loads(s) for s in sys.argv[3 + k:]]
results = [r for p in exports for r in json.load(open(p))["results"]]
json.dump({"results": results, "summary": summaries}, open(out, "w"), indent=2)
print()
print(f"{'hosts x steps':14} {'ansible s':>10} {'warm s':>8} {'runbook s':>10} {'ansible/runbook':>16} {'rb peak RSS':>12} {'ans peak RSS':>13}")
for s in summaries:
    rb = f"{s['runbook_mean_s']:10.2f}" if s["runbook_mean_s"] else f"{'-':>10}"
    ratio = f"{s['ratio_ansible_over_runbook']:15.2f}x" if s["ratio_ansible_over_runbook"] else f"{'-':>16}"
    rss = f"{s['runbook_peak_rss_kib'] / 1024:9.0f} MiB" if s["runbook_peak_rss_kib"] else f"{'-':>12}"
    print(f"{s['hosts']:>5} x {s['steps']:<6} {s['ansible_mean_s']:10.2f} {s['ansible_warm_mean_s']:8.2f} {rb} {ratio} {rss}"
          f" {s['ansible_peak_rss_kib'] / 1024:9.0f} MiB")
for s in summaries:
    if s["runbook_note"]:
        print(f"note ({s['hosts']} hosts): {s['runbook_note']}")
print(f"results: {out}")
PY
