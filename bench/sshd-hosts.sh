#!/usr/bin/env bash
# Real OpenSSH "hosts" on loopback for tests and benchmarks: N addresses 127.0.1.1 .. 127.0.1.N
# (all routed to `lo` on Linux), port 2222, one user `rbtest`, one client key.
#
#   bench/sshd-hosts.sh start DIR N [FIRST_ADDRESS]   (as root; openssh-server must be installed)
#   bench/sshd-hosts.sh stop DIR
#
# start: creates (idempotently) the user rbtest (shell /bin/sh, home /home/rbtest, password
# field `*`: no password login, but not locked with `!`, which OpenSSH refuses even for keys
# when UsePAM is off), a client key pair DIR/id_ed25519 (no passphrase, root-only) that it
# appends to ~rbtest/.ssh/authorized_keys, and starts ceil(N/16) sshd processes (at most 16
# ListenAddress lines each), each with its own host key, `/usr/sbin/sshd -f DIR/sshd-K.conf`,
# then waits until every address answers and writes:
#   DIR/known_hosts       `[127.0.1.K]:2222 ssh-ed25519 ...`, one line per host (ssh-keyscan)
#   DIR/hosts             one address per line
#   DIR/env               `export` lines (source it): RUNBOOK_TEST_SSH_HOSTS (space separated),
#                         RUNBOOK_TEST_SSH_PORT, RUNBOOK_TEST_SSH_USER, RUNBOOK_TEST_SSH_KEY,
#                         RUNBOOK_TEST_SSH_KNOWN_HOSTS, RUNBOOK_TEST_SSHD, RUNBOOK_TEST_SSH_DIR,
#                         RUNBOOK_TEST_SSH_FORWARDING_HOST (the last host: the one whose sshd
#                         allows local forwarding, `AllowTcpForwarding local`; the others
#                         forward nothing, as hardened servers do)
#   DIR/sshd_common.conf  the options every sshd of DIR shares (OpenSshHosts.startExtra in the
#                         tests adds HostKey, ListenAddress and PidFile to it for one more sshd)
#   DIR/ssh_host_ed25519_key(.pub)  the host key of the first sshd (extra sshds reuse it)
#   DIR/sshd-K.conf, DIR/sshd-K.pid, DIR/sshd-K.log, DIR/hostkey-K(.pub)   per sshd process
# Starting again into a DIR whose sshds run stops them first (keys are kept).
#
# stop: kills the sshds of DIR (by their pid files) and every process they forked (one per
# connection, and the commands running in it), and removes DIR's key from authorized_keys.
# DIR itself is left alone.
#
# Environment: SSHD (default /usr/sbin/sshd), SSH_PORT (default 2222), SSH_USER (default rbtest).
set -euo pipefail

SSHD=${SSHD:-/usr/sbin/sshd}
PORT=${SSH_PORT:-2222}
USER_NAME=${SSH_USER:-rbtest}
PER_PROCESS=16

