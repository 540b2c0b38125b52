#!/usr/bin/env bash
# html-report.sh: the HTML run report (`runbook exec --html`) of a representative run, and its screenshot in
# headless Chromium. Runs docs/screenshots/html-report.yml (a canary release watched by a monitor check and a
# rollback trigger) against a throwaway local web server whose answers get slower after a few requests: the check
# fails, then the trigger fires and the release is rolled back. Writes docs/screenshots/html-report.html and
# docs/screenshots/html-report.png (1280x1600).
#
#   docs/screenshots/html-report.sh          # needs python3 (the web server) and chromium (apt-get install chromium)
#   RUNBOOK_JAR=/path/runbook.jar docs/screenshots/html-report.sh    # with a jar built elsewhere
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/docs/screenshots"
html="$here/html-report.html"
png="$here/html-report.png"
port=${PORT:-8798}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || { echo "html-report.sh: needs chromium (apt-get install chromium)" >&2; exit 127; }
command -v python3 >/dev/null || { echo "html-report.sh: needs python3" >&2; exit 127; }

tmp=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$tmp" /tmp/runbook-html-report' EXIT

# the service: GET / answers 200 in 40-120 ms for its first 8 requests, then 110 ms slower at each request
cat >"$tmp/server.py" <<'PY'
import http.server, random, sys, time
random.seed(7)
count = 0
class Slowing(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        count += 1
        time.sleep((random.randint(40, 120) if count <= 8 else 90 + (count - 8) * 110) / 1000)
        body = b"release 2\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Slowing).serve_forever()
PY
python3 "$tmp/server.py" "$port" &
server=$!
for _ in $(seq 1 50); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done

# build the jar first (the launcher does when it is stale), then the run: exit 1, rolled back by the trigger
"$root/runbook" --version >/dev/null
set +e
"$root/runbook" exec "$here/html-report.yml" --state-dir "$tmp/state" --set port="$port" --no-color \
  --html "$html"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "html-report.sh: expected the run to roll back (exit 1), got exit $code" >&2; exit 1; }

"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/chromium" \
  --screenshot="$png" --window-size=1280,1600 "file://$html" 2>"$tmp/chromium.log" \
  || { cat "$tmp/chromium.log" >&2; exit 1; }
echo "wrote $html"
echo "wrote $png"
