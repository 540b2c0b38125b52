#!/usr/bin/env bash
# The rehearsal stack of runbooks/production.yml: a stand-in of the seed ticket's Rails app on Docker Compose,
# with real parts (OpenSSH loopback host, Docker engine, PostgreSQL, Redis). See README.md beside this file.
#
#   stack.sh image                       build the runtime base image runbook-rehearsal/runtime:1 (docker import)
#   stack.sh up DIR [options]            make a stack in DIR (root; reads RUNBOOK_TEST_* of the test servers)
#   stack.sh down DIR                    remove it (idempotent)
#   stack.sh checksum DIR                per table: name, rows, md5 of the rows; and schema_migrations max(version)
#   stack.sh version DIR                 what GET /version of the running web answers
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAGE=runbook-rehearsal/runtime:1
JDK=${REHEARSAL_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
MODULES=java.base,java.sql,java.naming,java.management,java.security.jgss
BEHAVIOURS="healthy slow agents-offline broken-migration broken-down"
APP_USER=${RUNBOOK_TEST_SSH_USER:-rbtest}

die() { echo "stack.sh: $*" >&2; exit 1; }
log() { echo "stack.sh: $*" >&2; }

usage() {
    cat >&2 <<'EOF'
usage:
  stack.sh image
  stack.sh up DIR [--release healthy|slow|agents-offline|broken-migration|broken-down]
                  [--slow-after SECONDS] [--host 127.0.1.N] [--port PORT] [--db NAME] [--redis-db N]
  stack.sh down DIR
  stack.sh checksum DIR
  stack.sh version DIR
Environment: RUNBOOK_TEST_DOCKER_HOST (or DOCKER_HOST), RUNBOOK_TEST_POSTGRES_URL, RUNBOOK_TEST_POSTGRES_LOG,
RUNBOOK_TEST_REDIS_URL, RUNBOOK_TEST_SSH_{HOSTS,PORT,USER,KEY,KNOWN_HOSTS} (bash .ci/run with-servers bash: a shell with them).
EOF
    exit 2
}

docker_host() {
    local h=${RUNBOOK_TEST_DOCKER_HOST:-${DOCKER_HOST:-}}
    [ -n "$h" ] || die "set RUNBOOK_TEST_DOCKER_HOST or DOCKER_HOST (the Docker engine to use)"
    echo "$h"
}

pg_jar() {
    local j
    j=$(ls -1 "$HOME"/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | sort -V | tail -1 || true)
    [ -n "$j" ] || die "no PostgreSQL JDBC driver under ~/.m2/repository/org/postgresql/postgresql/"
    echo "$j"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# ------------------------------------------------------------------------------------------------ image

cmd_image() {
    [ $# -eq 0 ] || usage
    export DOCKER_HOST; DOCKER_HOST=$(docker_host)
    if docker image inspect "$IMAGE" >/dev/null 2>&1; then
        log "$IMAGE exists"
        return 0
    fi
    [ -x "$JDK/bin/jlink" ] || die "no jlink in $JDK (set REHEARSAL_JDK to a JDK 17 with jmods)"
    [ -x /bin/busybox ] || die "/bin/busybox (busybox-static) is missing"
    local t0=$SECONDS tmp root
    tmp=$(mktemp -d /tmp/rehearsal-image.XXXXXX)
    trap 'rm -rf "$tmp"; trap - RETURN' RETURN   # a RETURN trap outlives the function unless it clears itself
    root=$tmp/root
    mkdir -p "$root"/{bin,etc,tmp,app,lib64}
    chmod 1777 "$root/tmp"
    "$JDK/bin/jlink" --add-modules "$MODULES" --output "$root/opt/java" --strip-debug --no-header-files \
        --no-man-pages --compress=2
    # the shared libraries the runtime links against, from the host
    local f lib
    for f in "$root/opt/java/bin/java" $(find "$root/opt/java" -name '*.so'); do
        ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
    done | sort -u | while read -r lib; do
        case $lib in "$root"/*) continue ;; esac
        cp -L --parents "$lib" "$root"
    done
    [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L --parents /lib64/ld-linux-x86-64.so.2 "$root"
    cp /bin/busybox "$root/bin/busybox"
    local a
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
    tar -C "$root" -c . | docker import \
        -c 'ENV PATH=/opt/java/bin:/bin' -c 'ENV JAVA_HOME=/opt/java' -c 'WORKDIR /app' -c 'CMD ["/bin/sh"]' \
        -m "rehearsal runtime: jlink'd JDK 17 ($MODULES) + busybox" - "$IMAGE" >/dev/null
    docker run --rm --network none "$IMAGE" java -XX:-UsePerfData -version >/dev/null 2>&1 \
        || die "$IMAGE was imported but java does not start in it"
    log "$IMAGE built in $((SECONDS - t0)) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# ------------------------------------------------------------------------------------------------ the app's repository

build_jar() { # OUT_DIR
    local out=$1 pg
    pg=$(pg_jar)
    rm -rf "$out/classes"
    mkdir -p "$out/classes"
    "$JDK/bin/javac" --release 17 -nowarn -d "$out/classes" -cp "$pg" "$HERE"/app/src/rehearsal/*.java
    "$JDK/bin/jar" --create --file "$out/app.jar" --main-class rehearsal.Main -C "$out/classes" .
    cp "$pg" "$out/postgresql.jar"
}

write_common() { # WORKTREE BUILD_DIR
    local w=$1 b=$2
    mkdir -p "$w/bin" "$w/config" "$w/db/migrate" "$w/vendor"
    cp "$b/app.jar" "$w/app.jar"
    cp "$b/postgresql.jar" "$w/vendor/postgresql.jar"
    cat >"$w/Dockerfile" <<'EOF'
FROM runbook-rehearsal/runtime:1
ARG PROJECT=unset
LABEL org.runbook.rehearsal.project=$PROJECT
WORKDIR /app
COPY . /app
ENV APP_ROOT=/app
CMD ["bin/web"]
EOF
    printf '.git\n.env\nDEPLOYS.log\nSECURITY_HOLD\n' >"$w/.dockerignore"
    printf '.env\nDEPLOYS.log\nSECURITY_HOLD\n' >"$w/.gitignore"
    local name
    for name in web:web sidekiq:worker rails:rails; do
        cat >"$w/bin/${name%%:*}" <<EOF
#!/bin/sh
# the stand-in's ${name%%:*} (Java, see app.jar); reads config/release.env and the environment (.env)
cd "\$(dirname "\$0")/.." || exit 1
exec java -XX:-UsePerfData -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx128m \\
    -cp app.jar:vendor/postgresql.jar rehearsal.Main ${name#*:} "\$@"
EOF
        chmod 755 "$w/bin/${name%%:*}"
    done
    cat >"$w/docker-compose.yml" <<'EOF'
# The rehearsal stand-in of the Rails app. COMPOSE_PROJECT_NAME and PG_LOG come from .env (not committed).
version: "2.4"
services:
  web:
    build:
      context: .
      args: { PROJECT: "${COMPOSE_PROJECT_NAME}" }
    image: "rehearsal/${COMPOSE_PROJECT_NAME}:latest"
    command: ["bin/web"]
    network_mode: host
    env_file: .env
    restart: unless-stopped
  sidekiq:
    build:
      context: .
      args: { PROJECT: "${COMPOSE_PROJECT_NAME}" }
    image: "rehearsal/${COMPOSE_PROJECT_NAME}:latest"
    command: ["bin/sidekiq"]
    network_mode: host
    env_file: .env
    restart: unless-stopped
  db:
    # the database runs outside Compose; this service shows its server log (slow queries) as `logs db`
    image: runbook-rehearsal/runtime:1
    command: ["tail", "-n", "0", "-F", "/var/log/postgresql/server.log"]
    network_mode: host
    env_file: .env
    volumes:
      - "${PG_LOG}:/var/log/postgresql/server.log:ro"
    restart: unless-stopped
EOF
    cat >"$w/README.md" <<'EOF'
# agent-ops (rehearsal stand-in)

A stand-in of the Rails app for rehearsing runbooks/production.yml: `docker-compose up -d` runs web, sidekiq and db
(the database server's log); `docker-compose run --rm web bin/rails db:migrate|db:rollback STEP=N|db:migrate:status`.
EOF
}

migration() { # WORKTREE VERSION NAME UP DOWN
    printf '%s\n' "$4" >"$1/db/migrate/$2_$3.up.sql"
    printf '%s\n' "$5" >"$1/db/migrate/$2_$3.down.sql"
}

write_v230() { # WORKTREE
    local w=$1
    migration "$w" 20240101000000 create_agents \
"CREATE TABLE agents (
  id bigserial PRIMARY KEY,
  name varchar NOT NULL,
  status varchar NOT NULL DEFAULT 'offline',
  created_at timestamp NOT NULL DEFAULT now(),
  updated_at timestamp NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_agents_on_name ON agents (name);" \
"DROP TABLE agents;"
    migration "$w" 20240101000001 create_campaigns \
"CREATE TABLE campaigns (
  id bigserial PRIMARY KEY,
  name varchar NOT NULL,
  description text,
  status varchar NOT NULL DEFAULT 'active',
  created_at timestamp NOT NULL DEFAULT now(),
  updated_at timestamp NOT NULL DEFAULT now()
);" \
"DROP TABLE campaigns;"
    migration "$w" 20240101000002 create_tasks \
"CREATE TABLE tasks (
  id bigserial PRIMARY KEY,
  campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  agent_id bigint REFERENCES agents (id) ON DELETE SET NULL,
  title varchar NOT NULL,
  status varchar NOT NULL DEFAULT 'pending',
  created_at timestamp NOT NULL DEFAULT now(),
  updated_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX index_tasks_on_campaign_id ON tasks (campaign_id);
CREATE INDEX index_tasks_on_agent_id ON tasks (agent_id);" \
"DROP TABLE tasks;"
    printf 'RELEASE=2.3.0\nBEHAVIOUR=healthy\n' >"$w/config/release.env"
    cat >"$w/CHANGELOG.md" <<'EOF'
# Changelog

All notable changes to this project are documented in this file.
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [2.3.0] - 2024-01-15

### Added
- Agents, campaigns and tasks: the agent list, the campaign list and campaign pages.
- Sidekiq background processing of campaign tasks.

### Breaking changes
- None.
EOF
}

write_v240() { # WORKTREE BEHAVIOUR SLOW_AFTER
    local w=$1 b=$2 slow=$3 up1 down1 up2
    up1="ALTER TABLE campaigns ADD COLUMN progress integer NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN eta_at timestamp;"
    down1="ALTER TABLE campaigns DROP COLUMN eta_at;
ALTER TABLE campaigns DROP COLUMN progress;"
    up2="ALTER TABLE agents ADD COLUMN last_heartbeat_at timestamp NOT NULL DEFAULT now();
CREATE INDEX index_agents_on_last_heartbeat_at ON agents (last_heartbeat_at);"
    case $b in
    broken-migration | broken-down)
        # the second migration copies heartbeats from a table that does not exist
        up2="ALTER TABLE agents ADD COLUMN last_heartbeat_at timestamp NOT NULL DEFAULT now();
UPDATE agents SET last_heartbeat_at = h.seen_at FROM agent_heartbeats h WHERE h.agent_id = agents.id;"
        ;;
    esac
    if [ "$b" = broken-down ]; then
        # ... and the first one's down names a column that was never added: only the backup brings the schema back
        down1="ALTER TABLE campaigns DROP COLUMN eta_at;
ALTER TABLE campaigns DROP COLUMN progress_percent;"
    fi
    migration "$w" 20240611090000 add_campaign_progress "$up1" "$down1"
    migration "$w" 20240611093000 add_agent_heartbeat "$up2" \
"DROP INDEX IF EXISTS index_agents_on_last_heartbeat_at;
ALTER TABLE agents DROP COLUMN last_heartbeat_at;"
    { printf 'RELEASE=2.4.0\nBEHAVIOUR=%s\n' "$b"; [ "$b" != slow ] || printf 'SLOW_AFTER=%s\n' "$slow"; } >"$w/config/release.env"
    cat >"$w/CHANGELOG.md" <<'EOF'
# Changelog

All notable changes to this project are documented in this file.
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [2.4.0] - 2024-06-12

### Added
- Agent monitoring: agents report a heartbeat; the agent list shows who is online (real-time via Turbo Streams).
- Campaign progress: campaign pages show progress and an ETA, updated live over Action Cable.
- Task management: assign, reassign and complete tasks of a campaign.
- System health dashboard: /system_health reports the database, Redis, Sidekiq, Action Cable and the agents.

### Changed
- The agent metrics and campaign ETAs are cached (Rails.cache in Redis).

### Breaking changes
- None.

## [2.3.0] - 2024-01-15

### Added
- Agents, campaigns and tasks: the agent list, the campaign list and campaign pages.
- Sidekiq background processing of campaign tasks.

### Breaking changes
- None.
EOF
}

make_repos() { # DIR BEHAVIOUR SLOW_AFTER
    local d=$1 b=$2 slow=$3 w
    w=$d/build/worktree
    local g=(git -c user.name="Release Bot" -c user.email=release@rehearsal.invalid -c init.defaultBranch=main
        -c advice.detachedHead=false)
    git init -q --bare -b main "$d/origin.git"
    rm -rf "$w"
    mkdir -p "$w"
    "${g[@]}" -C "$w" init -q -b main
    write_common "$w" "$d/build"
    write_v230 "$w"
    "${g[@]}" -C "$w" add -A
    GIT_AUTHOR_DATE=2024-01-15T10:00:00Z GIT_COMMITTER_DATE=2024-01-15T10:00:00Z \
        "${g[@]}" -C "$w" commit -q -m "Release 2.3.0"
    "${g[@]}" -C "$w" tag -a v2.3.0 -m "2.3.0"
    write_v240 "$w" "$b" "$slow"
    "${g[@]}" -C "$w" add -A
    GIT_AUTHOR_DATE=2024-06-12T10:00:00Z GIT_COMMITTER_DATE=2024-06-12T10:00:00Z \
        "${g[@]}" -C "$w" commit -q -m "Release 2.4.0: agent monitoring, campaign progress, task management, system health"
    "${g[@]}" -C "$w" tag -a v2.4.0 -m "2.4.0"
    "${g[@]}" -C "$w" push -q "$d/origin.git" main --tags
    # the release checkout the runner reads (CHANGELOG precondition)
    rm -rf "$d/release"
    mkdir -p "$d/release"
    "${g[@]}" -C "$w" archive v2.4.0 | tar -x -C "$d/release"
    rm -rf "$w"
    # the app host's checkout: a clone of origin, still on 2.3.0
    "${g[@]}" clone -q "$d/origin.git" "$d/app"
    "${g[@]}" -C "$d/app" reset -q --hard v2.3.0
    chown -R "$APP_USER:$APP_USER" "$d/origin.git" "$d/app"
}

# ------------------------------------------------------------------------------------------------ helpers for up/down

state() { # DIR KEY -> value from DIR/stack.env
    [ -f "$1/stack.env" ] || return 0
    sed -n "s/^$2=//p" "$1/stack.env" | tail -1
}

as_app_user() { # DIR COMMAND... (a shell command run in DIR/app as the SSH user)
    local d=$1; shift
    runuser -u "$APP_USER" -- env -i HOME="$(getent passwd "$APP_USER" | cut -d: -f6)" PATH=/usr/local/bin:/usr/bin:/bin \
        sh -c "cd '$d/app' && $*"
}

psql_su() { # DB SQL...
    local db=$1; shift
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U postgres -d "$db" "$@"
}

parse_pg() {
    local u=${RUNBOOK_TEST_POSTGRES_URL:?set RUNBOOK_TEST_POSTGRES_URL (bash .ci/run with-servers bash: a shell with them)}
    local hp=${u#*://}; hp=${hp#*@}; hp=${hp%%/*}
    PGHOST_=${hp%%:*}
    PGPORT_=${hp##*:}
    [ "$PGPORT_" != "$hp" ] || PGPORT_=5432
}

parse_redis() {
    local u=${RUNBOOK_TEST_REDIS_URL:?set RUNBOOK_TEST_REDIS_URL (bash .ci/run with-servers bash: a shell with them)}
    local hp=${u#*://}; hp=${hp#*@}; hp=${hp%%/*}
    RHOST_=${hp%%:*}
    RPORT_=${hp##*:}
    [ "$RPORT_" != "$hp" ] || RPORT_=6379
}

redis_flush() { # HOST PORT DB
    if command -v redis-cli >/dev/null; then
        redis-cli -h "$1" -p "$2" -n "$3" FLUSHDB >/dev/null
    else
        exec 9<>"/dev/tcp/$1/$2"
        printf 'SELECT %s\r\nFLUSHDB\r\nQUIT\r\n' "$3" >&9
        cat <&9 >/dev/null
        exec 9<&-
    fi
}

wait_http() { # URL SECONDS PATTERN
    local i
    for ((i = 0; i < $2 * 2; i++)); do
        if curl -fsS --max-time 5 "$1" 2>/dev/null | grep -q "$3"; then return 0; fi
        sleep 0.5
    done
    return 1
}

rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# ------------------------------------------------------------------------------------------------ up

cmd_up() {
    [ $# -ge 1 ] || usage
    local dir=$1; shift
    local behaviour=healthy slow=20 host="" port="" db=rehearsal rdb=1
    while [ $# -gt 0 ]; do
        case $1 in
        --release) [ $# -ge 2 ] || usage; behaviour=$2; shift 2 ;;
        --slow-after) [ $# -ge 2 ] || usage; slow=$2; shift 2 ;;
        --host) [ $# -ge 2 ] || usage; host=$2; shift 2 ;;
        --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
        --db) [ $# -ge 2 ] || usage; db=$2; shift 2 ;;
        --redis-db) [ $# -ge 2 ] || usage; rdb=$2; shift 2 ;;
        *) log "unknown option: $1"; usage ;;
        esac
    done
    case " $BEHAVIOURS " in *" $behaviour "*) ;; *) die "--release must be one of: $BEHAVIOURS" ;; esac
    [[ $slow =~ ^[0-9]+$ ]] || die "--slow-after takes whole seconds"
    [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "--db: a lower-case SQL identifier, please"
    [ -z "$port" ] || [[ $port =~ ^[0-9]+$ ]] || die "--port takes a number"
    [[ $rdb =~ ^[0-9]+$ ]] && [ "$rdb" -ge 1 ] || die "--redis-db takes a number >= 1 (db 0 belongs to other tests)"
    [ "$(id -u)" = 0 ] || die "up needs root (it adds $APP_USER to group docker, runs as $APP_USER, creates the database)"
    : "${RUNBOOK_TEST_SSH_PORT:?set RUNBOOK_TEST_SSH_PORT (bash .ci/run with-servers bash: a shell with them)}"
    : "${RUNBOOK_TEST_SSH_KEY:?set RUNBOOK_TEST_SSH_KEY}" "${RUNBOOK_TEST_SSH_KNOWN_HOSTS:?set RUNBOOK_TEST_SSH_KNOWN_HOSTS}"
    local pglog=${RUNBOOK_TEST_POSTGRES_LOG:?set RUNBOOK_TEST_POSTGRES_LOG (the PostgreSQL server log)}
    [ -f "$pglog" ] || die "RUNBOOK_TEST_POSTGRES_LOG=$pglog does not exist"
    [ -n "$host" ] || host=$(echo ${RUNBOOK_TEST_SSH_HOSTS:-127.0.1.1} | awk '{print $1}')
    [[ $host =~ ^127\. ]] || die "--host must be a loopback address (127.x.y.z)"
    getent passwd "$APP_USER" >/dev/null || die "no user $APP_USER"
    parse_pg
    parse_redis
    local dh; dh=$(docker_host)
    export DOCKER_HOST=$dh

    case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
    dir=${dir%/}
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        die "$dir exists and is not empty: stack.sh down $dir first, or pick another DIR"
    fi
    local t0=$SECONDS
    trap 'log "up failed; clean up with: stack.sh down $dir"' ERR
    cmd_image
    mkdir -p "$dir"
    chmod 755 "$dir"
    runuser -u "$APP_USER" -- test -x "$dir" ||
        die "$APP_USER (the app host's user) cannot enter $dir: make its parent directories world-traversable (chmod o+x)"
    local project
    project=rh$(basename "$dir" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9' | cut -c1-20)$(printf %s "$dir" | md5sum | cut -c1-6)
    [ -n "$port" ] || port=$(free_port)
    local hooks_port; hooks_port=$(free_port)
    local ci_token smoke_token support_token
    ci_token=ci-$(rand); smoke_token=smoke-$(rand); support_token=support-$(rand)
    local db_url="postgres://rehearsal@$PGHOST_:$PGPORT_/$db"
    local redis_url="redis://$RHOST_:$RPORT_/$rdb"
    local cache_prefix="agent-ops:cache:"
    # docker-compose with the host-network `run` fix (bin/docker-compose), reachable by the SSH user
    mkdir -p "$dir/bin"
    install -m 755 "$HERE/bin/docker-compose" "$dir/bin/docker-compose"
    local compose="env DOCKER_HOST=$dh $dir/bin/docker-compose"
    cat >"$dir/stack.env" <<EOF
PROJECT=$project
DB=$db
PORT=$port
HOOKS_PORT=$hooks_port
HOST=$host
DOCKER_HOST=$dh
REDIS_HOST=$RHOST_
REDIS_PORT=$RPORT_
REDIS_DB=$rdb
BEHAVIOUR=$behaviour
EOF

    # the SSH user may use the Docker engine
    if ! id -nG "$APP_USER" | tr ' ' '\n' | grep -qx docker; then
        getent group docker >/dev/null || die "there is no group docker (the engine's socket group)"
        usermod -aG docker "$APP_USER"
        log "added $APP_USER to group docker"
    fi

    # PostgreSQL: role rehearsal, database DB, slow-query logging
    log "database $db on $PGHOST_:$PGPORT_"
    psql_su postgres -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'rehearsal') then create role rehearsal login; end if; end \$\$"
    psql_su postgres -c "drop database if exists $db with (force)"
    psql_su postgres -c "create database $db owner rehearsal"
    psql_su postgres -c "alter database $db set log_min_duration_statement = 1000"
    redis_flush "$RHOST_" "$RPORT_" "$rdb"

    log "building app.jar and the release repository"
    mkdir -p "$dir/build"
    build_jar "$dir/build"
    make_repos "$dir" "$behaviour" "$slow"
    mkdir -p "$dir/backups" "$dir/hooks"
    chown "$APP_USER:$APP_USER" "$dir/backups"
    chmod 700 "$dir/backups"

    # the deployment's secrets, as on a real host (not in git)
    (umask 077; cat >"$dir/app/.env" <<EOF
COMPOSE_PROJECT_NAME=$project
PG_LOG=$pglog
DATABASE_URL=$db_url
REDIS_URL=$redis_url
PORT=$port
CACHE_PREFIX=$cache_prefix
SMOKE_TOKEN=$smoke_token
EOF
    )
    chown "$APP_USER:$APP_USER" "$dir/app/.env"

    # the SaaS stand-in (GitHub, support desk, webhooks) on the host JVM
    CI_TOKEN=$ci_token SUPPORT_TOKEN=$support_token setsid "$JDK/bin/java" -XX:-UsePerfData \
        -cp "$dir/build/app.jar" rehearsal.Main hooks "$hooks_port" "$dir/hooks" >"$dir/hooks.log" 2>&1 </dev/null &
    echo $! >"$dir/hooks.pid"
    local i
    for ((i = 0; i < 40; i++)); do
        curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$hooks_port/" && break
        sleep 0.25
    done

    log "docker-compose build && up -d (2.3.0) as $APP_USER, project $project"
    as_app_user "$dir" "$compose build -q && $compose up -d" >&2
    log "db:migrate (2.3.0)"
    as_app_user "$dir" "$compose run --rm web bin/rails db:migrate" >&2
    log "seeding"
    psql -X -q -v ON_ERROR_STOP=1 "$db_url" <<'EOF'
INSERT INTO agents (name, status)
  SELECT format('agent-%s', lpad(i::text, 2, '0')), CASE WHEN i % 7 = 0 THEN 'idle' ELSE 'online' END
  FROM generate_series(1, 20) i;
INSERT INTO campaigns (name, description)
  SELECT format('Campaign %s', i), format('Outbound campaign number %s', i) FROM generate_series(1, 8) i;
INSERT INTO tasks (campaign_id, agent_id, title, status)
  SELECT (i % 8) + 1, (i % 20) + 1, format('Task %s', i), CASE WHEN i % 3 = 0 THEN 'done' ELSE 'pending' END
  FROM generate_series(1, 50) i;
EOF
    local campaign_id
    campaign_id=$(psql -X -At "$db_url" -c "select min(id) from campaigns")
    log "waiting for /system_health ok on port $port"
    if ! wait_http "http://127.0.0.1:$port/system_health" 60 '"status":"ok"'; then
        curl -sS --max-time 5 "http://127.0.0.1:$port/system_health" >&2 || true
        as_app_user "$dir" "$compose logs --tail 30" >&2 || true
        die "the app did not become healthy within 60 s"
    fi

    cat >"$dir/vars.yml" <<EOF
# params of runbooks/production.yml for the rehearsal stack in $dir (stack.sh up, behaviour $behaviour)
app_host: "$host:$RUNBOOK_TEST_SSH_PORT"
ssh_identity: $RUNBOOK_TEST_SSH_KEY
ssh_known_hosts: $RUNBOOK_TEST_SSH_KNOWN_HOSTS
ssh_user: $APP_USER
app_dir: $dir/app
compose: "$compose"
backup_dir: $dir/backups
base_url: "http://127.0.0.1:$port"
cable_url: "ws://127.0.0.1:$port/cable"
redis_url: "$redis_url"
cache_prefix: "$cache_prefix"
source_dir: $dir/release
smoke_campaign_id: "$campaign_id"
github_api: "http://127.0.0.1:$hooks_port/github"
support_api: "http://127.0.0.1:$hooks_port/support"
EOF
    (umask 077; cat >"$dir/secrets.env" <<EOF
export DATABASE_URL='$db_url'
export CI_TOKEN='$ci_token'
export SMOKE_API_TOKEN='$smoke_token'
export CUSTOMER_WEBHOOK_URL='http://127.0.0.1:$hooks_port/hooks/customer'
export SUPPORT_WEBHOOK_URL='http://127.0.0.1:$hooks_port/hooks/support'
export SUPPORT_TOKEN='$support_token'
EOF
    )
    log "up in $((SECONDS - t0)) s: $dir (web http://127.0.0.1:$port, hooks http://127.0.0.1:$hooks_port, release 2.3.0 running, 2.4.0 = $behaviour on origin/main)"
    echo "$dir/vars.yml"
}

# ------------------------------------------------------------------------------------------------ down

compose_bin() { if [ -x "$1/bin/docker-compose" ]; then echo "$1/bin/docker-compose"; else echo docker-compose; fi; }

cmd_down() {
    [ $# -eq 1 ] || usage
    local dir=$1
    case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
    dir=${dir%/}
    [ "$dir" != "" ] && [ "$dir" != / ] || die "refusing to remove /"
    if [ ! -e "$dir" ]; then
        log "$dir does not exist: nothing to do"
        return 0
    fi
    [ -f "$dir/stack.env" ] || [ -z "$(ls -A "$dir")" ] || die "$dir has no stack.env: not a rehearsal stack, not removing it"
    local t0=$SECONDS project db dh pid hp
    project=$(state "$dir" PROJECT); db=$(state "$dir" DB); dh=$(state "$dir" DOCKER_HOST)
    # the hooks server (only the process we started: check its command line)
    if [ -f "$dir/hooks.pid" ]; then
        pid=$(cat "$dir/hooks.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && tr "\\0" " " 2>/dev/null <"/proc/$pid/cmdline" | grep -q "rehearsal.Main hooks"; then
            kill "$pid" 2>/dev/null || true
        fi
    fi
    if [ -n "$project" ] && [ -n "$dh" ]; then
        export DOCKER_HOST=$dh
        if [ -f "$dir/app/docker-compose.yml" ] && [ -f "$dir/app/.env" ]; then
            (cd "$dir/app" && "$(compose_bin "$dir")" down --remove-orphans -t 3 >&2) || log "docker-compose down failed; removing the containers by label"
        fi
        local ids
        ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
        [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
        # the app images of this stack, the current and the ones earlier builds left untagged
        ids=$(docker images -q --filter "label=org.runbook.rehearsal.project=$project" 2>/dev/null | sort -u || true)
        [ -z "$ids" ] || docker image rm -f $ids >/dev/null 2>&1 || true
        docker image rm -f "rehearsal/$project:latest" >/dev/null 2>&1 || true
    fi
    if [ -n "$db" ] && [ -n "${RUNBOOK_TEST_POSTGRES_URL:-}" ]; then
        parse_pg
        psql_su postgres -c "drop database if exists $db with (force)" 2>/dev/null || log "could not drop database $db"
    fi
    local rh rp rd
    rh=$(state "$dir" REDIS_HOST); rp=$(state "$dir" REDIS_PORT); rd=$(state "$dir" REDIS_DB)
    [ -z "$rh" ] || [ -z "$rd" ] || [ "$rd" = 0 ] || redis_flush "$rh" "$rp" "$rd" 2>/dev/null || true
    rm -rf "$dir"
    log "down in $((SECONDS - t0)) s: $dir removed"
}

# ------------------------------------------------------------------------------------------------ checksum, version

cmd_checksum() {
    [ $# -eq 1 ] || usage
    local dir=${1%/} db t
    db=$(state "$dir" DB)
    [ -n "$db" ] || die "$dir/stack.env is missing: not a rehearsal stack"
    parse_pg
    for t in $(psql_su "$db" -At -c "select tablename from pg_tables where schemaname = 'public' order by tablename"); do
        psql_su "$db" -At -F ' ' -c "select '$t', count(*), md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from public.\"$t\" t"
    done
    if psql_su "$db" -At -c "select to_regclass('public.schema_migrations')" | grep -q .; then
        psql_su "$db" -At -F ' ' -c "select 'schema_migrations.max', coalesce(max(version), 'none') from schema_migrations"
    else
        echo "schema_migrations.max none"
    fi
}

cmd_version() {
    [ $# -eq 1 ] || usage
    local dir=${1%/} port
    port=$(state "$dir" PORT)
    [ -n "$port" ] || die "$dir/stack.env is missing: not a rehearsal stack"
    curl -fsS --max-time 10 "http://127.0.0.1:$port/version" || die "GET /version on port $port failed"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case $cmd in
image) cmd_image "$@" ;;
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
checksum) cmd_checksum "$@" ;;
version) cmd_version "$@" ;;
-h | --help | help) usage ;;
*) log "unknown command: $cmd"; usage ;;
esac
