#!/usr/bin/env bash
# Cluster benchmark, in one run on loopback: token validation (GET /v3/auth/tokens with
# X-Subject-Token) and a 4 KiB object GET, first through controller A alone, then through
# controllers A and B round-robin (every other request to B); B alone as well. A is controller + storage with the
# embedded PostgreSQL; B is a controller on A's database; both in one Hazelcast cluster.
# Prints req/s, p50, p99 per run and the two-controller/one-controller ratios.
# Usage: load-tests/cluster/bench.sh   (after mvn package -DskipTests; needs curl, python3)
# Env: DURATION (s, 15), WARMUP (s, 10), CONNECTIONS (32), HEAP (384m per node)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/target/vertstack.jar"
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-32}
HEAP=${HEAP:-384m}
[ -f "$jar" ] || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d /tmp/vs-cluster-bench.XXXXXX)
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT_A=$(free_port); PORT_B=$(free_port); HZ_A=$(free_port); HZ_B=$(free_port)
PASSWORD="bench-$RANDOM-$RANDOM"
common=(--cluster --cluster-host 127.0.0.1 --cluster-members "127.0.0.1:$HZ_A,127.0.0.1:$HZ_B"
  --set cluster.password="bench-$RANDOM" --set identity.key-secret="bench-key-$RANDOM"
  --set identity.admin-password="$PASSWORD" --set image.tiny-guest=false)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  cp "$WORK"/*.log /tmp/ 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
wait_up() { # url, log
  for _ in $(seq 1 240); do curl -fsS "$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "node did not start: $2" >&2; tail -50 "$2" >&2; exit 1
}

java -Xmx$HEAP -jar "$jar" --state-dir "$WORK/a" --port "$PORT_A" --roles controller,storage --cluster-port "$HZ_A" \
  --set objectstore.zone=a "${common[@]}" >"$WORK/cluster-bench-a.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$PORT_A" "$WORK/cluster-bench-a.log"
pg_port=$(grep -o 'embedded PostgreSQL listening on localhost:[0-9]*' "$WORK/cluster-bench-a.log" | head -1 | awk -F: '{print $NF}')
java -Xmx$HEAP -jar "$jar" --state-dir "$WORK/b" --port "$PORT_B" --roles controller --cluster-port "$HZ_B" \
  --database-url "postgresql://postgres:$(cat "$WORK/a/database-password")@127.0.0.1:$pg_port/postgres" \
  "${common[@]}" >"$WORK/cluster-bench-b.log" 2>&1 &
pids+=($!)
wait_up "http://127.0.0.1:$PORT_B" "$WORK/cluster-bench-b.log"
A="http://127.0.0.1:$PORT_A"; B="http://127.0.0.1:$PORT_B"

auth='{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"'"$PASSWORD"'"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}'
curl -fsS -D "$WORK/h" -o "$WORK/token.json" -H 'Content-Type: application/json' -d "$auth" "$A/identity/v3/auth/tokens"
token=$(grep -i '^x-subject-token' "$WORK/h" | tr -d '\r' | awk '{print $2}')
project=$(/usr/bin/python3 -c "import json; print(json.load(open('$WORK/token.json'))['token']['project']['id'])")
objects="/object-store/v1/AUTH_$project/bench"
curl -fsS -X PUT -H "X-Auth-Token: $token" "$A$objects" -o /dev/null
head -c 4096 /dev/urandom >"$WORK/4k"
for n in $(seq 0 99); do curl -fsS -X PUT -T "$WORK/4k" -H "X-Auth-Token: $token" "$A$objects/o-$n" -o /dev/null; done
# the token and an object as B sees them, before measuring
curl -fsS -o /dev/null -H "X-Auth-Token: $token" -H "X-Subject-Token: $token" "$B/identity/v3/auth/tokens"
curl -fsS -o /dev/null -H "X-Auth-Token: $token" "$B$objects/o-7"

echo "VertStack cluster benchmark, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "A: controller+storage, B: controller; $CONNECTIONS connections, ${WARMUP}s warm-up + ${DURATION}s per run, heap $HEAP per node"
drive() { # name, path, targets...
  local name=$1 path=$2; shift 2
  java -Xmx128m -cp "$jar" "$here/Driver.java" "$name" "$DURATION" "$WARMUP" "$CONNECTIONS" "$path" "$token" \
    "X-Auth-Token: TOKEN" "X-Subject-Token: TOKEN" -- "$@" | tee -a "$WORK/results"
}
# B alone too: it tells a slow B from a slow mix, and warms B's JIT before the round-robin runs
drive "validate token, A only" "/identity/v3/auth/tokens" "$A"
drive "validate token, B only" "/identity/v3/auth/tokens" "$B"
drive "validate token, A+B round-robin" "/identity/v3/auth/tokens" "$A" "$B"
drive "4 KiB GET, A only" "$objects/o-{n}" "$A"
drive "4 KiB GET, B only (proxied to A's object server)" "$objects/o-{n}" "$B"
drive "4 KiB GET, A+B round-robin" "$objects/o-{n}" "$A" "$B"
grep 'req/s' "$WORK/results" | awk '{for (i = 1; i <= NF; i++) if ($(i+1) == "req/s") r[NR] = $i}
  END {printf "ratio A+B / A alone: validate %.2f, 4 KiB GET %.2f\n", r[3] / r[1], r[6] / r[4]}'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
