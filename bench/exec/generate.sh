#!/usr/bin/env bash
# generate.sh N DIR: writes the inputs of bench/exec.sh for N trivial local steps:
#   DIR/runbook-N.yml    a runbook of N `run: /bin/true` steps (local target, the default)
#   DIR/playbook-N.yml   an Ansible play of N `command: /bin/true` tasks on localhost
#                        (connection: local, gather_facts: false)
# Both are generated rather than committed: they are N copies of one step.
set -euo pipefail
n=${1:?usage: generate.sh N DIR}
dir=${2:?usage: generate.sh N DIR}
mkdir -p "$dir"
{
  printf 'runbook: exec-%s-steps\nversion: 1\nsteps:\n' "$n"
  for ((i = 1; i <= n; i++)); do
    printf '  - id: s%03d\n    run: /bin/true\n' "$i"
  done
} >"$dir/runbook-$n.yml"
{
  printf -- '- name: %s trivial tasks\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n' "$n"
  for ((i = 1; i <= n; i++)); do
    printf '    - name: s%03d\n      command: /bin/true\n' "$i"
  done
} >"$dir/playbook-$n.yml"
