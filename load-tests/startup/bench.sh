#!/usr/bin/env bash
# The standing targets: first start <= 10 s, warm start <= 3 s, the whole cloud idle <= 512 MiB
# (JVM + embedded PostgreSQL). Starts the jar all-in-one on a fresh state directory, times the
# launch until /healthz answers, lets it idle, sums the resident memory of the JVM and of every
# PostgreSQL process (the postmaster and its children), stops it, then times a restart on the same state directory.
# RUNS (3) first/warm pairs; IDLE_SECONDS (30) of idling before the memory reading; extra
# arguments go to the JVM (e.g. -Xmx256m). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar="$root/target/vertstack.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B package -DskipTests)
# the class-data-sharing archive mvn package trains, as the README's run command uses it
# (CLASS_ARCHIVE=off measures without it)
archive="$root/target/vertstack.jsa"
cds=()
[ -f "$archive" ] && [ "${CLASS_ARCHIVE:-on}" != off ] && cds=("-XX:SharedArchiveFile=$archive")
runs=${RUNS:-3}
idle=${IDLE_SECONDS:-30}

# Sets $elapsed to the milliseconds from launch until /healthz answers; leaves the node running
# (its pid in $node).
launch() {
  local state=$1 port=$2 t0
  t0=$(date +%s%N)
  java "${cds[@]}" "${@:3}" -jar "$jar" --state-dir "$state" --port "$port" --set image.tiny-guest=false >>"$state.log" 2>&1 &
  node=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    kill -0 "$node" 2>/dev/null || { echo "the node died at start:" >&2; tail -20 "$state.log" >&2; exit 1; }
    sleep 0.05
  done
  elapsed=$((($(date +%s%N) - t0) / 1000000))
}

# Resident KiB of a process and all its descendants.
tree_rss() {
  local pids=$1 all=$1 next
  while next=$(for p in $pids; do pgrep -P "$p" || true; done | tr '\n' ' ') && [ -n "${next// /}" ]; do
    all="$all $next"; pids=$next
  done
  ps -o rss= -p "$(echo $all | tr ' ' ',')" | awk '{s += $1} END {print s}'
}

stop() {
  kill "$node"; wait "$node" 2>/dev/null || true
}

echo "VertStack start-up and idle memory, $(nproc) cores, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), class archive: ${cds[*]:-none}"
printf '%-4s %12s %12s %18s\n' run "first (ms)" "warm (ms)" "idle RSS (MiB)"
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d /tmp/vertstack-startup.XXXXXX)
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  launch "$dir/state" "$port" "$@"; first=$elapsed
  stop
  launch "$dir/state" "$port" "$@"; warm=$elapsed
  sleep "$idle"
  # the JVM, and the embedded PostgreSQL, which pg_ctl detaches from it (its postmaster's pid is in the data directory)
  rss=$(( $(tree_rss "$node") + $(tree_rss "$(head -1 "$dir/state/postgres/postmaster.pid")") ))
  stop
  printf '%-4s %12s %12s %18s\n' "$i" "$first" "$warm" "$((rss / 1024))"
  rm -rf "$dir"
done
