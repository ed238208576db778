#!/usr/bin/env bash
# Conformance runner: OpenStack's own API test suite (Debian's Tempest) against VertStack.
#
#   src/test/tempest/run.sh [AREA...]        AREA: identity object_storage image compute (default:
#                                            every area whose service is in the catalog)
#
# With VS_URL and VS_ADMIN_PASSWORD set it tests that running cloud; otherwise it starts
# target/vertstack.jar on a free loopback port with a fresh state directory (and stops it after).
# It installs Debian's tempest if missing, writes tempest.conf from the cloud's catalog, runs
# tempest.api.<area> per area (concurrency $CONCURRENCY, default 2) and prints per-area counts
# and the failing tests. Exit status: 0 when no test failed, 1 otherwise, 2 on a set-up error.
# Knobs: CONCURRENCY, TEMPEST_WORK (work dir, default target/tempest), EXCLUDE (a regex of tests
# to leave out, each with its reason in the README), ALL_TESTS=1 (ignore the exclusion lists
# below, to measure everything), LIBVIRT_URI (the started cloud's
# compute.libvirt-uri: default auto, i.e. qemu:///system when libvirtd runs; test:///default is
# libvirt's in-process test driver, no real guests).
# An area's exclusion list, src/test/tempest/exclude-<area>.txt when present (one commented regex
# per line: tests that need a service this cloud does not have yet), is always applied.
set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 # Debian's python3, where tempest lives
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${TEMPEST_WORK:-$root/target/tempest}
concurrency=${CONCURRENCY:-2}
mkdir -p "$work/etc" "$work/logs"

if ! command -v tempest >/dev/null; then
  echo "installing Debian's tempest"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    tempest python3-tempest >/dev/null || { echo "cannot install tempest" >&2; exit 2; }
fi

server=
if [ -z "${VS_URL:-}" ]; then
  jar="$root/target/vertstack.jar"
  [ -f "$jar" ] || { echo "$jar is missing: mvn package first" >&2; exit 2; }
  state=$(mktemp -d /tmp/vertstack-tempest.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export VS_URL="http://127.0.0.1:$port" VS_ADMIN_PASSWORD="tempest-admin-$RANDOM$RANDOM"
  # Tempest's identity admin tests act as the admin of a fresh project of their own: the cloud
  # under test treats any project's admin as a cloud admin, as Keystone does when no admin
  # project is configured (identity.any-project-admin; off by default). Container sync every
  # 2 s: Tempest's sync test waits for it (container_sync_interval below). vCPUs overcommitted
  # 16:1 (Nova's default before Stein): Tempest's compute classes each boot several servers at once.
  VERTSTACK_IDENTITY_ADMIN_PASSWORD=$VS_ADMIN_PASSWORD VERTSTACK_IDENTITY_ANY_PROJECT_ADMIN=true VERTSTACK_OBJECTSTORE_CONTAINER_SYNC_INTERVAL_SECONDS=2 java -Xmx1g -jar "$jar" --state-dir "$state/state" \
    --port "$port" --set compute.libvirt-uri="${LIBVIRT_URI:-auto}" --set compute.cpu-allocation-ratio=16 \
    >"$work/logs/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$state"' EXIT
  for _ in $(seq 1 120); do
    curl -fsS "$VS_URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { echo "the cloud died at start:" >&2; tail -30 "$work/logs/server.log" >&2; exit 2; }
    sleep 0.5
  done
fi
auth_url="$VS_URL/identity/v3"

# tempest.conf from the catalog: a service is tested when the cloud lists it. For the compute
# area it first waits for the cloud's tiny guest image and a compute host.
TEMPEST_AREAS="$*" python3 "$here/write_conf.py" "$auth_url" admin "$VS_ADMIN_PASSWORD" "$work" > "$work/etc/tempest.conf" \
  || { echo "cannot write tempest.conf (is the cloud up at $auth_url?)" >&2; exit 2; }
areas=("$@")
if [ ${#areas[@]} -eq 0 ]; then
  read -r -a areas < "$work/etc/areas"
fi

tempest_dir=$(python3 -c 'import os, tempest; print(os.path.dirname(tempest.__file__))')
cat > "$work/.stestr.conf" <<EOF
[DEFAULT]
test_path=$tempest_dir/test_discover
top_dir=$(dirname "$tempest_dir")
group_regex=([^\.]*\.)*
EOF
[ -d "$work/.stestr" ] || (cd "$work" && stestr init >/dev/null)
export TEMPEST_CONFIG_DIR="$work/etc" TEMPEST_CONFIG=tempest.conf

total_passed=0 total_failed=0 total_skipped=0
for area in "${areas[@]}"; do
  out="$work/logs/$area.out"
  args=(run --config-file "$work/etc/tempest.conf" --regex "^tempest\.api\.$area\." --concurrency "$concurrency")
  [ -n "${EXCLUDE:-}" ] && args+=(--exclude-regex "$EXCLUDE")
  excluded=
  if [ -f "$here/exclude-$area.txt" ] && [ -z "${ALL_TESTS:-}" ]; then
    args+=(--exclude-list "$here/exclude-$area.txt")
    excluded=" (left out: $(grep -cv '^[[:space:]]*\(#\|$\)' "$here/exclude-$area.txt") patterns of exclude-$area.txt)"
  fi
  started=$(date +%s)
  (cd "$work" && tempest "${args[@]}") >"$out" 2>&1
  count() { sed -n "s/^ - $1: \([0-9]*\).*/\1/p" "$out" | tail -1; }
  passed=$(count Passed) failed=$(count Failed) skipped=$(count Skipped)
  if [ -z "$passed$failed$skipped" ]; then
    echo "tempest.api.$area: no result (see $out)"; tail -5 "$out"; passed=0 failed=1 skipped=0
  fi
  passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}
  printf 'tempest.api.%-16s passed %4d  failed %4d  skipped %4d  (%ss)%s\n' "$area" "$passed" "$failed" "$skipped" \
    $(($(date +%s) - started)) "$excluded"
  grep -E '\.\.\. FAILED' "$out" | sed -E 's/^\{[0-9]+\} //; s/ \[.*//' | sort -u | tee "$work/logs/$area.failed" | sed 's/^/    FAILED /'
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) total_skipped=$((total_skipped + skipped))
done
echo "Tempest: $total_passed passed, $total_failed failed, $total_skipped skipped"
[ "$total_failed" -eq 0 ]
