#!/usr/bin/env bash
# A real Docker engine for tests and benchmarks: its own dockerd (and the containerd it starts), every file of it
# under one DIR, no bridge, no iptables (containers use `network_mode: host`, or none), plus two tiny test images.
#
#   bench/dockerd.sh start DIR            (as root; docker.io and busybox-static must be installed)
#   bench/dockerd.sh stop DIR
#   bench/dockerd.sh images HOST [V...]   (re)builds runbook-test/busybox:V (default: 1 2) in the engine at HOST
#
# start: runs
#   dockerd --bridge=none --iptables=false --ip-masq=false --data-root DIR/data --exec-root DIR/exec
#           -H unix://DIR/docker.sock --pidfile DIR/docker.pid           (log: DIR/dockerd.log)
# waits until `docker version` answers (at most 60 s), builds the test images (see `images`) and writes:
#   DIR/env     `export RUNBOOK_TEST_DOCKER_HOST=unix://DIR/docker.sock`, RUNBOOK_TEST_DOCKER_TLS_HOST (the same engine
#               on tcp://127.0.0.1:TLS_PORT, 23760, client certificates required) and RUNBOOK_TEST_DOCKER_CERTS (the
#               client's ca.pem, cert.pem, key.pem) (source it). DOCKER_HOST is NOT set:
#               a test names the engine it uses explicitly.
#   DIR/rootfs  the busybox root file system the images are made of
# Starting again into a DIR whose dockerd runs stops it first (its data, images included, is kept).
# Unix sockets live under DIR (DIR/docker.sock, DIR/exec/containerd/containerd.sock.ttrpc): DIR must be short
# (a socket path has at most 107 bytes); /tmp/runbook-ci.XXXXXX/docker is.
#
# images: `docker import` of a busybox-static root file system (/bin/busybox and a link per applet, /etc/passwd,
# /tmp, /www/health), one image per version V:
#   runbook-test/busybox:V   /www/health = "vV" (no newline), ENV VERSION=V, LABEL dev.runbook.test.version=V,
#                            CMD ["/bin/sh"]; so :1 and :2 have different image ids.
# e.g. `httpd -f -p 127.0.0.1:PORT -h /www` in it serves http://127.0.0.1:PORT/health = v1 (with network_mode host).
#
# stop: stops every container of the engine (docker stop -t 5), then dockerd by its pid file (SIGTERM; SIGKILL
# after 30 s) and waits until it and its containerd have exited; kills shims of DIR's containerd that are left,
# and unmounts what is still mounted under DIR. DIR itself is left alone.
#
# Environment: DOCKERD (default: dockerd on PATH), DOCKER (the client, default: docker on PATH), BUSYBOX
# (default /bin/busybox, must be static). DOCKER_API_VERSION defaults to 1.41 (Debian 12's engine is 20.10:
# a newer client, e.g. 28, would otherwise refuse it or need to negotiate).
set -euo pipefail

DOCKERD=${DOCKERD:-dockerd}
DOCKER=${DOCKER:-docker}
BUSYBOX=${BUSYBOX:-/bin/busybox}
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41}
IMAGE=runbook-test/busybox
START_TIMEOUT=60
TLS_PORT=${TLS_PORT:-23760}   # the TCP+TLS listener on 127.0.0.1
REGISTRY_PORT=${REGISTRY_PORT:-5055}   # the registry on 127.0.0.1

