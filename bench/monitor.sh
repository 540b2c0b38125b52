#!/usr/bin/env bash
# Monitor benchmark: ~1,000 ticks of a `monitor` step with 5 HTTP facts against a local server,
# then the same with 1 fact: CPU time per tick of the runbook JVM, and its memory over the window.
#
#   bash bench/monitor.sh          (needs python3 and a JDK with jstat)
#
# A python3 http.server on 127.0.0.1 (a free port) serves h1.json..h5.json from a temp dir.
# bench/monitor/generate.sh writes runbooks with N = 5 and N = 1 http facts, a monitor step
# { for: FOR, every: EVERY, checks: one `facts.fI.status == 200` per fact } and a rollback_on
# trigger `facts.f1.elapsed > 5000` (quiet). Each runs as
#   java $JAVA_FLAGS -jar <copy of the jar> exec RB --state-dir TMP/state-N --quiet
# (java started directly, so $! is the JVM). While it runs, every POLL seconds the script reads the
# last `monitor.tick` number from the journal's tail and the JVM's utime+stime (/proc/PID/stat,
# clock ticks); every second its RSS (VmRSS). CPU per tick = CPU between the first sample that saw
# tick >= 1 and the first that saw the final tick, divided by the ticks between them: JVM start-up,
# parsing and shutdown are outside. At ticks ~100, ~500, ~1000 (and the last) it records RSS and
# jstat -gc (heap: young used, old used; jstat reads the JVM's perf-data file, no attach, so
# it costs the target no CPU). Prints a table; raw samples are kept in bench/out/monitor-N.tsv.
#
# Environment: FOR (default 40s: a tick takes ~35-40 ms of wall time at every: 20ms, so ~1,000 ticks), EVERY (20ms), POLL (0.1), JAVA_FLAGS (as the brief:
# -XX:TieredStopAtLevel=1 -XX:+UseSerialGC), RUNBOOK_JAR (default engine/target/runbook.jar;
# copied first, so a rebuild during the run changes nothing), FACTS ("5 1").
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

