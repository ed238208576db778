#!/usr/bin/env bash
# Compute benchmark (a) on the test driver: POST /servers -> ACTIVE, one at a time, beside
# libvirt's own define+start of the same domain (virsh --timing), in the same run.
LT_NO_WRK=1
source "$(dirname "$0")/../lib.sh"
start_node --set compute.libvirt-uri=test:///default --set image.tiny-guest=false
TOKEN=$(admin_token)
image=$(curl -fsS -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "$LT_URL/image/v2/images" \
  -d '{"name": "bench", "disk_format": "raw", "container_format": "bare"}' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
head -c 4096 /dev/zero | curl -fsS -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
  --data-binary @- "$LT_URL/image/v2/images/$image/file"
for _ in $(seq 1 60); do
  curl -fsS -H "X-Auth-Token: $TOKEN" "$LT_URL/compute/v2.1/os-hypervisors" | grep -q hypervisor_hostname && break
  sleep 0.5
done
echo "VertStack boot vs libvirt, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
/usr/bin/python3 "$(dirname "$0")/boot_vs_libvirt.py" "$LT_URL" "$TOKEN" "$image" 42 "${N:-15}"
