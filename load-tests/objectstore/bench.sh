#!/usr/bin/env bash
# Object store benchmark on loopback, bounded in time and disk:
#   4 KiB PUT and GET at 64 concurrent clients (wrk: ops/s, p50, p99),
#   one 1 GiB PUT and GET (curl: MB/s) beside the raw sequential write/read speed of the same
#   disk measured in this run (dd with conv=fsync / iflag=direct); GETs from disk (page cache
#   dropped, needs root) and from the page cache, medians of ROUNDS (3).
# Usage: load-tests/objectstore/bench.sh   (after mvn package; needs wrk, curl, python3)
# Env: DURATION (s, default 15), WARMUP (s, 15), CLIENTS (64), BIG_MB (1024), ROUNDS (3), HEAP (256m), WORK (a dir on the disk to test)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/target/vertstack.jar"
DURATION=${DURATION:-15}
CLIENTS=${CLIENTS:-64}
BIG_MB=${BIG_MB:-1024}
HEAP=${HEAP:-256m}
WORK=${WORK:-$(mktemp -d /tmp/vs-bench.XXXXXX)}
for tool in wrk curl python3 dd; do command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
[ -f "$jar" ] || { echo "build first: mvn -q -B -o package -DskipTests" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
java ${JAVA_OPTS:-} -Xmx$HEAP -jar "$jar" --state-dir "$WORK/state" --port "$port" >"$WORK/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; cp "$WORK/server.log" /tmp/vs-bench-server.log 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 120); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

password=$(python3 -c "import yaml,sys; print(yaml.safe_load(open('$WORK/state/clouds.yaml'))['clouds']['vertstack']['auth']['password'])")
auth='{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"'"$password"'"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}'
curl -fsS -D "$WORK/h" -o "$WORK/token.json" -H 'Content-Type: application/json' -d "$auth" "$base/identity/v3/auth/tokens"
token=$(grep -i '^x-subject-token' "$WORK/h" | tr -d '\r' | awk '{print $2}')
project=$(python3 -c "import json; print(json.load(open('$WORK/token.json'))['token']['project']['id'])")
export VS_TOKEN=$token VS_BASE="/object-store/v1/AUTH_$project"
curl -fsS -X PUT -H "X-Auth-Token: $token" "$base$VS_BASE/bench" -o /dev/null
echo "node: $base  heap: $HEAP  disk: $(df -h "$WORK" | tail -1 | awk '{print $1}')  cores: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"

report() { # name, wrk output file
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  errors=$(awk '/Non-2xx/ {print $5}' "$2"); errors=${errors:-0}
  printf '%-22s %10s ops/s   p50 %-9s p99 %-9s errors %s\n' "$1" "$rps" "$p50" "$p99" "$errors"
}
threads=2
# warm-up, then the measured runs: on 2 cores the JIT still compiles for 15 s or so (a 5 s
# warm-up measured 1,219 PUT/s where a 15 s one measured 1,618 on the same node)
WARMUP=${WARMUP:-15}
wrk -t$threads -c$CLIENTS -d${WARMUP}s -s "$here/put.lua" "$base" >/dev/null 2>&1 || true
wrk -t$threads -c$CLIENTS -d${DURATION}s --latency -s "$here/put.lua" "$base" >"$WORK/put.txt" 2>&1
report "4 KiB PUT x$CLIENTS" "$WORK/put.txt"
export VS_COUNT=1000
wrk -t$threads -c$CLIENTS -d${WARMUP}s -s "$here/get.lua" "$base" >/dev/null 2>&1 || true
wrk -t$threads -c$CLIENTS -d${DURATION}s --latency -s "$here/get.lua" "$base" >"$WORK/get.txt" 2>&1
report "4 KiB GET x$CLIENTS" "$WORK/get.txt"

# The big object. The physical limits come from the same disk in the same run: raw sequential
# write with fsync (three replicas on one disk: a third of it), raw sequential read with O_DIRECT.
mb() { python3 -c "print(round(($1) / ($2) / 1e6, 1))"; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
pct() { python3 -c "print(round(100 * $1 / $2))"; }
bytes=$((BIG_MB * 1024 * 1024))
ROUNDS=${ROUNDS:-3}
head -c $bytes /dev/urandom >"$WORK/big"
# rounds of a raw write and a PUT of the same size (the disk's write speed swings too)
raw_writes=(); puts=()
for _ in $(seq 1 "$ROUNDS"); do
  t0=$(date +%s.%N); dd if=/dev/zero of="$WORK/raw" bs=4M count=$((BIG_MB / 4)) conv=fsync status=none; t1=$(date +%s.%N)
  raw_writes+=("$(mb $bytes "$t1 - $t0")")
  puts+=("$(mb "$(curl -fsS -o /dev/null -w '%{speed_upload}' -X PUT -T "$WORK/big" -H "X-Auth-Token: $token" "$base$VS_BASE/bench/big")" 1)")
done
raw_write=$(median "${raw_writes[@]}")
put=$(median "${puts[@]}")
# integrity first, untimed: the download through a pipe, compared byte for byte
curl -fsS -H "X-Auth-Token: $token" "$base$VS_BASE/bench/big" | cmp - "$WORK/big" || { echo "1 GiB download differs" >&2; exit 1; }
# Timed GETs go to /dev/null, as wrk discards its bodies: a client writing 1 GiB to the disk under
# test would measure its own writes. First GETs from the page cache: the PUT wrote with O_DIRECT,
# so the three replica files are read into the cache first (a GET reads any one of them). Then, as the raw read of this virtual disk swings from run to run, rounds of a
# raw read and a GET with the page cache dropped (needs root): the bytes come off the disk, like
# the raw read. Medians of ROUNDS.
get_big() { mb "$(curl -fsS -o /dev/null -w '%{speed_download}' -H "X-Auth-Token: $token" "$base$VS_BASE/bench/big")" 1; }
can_drop=false
[ -w /proc/sys/vm/drop_caches ] && can_drop=true
raws=(); colds=(); warms=()
find "$WORK/state/objects" -name '*.data' -size +$((BIG_MB / 2))M -exec cat {} + >/dev/null
for _ in $(seq 1 "$ROUNDS"); do warms+=("$(get_big)"); done
for _ in $(seq 1 "$ROUNDS"); do
  t0=$(date +%s.%N); dd if="$WORK/raw" of=/dev/null bs=4M iflag=direct status=none; t1=$(date +%s.%N)
  raws+=("$(mb $bytes "$t1 - $t0")")
  if $can_drop; then
    sync; echo 3 >/proc/sys/vm/drop_caches
    colds+=("$(get_big)")
  fi
done
rm -f "$WORK/raw"
raw_read=$(median "${raws[@]}")
limit_write=$(python3 -c "print(round($raw_write / 3, 1))")
printf 'raw disk               write %s MB/s (fsync, median of: %s)   read %s MB/s (O_DIRECT, median of: %s)\n' \
  "$raw_write" "${raw_writes[*]}" "$raw_read" "${raws[*]}"
printf '%-22s %s MB/s  (median of: %s; physical limit with 3 replicas on one disk: %s MB/s = %s%%)\n' "${BIG_MB} MiB PUT" \
  "$put" "${puts[*]}" "$limit_write" "$(pct "$put" "$limit_write")"
if $can_drop; then
  cold=$(median "${colds[@]}")
  printf '%-22s %s MB/s  (median of: %s; raw read %s MB/s = %s%%)\n' "${BIG_MB} MiB GET, from disk" "$cold" "${colds[*]}" \
    "$raw_read" "$(pct "$cold" "$raw_read")"
else
  echo "${BIG_MB} MiB GET, from disk: not measured (dropping the page cache needs root)"
fi
warm=$(median "${warms[@]}")
printf '%-22s %s MB/s  (median of: %s; raw read %s MB/s = %s%%)\n' "${BIG_MB} MiB GET, cached" "$warm" "${warms[*]}" \
  "$raw_read" "$(pct "$warm" "$raw_read")"
grep -c ' ERROR ' "$WORK/server.log" | xargs -I{} echo "server errors logged: {}"