FOR=${FOR:-40s}
EVERY=${EVERY:-20ms}
POLL=${POLL:-0.1}
FACTS=${FACTS:-"5 1"}
read -r -a JFLAGS <<< "${JAVA_FLAGS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
command -v python3 >/dev/null || die "python3 is missing"
command -v jstat >/dev/null || say "no jstat: heap figures left out"
[ -f "$JAR" ] || die "no $JAR: build it (mvn -q -B -o package -DskipTests -pl engine)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/runbook-monitor-bench.XXXXXX")
srv=""
cleanup() { [ -z "$srv" ] || kill "$srv" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
if [ -z "${RUNBOOK_JAR:-}" ]; then
  "$BENCH_ROOT/runbook" --version >/dev/null   # the launcher rebuilds the jar when the sources are newer
fi
cp "$JAR" "$tmp/runbook.jar"
mkdir -p "$tmp/www" "$BENCH_OUT"
for i in 1 2 3 4 5; do printf '{"status":"ok","n":%s}\n' "$i" > "$tmp/www/h$i.json"; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/www" >"$tmp/server.log" 2>&1 &
srv=$!
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/h1.json')" 2>/dev/null && break
  sleep 0.1
done
hz=$(getconf CLK_TCK)

cpu_of() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); }
rss_of() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }
heap_of() {  # "eden_used_KB survivor_used_KB old_used_KB young_GCs" from jstat -gc
  command -v jstat >/dev/null || { echo "0 0 0 -"; return; }
  jstat -gc "$1" 2>/dev/null | awk 'NR==1 {for (i=1;i<=NF;i++) h[$i]=i} NR==2 {printf "%.0f %.0f %.0f %s\n", $h["EU"], $h["S0U"]+$h["S1U"], $h["OU"], $h["YGC"]}'
}
last_tick() {
  local j; j=$(ls "$1"/runs/*/journal.jsonl 2>/dev/null | head -1) || true
  [ -n "$j" ] || { echo 0; return; }
  tail -c 65536 "$j" | grep -o '"type":"monitor.tick","step":"watch","tick":[0-9]*' | tail -1 | grep -o '[0-9]*$' || echo 0
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=()
for n in $FACTS; do
  rb="$tmp/monitor-$n.yml" st="$tmp/state-$n" out="$BENCH_OUT/monitor-$n.tsv"
  bash bench/monitor/generate.sh "$n" "$port" "$FOR" "$EVERY" "$rb"
  say "$n fact(s): monitor for $FOR every $EVERY"
  t0=$(date +%s.%N)
  java "${JFLAGS[@]}" -jar "$tmp/runbook.jar" exec "$rb" --state-dir "$st" --quiet >"$tmp/exec-$n.log" 2>&1 &
  pid=$!
  printf 'secs\ttick\tcpu_clk\trss_kb\n' > "$out"
  first_tick="" first_cpu="" end_tick="" end_cpu="" prev_tick=0 last_rss_t=-1 rss_max=0 marks=""
  next_mark=100
  while kill -0 "$pid" 2>/dev/null; do
    c=$(cpu_of "$pid") || break
    t=$(last_tick "$st")
    now=$(date +%s.%N); secs=$(awk -v a="$now" -v b="$t0" 'BEGIN {printf "%.1f", a-b}')
    if [ -z "$first_tick" ] && [ "$t" -ge 1 ]; then first_tick=$t first_cpu=$c; fi
    if [ "$t" -gt "$prev_tick" ]; then end_tick=$t end_cpu=$c; prev_tick=$t; fi
    sec=${secs%.*}
    if [ "$sec" != "$last_rss_t" ]; then
      r=$(rss_of "$pid"); [ -n "$r" ] || break
      if [ "$r" -gt "$rss_max" ]; then rss_max=$r; fi
      printf '%s\t%s\t%s\t%s\n' "$secs" "$t" "$c" "$r" >> "$out"
      last_rss_t=$sec
    fi
    if [ "$t" -ge "$next_mark" ]; then
      r=$(rss_of "$pid"); h=$(heap_of "$pid")
      marks+="$t $r $h;"
      last_mark_tick=$t
      case $next_mark in 100) next_mark=500 ;; *) next_mark=$(( next_mark + 500 )) ;; esac
    fi
    sleep "$POLL"
  done
  wait "$pid" && rc=0 || rc=$?
  j=$(ls "$st"/runs/*/journal.jsonl)
  ticks=$(grep -c '"type":"monitor.tick"' "$j")
  facts=$(grep -c '"type":"fact.collected"' "$j")
  failed=$(grep '"type":"monitor.tick"' "$j" | grep -vc '"failed_in_a_row":0' || true)
  fired=$(grep '"type":"triggers.checked"' "$j" | grep -c '"fired"' || true)
  span=$(grep '"type":"monitor.tick"' "$j" | sed -n '1p;$p' | grep -o '"time":"[^"]*"' | cut -d'"' -f4 |
         python3 -c 'import sys,datetime as d; t=[d.datetime.fromisoformat(l.strip()[:26]) for l in sys.stdin]; print("%.2f" % (t[-1]-t[0]).total_seconds())')
  dt=$(( end_tick - first_tick ))
  ms=$(awk -v c=$(( end_cpu - first_cpu )) -v hz="$hz" -v d="$dt" 'BEGIN {printf "%.2f", c*1000/hz/d}')
  say "exit $rc; $ticks ticks ($failed failed), $facts facts collected, triggers fired: $fired"
  results+=("$n|$rc|$ticks|$facts|$span|$first_tick|$end_tick|$(( (end_cpu - first_cpu) * 1000 / hz ))|$ms|$rss_max|$marks")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

printf '\nnproc %s, load average before %s, after %s; JVM flags: %s\n' "$(nproc)" "$load_before" "$load_after" "${JFLAGS[*]}"
printf '\n| facts | exit | ticks | facts collected | tick span s | CPU window (ticks) | CPU ms | CPU ms/tick | RSS max MiB |\n|---:|---:|---:|---:|---:|---|---:|---:|---:|\n'
for r in "${results[@]}"; do
  IFS='|' read -r n rc ticks facts span ft et cms ms rmax marks <<< "$r"
  printf '| %s | %s | %s | %s | %s | %s-%s | %s | **%s** | %.1f |\n' "$n" "$rc" "$ticks" "$facts" "$span" "$ft" "$et" "$cms" "$ms" "$(awk -v k="$rmax" 'BEGIN{print k/1024}')"
done
printf '\nmemory at tick marks (MiB: RSS; heap eden used / survivor used / old used, and young GCs so far, jstat -gc):\n'
for r in "${results[@]}"; do
  IFS='|' read -r n _ _ _ _ _ _ _ _ _ marks <<< "$r"
  printf '  %s fact(s):' "$n"
  IFS=';' read -r -a ms_ <<< "$marks"
  for m in "${ms_[@]}"; do
    read -r t r e sv o g <<< "$m"
    awk -v t="$t" -v r="$r" -v e="$e" -v sv="$sv" -v o="$o" -v g="$g" 'BEGIN {printf "  tick %d: RSS %.1f, heap %.1f / %.2f / %.2f, %s GCs;", t, r/1024, e/1024, sv/1024, o/1024, g}'
  done
  printf '\n'
done
