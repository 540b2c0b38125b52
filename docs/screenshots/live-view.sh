#!/usr/bin/env bash
# live-view.sh: the live console view as a terminal shows it, captured with tmux (colours kept as ANSI escapes).
# Runs examples/wait-and-monitor.yml in a 120x30 tmux window, captures the screen in the middle of the monitor
# window (the status line with its elapsed time, progress bar and tick) and again once the run has ended (the
# coloured summary), and writes both to docs/screenshots/live-view.txt. `cat` the file in a terminal to see it.
#
#   docs/screenshots/live-view.sh            # needs tmux and python3 (the example's throwaway web server)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$root/docs/screenshots/live-view.txt"
command -v tmux >/dev/null || { echo "live-view.sh: needs tmux (apt-get install tmux)" >&2; exit 127; }

tmp=$(mktemp -d)
session="runbook-live-view-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# build the jar first (the launcher does when it is stale), so that the capture does not see Maven
"$root/runbook" --version >/dev/null

tmux new-session -d -s "$session" -x 120 -y 30 \
  "env -u CI -u NO_COLOR TERM=xterm-256color '$root/runbook' exec '$root/examples/wait-and-monitor.yml' \
     --state-dir '$tmp/state' --set port=${PORT:-8797} --set workdir='$tmp/www' --set watch_for=12s; \
   echo; echo '[exit '\$?']'; sleep 600"

capture() { tmux capture-pane -p -e -t "$session"; }

sleep "${MIDWAY:-8}"
during=$(capture)
for _ in $(seq 1 120); do
  capture | grep -q '^\[exit ' && break
  sleep 0.5
done
after=$(capture)

{
  printf '%s\n' "----- during the monitor window -----"
  printf '%s\n' "$during" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  printf '%s\n' "----- at the end -----"
  printf '%s\n' "$after" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
} >"$out"
echo "wrote $out"