say() { printf 'sshd-hosts: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() { die "usage: $0 start DIR N [FIRST_ADDRESS] | stop DIR"; }

# addr_add A K: the IPv4 address K after A (127.0.1.254 + 1 = 127.0.1.255, + 2 = 127.0.2.0 ...).
addr_add() {
  local IFS=. a b c d n
  read -r a b c d <<<"$1"
  n=$(((a << 24) + (b << 16) + (c << 8) + d + $2))
  printf '%d.%d.%d.%d\n' $(((n >> 24) & 255)) $(((n >> 16) & 255)) $(((n >> 8) & 255)) $((n & 255))
}

# answers ADDR: an SSH server greets on ADDR:PORT.
answers() {
  local banner
  banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2" && head -c 4 <&3' _ "$1" "$PORT" 2>/dev/null) || return 1
  [ "$banner" = "SSH-" ]
}

# kill_tree SIG PID: PID and every descendant, the listener first stopped so it forks no more.
kill_tree() {
  local sig=$1 pid=$2 all=() queue=("$2") p c
  kill -STOP "$pid" 2>/dev/null || return 0
  while [ "${#queue[@]}" -gt 0 ]; do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    all+=("$p")
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do
      kill -STOP "$c" 2>/dev/null || true
      queue+=("$c")
    done
  done
  kill "-$sig" "${all[@]}" 2>/dev/null || true
  kill -CONT "${all[@]}" 2>/dev/null || true
}

ensure_user() {
  local home=/home/$USER_NAME
  if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir "$home" --shell /bin/sh --user-group "$USER_NAME"
  fi
  home=$(getent passwd "$USER_NAME" | cut -d: -f6)
  [ "$(getent passwd "$USER_NAME" | cut -d: -f7)" = /bin/sh ] || usermod --shell /bin/sh "$USER_NAME"
  # `*`: no password matches, yet the account is not locked (`!`), so public keys work with UsePAM no.
  usermod --password '*' "$USER_NAME"
  # StrictModes: home and ~/.ssh owned by the user and not writable by others, the keys file 600.
  install -d -m 755 -o "$USER_NAME" -g "$USER_NAME" "$home"
  install -d -m 700 -o "$USER_NAME" -g "$USER_NAME" "$home/.ssh"
  [ -f "$home/.ssh/authorized_keys" ] || install -m 600 -o "$USER_NAME" -g "$USER_NAME" /dev/null "$home/.ssh/authorized_keys"
  chown "$USER_NAME:$USER_NAME" "$home/.ssh/authorized_keys"
  chmod 600 "$home/.ssh/authorized_keys"
  # A quiet, fast login: no motd or last-login notes (also off in sshd's config).
  touch "$home/.hushlogin"
  chown "$USER_NAME:$USER_NAME" "$home/.hushlogin"
  AUTH_KEYS=$home/.ssh/authorized_keys
}

# authorize PUBKEY_FILE: appends the key to authorized_keys unless it is there (under a lock:
# several DIRs may start at once).
authorize() {
  local key
  key=$(cut -d' ' -f1,2 "$1")
  (
    flock 9
    grep -qF "$key" "$AUTH_KEYS" || printf '%s\n' "$(cat "$1")" >>"$AUTH_KEYS"
  ) 9>>"$AUTH_KEYS.lock"
}

# unauthorize PUBKEY_FILE: removes the key from authorized_keys.
unauthorize() {
  local home key
  home=$(getent passwd "$USER_NAME" | cut -d: -f6) || return 0
  AUTH_KEYS=$home/.ssh/authorized_keys
  [ -f "$AUTH_KEYS" ] && [ -f "$1" ] || return 0
  key=$(cut -d' ' -f1,2 "$1")
  (
    flock 9
    grep -vF "$key" "$AUTH_KEYS" >"$AUTH_KEYS.new" || true
    chown "$USER_NAME:$USER_NAME" "$AUTH_KEYS.new"
    chmod 600 "$AUTH_KEYS.new"
    mv "$AUTH_KEYS.new" "$AUTH_KEYS"
  ) 9>>"$AUTH_KEYS.lock"
}

stop_dir() {
  local dir=$1 f pid
  shopt -s nullglob
  for f in "$dir"/sshd-*.pid; do
    pid=$(cat "$f" 2>/dev/null || true)
    # Only a process that is an sshd of this DIR's config: a pid file may be stale.
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-f ${f%.pid}.conf"; then
      kill_tree KILL "$pid"
    fi
    rm -f "$f"
  done
  shopt -u nullglob
  unauthorize "$dir/id_ed25519.pub"
}

start_dir() {
  local dir=$1 n=$2 first=${3:-127.0.1.1}
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$n'"
  [ "$(id -u)" -eq 0 ] || die "must run as root (it creates the user $USER_NAME and runs sshd)"
  [ -x "$SSHD" ] || die "no $SSHD: apt-get install openssh-server"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  stop_dir "$dir"
  ensure_user
  mkdir -p /run/sshd
  chmod 755 /run/sshd

  # The client key: root's alone (the JVM and ssh run as root).
  [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "runbook-test@$dir" -f "$dir/id_ed25519"
  chown root:root "$dir/id_ed25519" "$dir/id_ed25519.pub"
  chmod 600 "$dir/id_ed25519"
  chmod 644 "$dir/id_ed25519.pub"
  authorize "$dir/id_ed25519.pub"

  cat >"$dir/sshd_common.conf" <<EOF
# Written by bench/sshd-hosts.sh: the options every sshd of $dir shares.
Port $PORT
AddressFamily inet
AllowUsers $USER_NAME
PermitRootLogin no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
HostbasedAuthentication no
MaxStartups 500
MaxSessions 20
MaxAuthTries 6
LoginGraceTime 30
UseDNS no
PrintMotd no
PrintLastLog no
Banner none
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
PermitUserEnvironment no
Compression no
ClientAliveInterval 0
LogLevel INFO
Subsystem sftp internal-sftp
EOF

  local procs=$(((n + PER_PROCESS - 1) / PER_PROCESS)) k i addr addrs=()
  for ((i = 0; i < n; i++)); do addrs+=("$(addr_add "$first" "$i")"); done
  for addr in "${addrs[@]}"; do
    ! answers "$addr" || die "something answers on $addr:$PORT already (another DIR's sshd?): stop it or choose another FIRST_ADDRESS"
  done
  for ((k = 1; k <= procs; k++)); do
    [ -f "$dir/hostkey-$k" ] || ssh-keygen -q -t ed25519 -N '' -C "runbook-test-host-$k" -f "$dir/hostkey-$k"
    chmod 600 "$dir/hostkey-$k"
    {
      cat "$dir/sshd_common.conf"
      echo "HostKey $dir/hostkey-$k"
      echo "PidFile $dir/sshd-$k.pid"
      for ((i = (k - 1) * PER_PROCESS; i < n && i < k * PER_PROCESS; i++)); do
        echo "ListenAddress ${addrs[i]}:$PORT"
      done
      # The last host forwards what a client asks for locally (ssh -L), the others nothing (hardened).
      echo "Match LocalAddress ${addrs[n - 1]}"
      echo "  AllowTcpForwarding local"
    } >"$dir/sshd-$k.conf"
    "$SSHD" -t -f "$dir/sshd-$k.conf" || die "sshd rejects $dir/sshd-$k.conf"
  done
  cp "$dir/hostkey-1" "$dir/ssh_host_ed25519_key"
  cp "$dir/hostkey-1.pub" "$dir/ssh_host_ed25519_key.pub"
  chmod 600 "$dir/ssh_host_ed25519_key"

  for ((k = 1; k <= procs; k++)); do
    # Daemonizes; logs to the file (no syslog in a container), writes sshd-K.pid.
    "$SSHD" -f "$dir/sshd-$k.conf" -E "$dir/sshd-$k.log"
  done

  local t
  for addr in "${addrs[@]}"; do
    t=0
    until answers "$addr"; do
      t=$((t + 1))
      [ "$t" -le 100 ] || { cat "$dir"/sshd-*.log >&2 || true; die "no sshd answers on $addr:$PORT after 20s"; }
      sleep 0.2
    done
  done

  # known_hosts: each host's key as the client asks for it, [ADDR]:PORT.
  : >"$dir/known_hosts.new"
  for ((k = 1; k <= procs; k++)); do
    for ((i = (k - 1) * PER_PROCESS; i < n && i < k * PER_PROCESS; i++)); do
      printf '[%s]:%s %s\n' "${addrs[i]}" "$PORT" "$(cut -d' ' -f1,2 "$dir/hostkey-$k.pub")" >>"$dir/known_hosts.new"
    done
  done
  # ...and check that what the servers present is what was written.
  ssh-keyscan -T 5 -t ed25519 -p "$PORT" "${addrs[@]}" 2>/dev/null | sort >"$dir/keyscan"
  sort "$dir/known_hosts.new" | cmp -s - "$dir/keyscan" ||
    { diff <(sort "$dir/known_hosts.new") "$dir/keyscan" >&2 || true; die "ssh-keyscan disagrees with the host keys written"; }
  rm -f "$dir/keyscan"
  mv "$dir/known_hosts.new" "$dir/known_hosts"
  chmod 644 "$dir/known_hosts"
  printf '%s\n' "${addrs[@]}" >"$dir/hosts"

  cat >"$dir/env" <<EOF
export RUNBOOK_TEST_SSH_HOSTS="${addrs[*]}"
export RUNBOOK_TEST_SSH_PORT=$PORT
export RUNBOOK_TEST_SSH_USER=$USER_NAME
export RUNBOOK_TEST_SSH_KEY=$dir/id_ed25519
export RUNBOOK_TEST_SSH_KNOWN_HOSTS=$dir/known_hosts
export RUNBOOK_TEST_SSHD=$SSHD
export RUNBOOK_TEST_SSH_DIR=$dir
export RUNBOOK_TEST_SSH_FORWARDING_HOST=${addrs[n - 1]}
EOF
  say "$n hosts ${addrs[0]} .. ${addrs[n - 1]}:$PORT ($procs sshd processes) for $USER_NAME; source $dir/env"
}

[ $# -ge 2 ] || usage
case $1 in
  start) [ $# -ge 3 ] && [ $# -le 4 ] || usage; start_dir "$2" "$3" "${4:-}" ;;
  stop) [ $# -eq 2 ] || usage; [ -d "$2" ] || exit 0; stop_dir "$(cd "$2" && pwd)" ;;
  *) usage ;;
esac
