#!/usr/bin/env bash
# Compute benchmark (b): ROUNDS rounds of COUNT (200) concurrent boots on libvirt's test driver
# (in-process, no daemon), from the jar on loopback: boots/s until all are ACTIVE, p50/p99 of
# POST -> ACTIVE, and nothing oversubscribed. The host gets a vCPU allocation ratio of 16 and the
# flavor 16 MiB of RAM, so that all COUNT fit on the one test-driver host.
# (c), the scheduler's JMH benchmark, is scheduler.sh.
LT_NO_WRK=1
source "$(dirname "$0")/../lib.sh"
COUNT=${COUNT:-200}
ROUNDS=${ROUNDS:-3}
start_node --set compute.libvirt-uri=test:///default --set compute.cpu-allocation-ratio=16 --set image.tiny-guest=false
TOKEN=$(admin_token)
py=/usr/bin/python3
project=$(curl -fsS -H "X-Auth-Token: $TOKEN" -H "X-Subject-Token: $TOKEN" "$LT_URL/identity/v3/auth/tokens" \
  | $py -c 'import json,sys; print(json.load(sys.stdin)["token"]["project"]["id"])')
api() { curl -fsS -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' -H 'OpenStack-API-Version: compute 2.79' "$@"; }
api -X PUT "$LT_URL/compute/v2.1/os-quota-sets/$project" \
  -d '{"quota_set": {"instances": 100000, "cores": 100000, "ram": 100000000}}' >/dev/null
flavor=$(api "$LT_URL/compute/v2.1/flavors" -d '{"flavor": {"name": "bench.micro", "ram": 8, "vcpus": 1, "disk": 0}}' \
  | $py -c 'import json,sys; print(json.load(sys.stdin)["flavor"]["id"])')
image=$(curl -fsS -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "$LT_URL/image/v2/images" \
  -d '{"name": "bench", "disk_format": "raw", "container_format": "bare"}' | $py -c 'import json,sys; print(json.load(sys.stdin)["id"])')
head -c 4096 /dev/zero | curl -fsS -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
  --data-binary @- "$LT_URL/image/v2/images/$image/file"
for _ in $(seq 1 60); do
  [ "$(api "$LT_URL/compute/v2.1/os-hypervisors" | $py -c 'import json,sys; print(len(json.load(sys.stdin)["hypervisors"]))')" -gt 0 ] && break
  sleep 0.5
done
echo "VertStack compute boot benchmark, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for round in $(seq 1 "$ROUNDS"); do
  echo "-- round $round"
  $py "$(dirname "$0")/boots.py" "$LT_URL" "$TOKEN" "$project" "$image" "$flavor" "$COUNT" || echo "(round $round: not all ACTIVE)"
  # wait until the deletes of the round are through
  for _ in $(seq 1 120); do
    [ "$(api "$LT_URL/compute/v2.1/servers" | $py -c 'import json,sys; print(len(json.load(sys.stdin)["servers"]))')" = 0 ] && break
    sleep 0.5
  done
done
