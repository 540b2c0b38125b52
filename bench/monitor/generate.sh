#!/usr/bin/env bash
# generate.sh N PORT FOR EVERY OUT: a runbook with N http facts (f1..fN, GET /hI.json on
# 127.0.0.1:PORT), one `monitor` step (for: FOR, every: EVERY) with one check per fact
# (facts.fI.status == 200), and a rollback_on trigger over facts.f1.elapsed that stays quiet.
set -euo pipefail
n=$1 port=$2 for=$3 every=$4 out=$5
{
  printf 'runbook: bench-monitor-%s\nversion: 1\nfacts:\n' "$n"
  for i in $(seq "$n"); do
    printf '  f%s: { http: { url: "http://127.0.0.1:%s/h%s.json", timeout: 2s } }\n' "$i" "$port" "$i"
  done
  printf 'rollback_on:\n  - name: slow\n    when: "facts.f1.elapsed > 5000"\n'
  printf 'steps:\n  - id: watch\n    monitor:\n      for: %s\n      every: %s\n      checks:\n' "$for" "$every"
  for i in $(seq "$n"); do
    printf '        - that: "facts.f%s.status == 200"\n' "$i"
  done
} > "$out"