say() { printf 'dockerd: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { die "usage: $0 start DIR | stop DIR | images HOST [VERSION...]"; }

# dk HOST ARGS...: the docker client against HOST (and no other engine).
dk() {
  local host=$1
  shift
  DOCKER_HOST=$host DOCKER_CONTEXT='' "$DOCKER" "$@"
}

# dockerd_pid DIR: the pid of DIR's dockerd if it runs (the pid file's process, if it is a dockerd of DIR).
dockerd_pid() {
  local pid
  [ -f "$1/docker.pid" ] || return 1
  pid=$(tr -dc '0-9' <"$1/docker.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "dockerd.*--pidfile $1/docker.pid" || return 1
  echo "$pid"
}

alive() { # alive PID: runs and is not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_gone SECONDS PID...: until none of them is alive; 1 if some still are then.
wait_gone() {
  local limit=$1 t=0 p
  shift
  while :; do
    local any=""
    for p in "$@"; do alive "$p" && any=1; done
    [ -z "$any" ] && return 0
    t=$((t + 1))
    [ "$t" -le $((limit * 10)) ] || return 1
    sleep 0.1
  done
}

# shims DIR: pids of containerd shims started by DIR's containerd (their argv names its socket).
shims() {
  local sock="$1/exec/containerd/containerd.sock" f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    tr '\0' ' ' <"$f" 2>/dev/null | grep -q "^[^ ]*containerd-shim[^ ]* .*-address $sock " && echo "$pid"
  done
  return 0
}

# start_registry DIR: Debian's docker-registry (the Distribution registry) on 127.0.0.1:REGISTRY_PORT, its storage
# under DIR/registry, no auth: loopback registries are the engine's insecure (plain HTTP) ones by default. Optional:
# without the program, no registry (RUNBOOK_TEST_REGISTRY stays unset).
start_registry() {
  local dir=$1 t=0
  command -v docker-registry >/dev/null 2>&1 || return 0
  mkdir -p "$dir/registry"
  printf '%s\n' "version: 0.1" "log: { level: error }" \
    "storage: { filesystem: { rootdirectory: $dir/registry }, delete: { enabled: true } }" \
    "http: { addr: \"127.0.0.1:$REGISTRY_PORT\" }" >"$dir/registry.yml"
  setsid docker-registry serve "$dir/registry.yml" </dev/null >>"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  until (exec 3<>"/dev/tcp/127.0.0.1/$REGISTRY_PORT") 2>/dev/null; do
    t=$((t + 1))
    [ "$t" -le 100 ] || die "the registry of $dir does not listen on 127.0.0.1:$REGISTRY_PORT (log: $dir/registry.log)"
    sleep 0.1
  done
  echo "export RUNBOOK_TEST_REGISTRY=127.0.0.1:$REGISTRY_PORT" >>"$dir/env"
}

stop_registry() {
  local pid
  [ -f "$1/registry.pid" ] || return 0
  pid=$(cat "$1/registry.pid")
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone 10 "$pid" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1/registry.pid"
}

stop_dir() {
  local dir=$1 pid host="unix://$1/docker.sock" kids=() ids left
  stop_registry "$dir"
  if pid=$(dockerd_pid "$dir"); then
    ids=$(dk "$host" ps -q 2>/dev/null || true)
    if [ -n "$ids" ]; then
      # shellcheck disable=SC2086
      dk "$host" stop -t 5 $ids >/dev/null || say "some containers of $dir did not stop"
    fi
    mapfile -t kids < <(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ')
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone 30 "$pid"; then
      say "dockerd $pid of $dir still runs 30 s after SIGTERM: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone 10 "$pid" || die "dockerd $pid of $dir survives SIGKILL"
    fi
    if [ "${#kids[@]}" -gt 0 ] && ! wait_gone 15 "${kids[@]}"; then
      say "containerd of $dir (${kids[*]}) still runs after dockerd exited: SIGKILL"
      kill -KILL "${kids[@]}" 2>/dev/null || true
      wait_gone 10 "${kids[@]}" || true
    fi
  fi
  # Shims outlive containerd only when their container did not stop.
  mapfile -t left < <(shims "$dir")
  if [ "${#left[@]}" -gt 0 ]; then
    say "killing shims left by $dir: ${left[*]}"
    kill -KILL "${left[@]}" 2>/dev/null || true
    wait_gone 10 "${left[@]}" || true
  fi
  # Mounts left under DIR (overlays, netns) by a dockerd that did not exit cleanly: innermost first.
  local m
  while read -r m; do
    [ -n "$m" ] && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "cannot unmount $m"; }
  done < <(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  rm -f "$dir/docker.pid" "$dir/docker.sock"
}

check_busybox() {
  local out
  [ -x "$BUSYBOX" ] || die "no $BUSYBOX: apt-get install busybox-static"
  out=$(LC_ALL=C ldd "$BUSYBOX" 2>&1 || true)
  [[ "$out" == *"not a dynamic executable"* ]] || die "$BUSYBOX is not statically linked: apt-get install busybox-static"
}

# make_rootfs DIR: a busybox root file system in DIR (rebuilt from scratch), /www/health left to the caller.
make_rootfs() {
  local root=$1
  check_busybox
  rm -rf "$root"
  mkdir -p "$root"/{bin,etc,dev,proc,sys,root,www}
  install -d -m 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  local a
  for a in $("$BUSYBOX" --list); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

build_images() {
  local host=$1 root=$2 v old new
  shift 2
  [ $# -gt 0 ] || set -- 1 2
  make_rootfs "$root"
  for v in "$@"; do
    [[ "$v" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "bad version '$v'"
    printf 'v%s' "$v" >"$root/www/health"
    old=$(dk "$host" image inspect --format '{{.Id}}' "$IMAGE:$v" 2>/dev/null || true)
    tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
      dk "$host" import -m "runbook test image $v" \
        -c "ENV VERSION=$v" -c "LABEL dev.runbook.test.version=$v" -c 'CMD ["/bin/sh"]' \
        - "$IMAGE:$v" >/dev/null
    new=$(dk "$host" image inspect --format '{{.Id}}' "$IMAGE:$v")
    # The image this tag named before, now untagged: removed unless a container still uses it.
    if [ -n "$old" ] && [ "$old" != "$new" ]; then
      dk "$host" image rm "$old" >/dev/null 2>&1 || true
    fi
    say "$IMAGE:$v = $new in $host"
  done
}

# make_tls DIR: a CA, a server certificate for 127.0.0.1 and a client certificate (DIR/client: ca.pem,
# cert.pem, key.pem, as DOCKER_CERT_PATH wants them), made with openssl, valid for 2 days.
make_tls() {
  local d=$1
  rm -rf "$d" && mkdir -p "$d/client"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca-key.pem -out ca.pem \
      -days 2 -subj "/CN=runbook-test-ca"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server-key.pem -out server.csr \
      -subj "/CN=127.0.0.1"
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server-cert.pem -days 2 \
      -extfile server.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client/key.pem -out client.csr \
      -subj "/CN=runbook-test-client"
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem -days 2 \
      -extfile client.ext
    cp ca.pem client/ca.pem
  ) >/dev/null 2>&1 || die "openssl could not make the TLS certificates in $d"
  chmod 600 "$d"/*key.pem "$d/client/key.pem"
}

start_dir() {
  local dir=$1
  [ "$(id -u)" -eq 0 ] || die "must run as root (dockerd does)"
  command -v "$DOCKERD" >/dev/null 2>&1 || die "no $DOCKERD: apt-get install docker.io"
  command -v "$DOCKER" >/dev/null 2>&1 || die "no $DOCKER client: apt-get install docker.io"
  check_busybox
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local longest="$dir/exec/containerd/containerd.sock.ttrpc"
  [ "${#longest}" -le 107 ] || die "$dir is too long for unix sockets under it ($longest: ${#longest} > 107 bytes)"
  stop_dir "$dir"
  mkdir -p "$dir/data" "$dir/exec"
  local host="unix://$dir/docker.sock"
  make_tls "$dir/tls"

  # Detached from this shell (its own session), so that the caller's end or Ctrl-C does not take it down.
  # Also on TCP with TLS (client certificates required) on loopback, for the tests of TLS engines.
  setsid "$DOCKERD" --bridge=none --iptables=false --ip-masq=false \
    --data-root "$dir/data" --exec-root "$dir/exec" -H "$host" --pidfile "$dir/docker.pid" \
    -H "tcp://127.0.0.1:$TLS_PORT" --tlsverify --tlscacert "$dir/tls/ca.pem" \
    --tlscert "$dir/tls/server-cert.pem" --tlskey "$dir/tls/server-key.pem" \
    </dev/null >>"$dir/dockerd.log" 2>&1 &
  local launcher=$! t=0
  until dk "$host" version >/dev/null 2>&1; do
    t=$((t + 1))
    if ! alive "$launcher" && ! dockerd_pid "$dir" >/dev/null; then
      tail -n 30 "$dir/dockerd.log" >&2 || true
      die "dockerd of $dir exited (log: $dir/dockerd.log)"
    fi
    if [ "$t" -gt $((START_TIMEOUT * 5)) ]; then
      tail -n 30 "$dir/dockerd.log" >&2 || true
      stop_dir "$dir" || true
      die "dockerd of $dir does not answer after ${START_TIMEOUT}s (log: $dir/dockerd.log)"
    fi
    sleep 0.2
  done

  build_images "$host" "$dir/rootfs"

  cat >"$dir/env" <<EOF
export RUNBOOK_TEST_DOCKER_HOST=$host
export RUNBOOK_TEST_DOCKER_TLS_HOST=tcp://127.0.0.1:$TLS_PORT
export RUNBOOK_TEST_DOCKER_CERTS=$dir/tls/client
EOF
  start_registry "$dir"
  say "engine $(dk "$host" version --format '{{.Server.Version}}') (pid $(dockerd_pid "$dir")) at $host; source $dir/env"
}

[ $# -ge 2 ] || usage
case $1 in
  start) [ $# -eq 2 ] || usage; start_dir "$2" ;;
  stop) [ $# -eq 2 ] || usage; [ -d "$2" ] || exit 0; stop_dir "$(cd "$2" && pwd)" ;;
  images)
    host=$2
    shift 2
    dk "$host" version >/dev/null || die "no engine answers at $host"
    tmp=$(mktemp -d /tmp/rb-dockerd-rootfs.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    build_images "$host" "$tmp/rootfs" "$@"
    ;;
  *) usage ;;
esac
