# Shared by the load tests: start a VertStack node from the jar on a free loopback port with a
# fresh state directory, and stop it on exit. Load goes to 127.0.0.1 only, bounded in time.
set -euo pipefail
LT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LT_JAR="$LT_ROOT/target/vertstack.jar"

start_node() {
  [ -n "${LT_NO_WRK:-}" ] || command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  [ -f "$LT_JAR" ] || (cd "$LT_ROOT" && mvn -q -B package -DskipTests)
  LT_STATE=$(mktemp -d /tmp/vertstack-bench.XXXXXX)
  LT_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  LT_URL="http://127.0.0.1:$LT_PORT"
  LT_PASSWORD="bench-$(date +%s)"
  VERTSTACK_IDENTITY_ADMIN_PASSWORD="$LT_PASSWORD" java ${LT_JAVA_OPTS:-} -jar "$LT_JAR" --state-dir "$LT_STATE/state" --port "$LT_PORT" "$@" \
    >"$LT_STATE/server.log" 2>&1 &
  LT_PID=$!
  trap stop_node EXIT
  for _ in $(seq 1 120); do
    curl -fsS "$LT_URL/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "node did not start:" >&2; cat "$LT_STATE/server.log" >&2; exit 1
}

stop_node() {
  kill "$LT_PID" 2>/dev/null || true
  wait "$LT_PID" 2>/dev/null || true
  rm -rf "$LT_STATE"
}

# A project-scoped admin token.
admin_token() {
  curl -fsS -D - -o /dev/null -H 'Content-Type: application/json' "$LT_URL/identity/v3/auth/tokens" -d @- <<JSON | tr -d '\r' | awk -F': ' 'tolower($1)=="x-subject-token" {print $2}'
{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "$LT_PASSWORD"}}},
          "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
JSON
}

# Runs wrk and prints one summary line: name, requests/s, p50, p99.
wrk_summary() {
  local name=$1; shift
  local out
  out=$(wrk --latency "$@")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out")
  printf '%-40s %10s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${errors:-0}"
}
