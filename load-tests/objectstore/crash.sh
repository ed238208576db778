#!/usr/bin/env bash
# Crash test: 100 concurrent uploads, the server killed with SIGKILL while they run, restarted
# on the same state dir; every upload that was acknowledged (201) must read back intact.
# Usage: load-tests/objectstore/crash.sh   (after mvn package; needs curl, python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/target/vertstack.jar"
WORK=$(mktemp -d /tmp/vs-crash.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
server=
start() {
  java -Xmx256m -jar "$jar" --state-dir "$WORK/state" --port "$port" >>"$WORK/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server did not start" >&2; tail -20 "$WORK/server.log" >&2; exit 1
}
# the node's embedded PostgreSQL, by the pid in its own pid file
postmaster() { head -1 "$WORK/state/postgres/postmaster.pid" 2>/dev/null || true; }
cleanup() {
  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
  pg=$(postmaster); [ -n "$pg" ] && kill "$pg" 2>/dev/null; sleep 1; [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
start
password=$(python3 -c "import yaml; print(yaml.safe_load(open('$WORK/state/clouds.yaml'))['clouds']['vertstack']['auth']['password'])")
login() {
  local auth='{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"'"$password"'"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}'
  curl -fsS -D "$WORK/h" -o "$WORK/token.json" -H 'Content-Type: application/json' -d "$auth" "$base/identity/v3/auth/tokens"
  token=$(grep -i '^x-subject-token' "$WORK/h" | tr -d '\r' | awk '{print $2}')
  project=$(python3 -c "import json; print(json.load(open('$WORK/token.json'))['token']['project']['id'])")
}
login
url="$base/object-store/v1/AUTH_$project/crash"
curl -fsS -X PUT -H "X-Auth-Token: $token" "$url" -o /dev/null
mkdir -p "$WORK/src" "$WORK/status"
for i in $(seq 1 100); do head -c $((100000 + i * 40000)) /dev/urandom >"$WORK/src/o$i"; done
for i in $(seq 1 100); do
  ( code=$(curl -s -o /dev/null -w '%{http_code}' --limit-rate 1M -X PUT -T "$WORK/src/o$i" -H "X-Auth-Token: $token" "$url/o$i" || true)
    echo "$code" >"$WORK/status/o$i" ) &
done
# kill once some uploads are acknowledged and the others are still streaming
for _ in $(seq 1 100); do
  [ "$( (grep -l '^201$' "$WORK"/status/* 2>/dev/null || true) | wc -l)" -ge 20 ] && break
  sleep 0.1
done
# the whole node dies at once: the JVM and its database
pg=$(postmaster)
kill -9 "$server" ${pg:+"$pg"}
wait "$server" 2>/dev/null || true
wait
acked=$( (grep -l '^201$' "$WORK"/status/* || true) | wc -l)
# in flight at the kill: the connection died before a final answer. curl writes 000 when no
# answer came at all, and 100 when only the "100 Continue" interim answer came before the kill
inflight=$( (grep -l -E '^(000|1[0-9][0-9])$' "$WORK"/status/* || true) | wc -l)
echo "acknowledged before the kill: $acked of 100; in flight at the kill: $inflight"
echo "answers by status: $(cat "$WORK"/status/* | sort | uniq -c | tr -s ' \n' ' ')"
if [ "$acked" -eq 0 ] || [ "$inflight" -eq 0 ]; then
  echo "FAILED: the kill must come with uploads both acknowledged and in flight, or it tests nothing" >&2
  exit 1
fi
sleep 2
start
login
lost=0
for f in $(grep -l '^201$' "$WORK"/status/* || true); do
  name=$(basename "$f")
  if ! curl -fsS -H "X-Auth-Token: $token" "$url/$name" -o "$WORK/got" || ! cmp -s "$WORK/got" "$WORK/src/$name"; then
    echo "LOST: $name" >&2; lost=$((lost + 1))
  fi
done
echo "lost acknowledged objects after restart: $lost"
[ "$lost" -eq 0 ]
