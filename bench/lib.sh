# Shared helpers of the benchmark scripts: `source bench/lib.sh` from the repo root.
# shellcheck shell=bash

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this file
BENCH_OUT="$BENCH_ROOT/bench/out"
# RUNBOOK_JAR (as for ./runbook) benchmarks another jar; its archive sits beside it.
JAR=${RUNBOOK_JAR:-$BENCH_ROOT/engine/target/runbook.jar}
JSA="${JAR%.jar}.jsa"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

_apt_updated=""
# ensure_cmd COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is missing.
ensure_cmd() {
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || die "$1 is missing: apt-get install $2 (as root)"
  if [ -z "$_apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    _apt_updated=1
  fi
  say "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >&2
  command -v "$1" >/dev/null 2>&1 || die "$2 installed, but there is still no $1"
}

# ensure_jar: builds engine/target/runbook.jar through the launcher if it is missing or stale.
ensure_jar() {
  "$BENCH_ROOT/runbook" --version >/dev/null || die "./runbook --version failed"
  [ -f "$JAR" ] || die "no $JAR after the build"
}

# java_home_of JAVA: the JDK directory of a java command (resolving symlinks), or nothing.
java_home_of() {
  local j
  j=$(readlink -f "$1" 2>/dev/null) || return 0
  printf '%s\n' "${j%/bin/java}"
}

# warm_cds COMMAND...: fresh class-data archives (the JDK 25+ AOT cache runbook.aot and the
# JDK 17-24 CDS archive runbook.jsa), each made by the launcher from one run of
# `./runbook COMMAND...` (an archive holds the classes that its run loaded). With
# JAVA_HOME unset, the launcher may pick another JDK than `java` on PATH: when PATH_JAVA_HOME
# is set, an archive is made for that JDK as well.
warm_cds() {
  rm -f "${JAR%.jar}.aot" "${JAR%.jar}.aot.jdk" "$JSA" "$JSA.jdk"
  "$BENCH_ROOT/runbook" "$@" >/dev/null || die "./runbook $* failed"
  if [ -n "${PATH_JAVA_HOME:-}" ]; then
    JAVA_HOME=$PATH_JAVA_HOME "$BENCH_ROOT/runbook" "$@" >/dev/null ||
      die "JAVA_HOME=$PATH_JAVA_HOME ./runbook $* failed"
  fi
  [ -f "${JAR%.jar}.aot" ] || [ -f "$JSA" ] ||
    say "warning: no class-data archive was made; the launcher's figures are without one"
}
