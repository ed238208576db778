#!/usr/bin/env bash
# Image benchmark: upload and download of one SIZE_MIB image (default 1 GiB) through Glance v2
# (PUT/GET /image/v2/images/{id}/file: client -> image service -> object store or file store),
# beside the object store's own PUT/GET of the same bytes in the same run when the node has one.
# Loopback only. MB/s = 10^6 bytes per second as curl reports it; MiB/s is printed too.
source "$(dirname "$0")/../lib.sh"
SIZE_MIB=${SIZE_MIB:-1024}
start_node
TOKEN=$(admin_token)
work="$LT_STATE/bench"
mkdir -p "$work"
data="$work/image.raw"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$data"
md5=$(md5sum "$data" | cut -d' ' -f1)

# rate NAME CURL-ARGS...: one transfer, prints a line with MB/s and MiB/s
rate() {
  local name=$1; shift
  local out code secs bytes
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_upload} %{size_download}' -H "X-Auth-Token: $TOKEN" "$@")
  read -r code secs up down <<<"$out"
  bytes=$(( ${up%.*} > ${down%.*} ? ${up%.*} : ${down%.*} ))
  awk -v n="$name" -v c="$code" -v s="$secs" -v b="$bytes" 'BEGIN {
    printf "%-44s %8.1f MB/s %8.1f MiB/s  (%d bytes in %.2f s, HTTP %s)\n", n, b / s / 1e6, b / s / 1048576, b, s, c }'
}

echo "VertStack image benchmark, $(nproc) cores, $(date -u +%FT%TZ), ${SIZE_MIB} MiB of random data"
id=$(curl -fsS -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "$LT_URL/image/v2/images" \
  -d '{"name": "bench", "disk_format": "raw", "container_format": "bare"}' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
store=$(curl -fsS -H "X-Auth-Token: $TOKEN" "$LT_URL/image/v2/info/stores" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["stores"][0]["id"])')
rate "image upload   PUT /image/v2/images/{id}/file" -T "$data" -H 'Content-Type: application/octet-stream' "$LT_URL/image/v2/images/$id/file"
got=$(curl -fsS -H "X-Auth-Token: $TOKEN" "$LT_URL/image/v2/images/$id" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["checksum"])')
[ "$got" = "active $md5" ] || { echo "image is not active with the right checksum: $got" >&2; exit 1; }
rate "image download GET /image/v2/images/{id}/file" "$LT_URL/image/v2/images/$id/file"
echo "(image store: $store)"

# The object store's own number for the same bytes, in the admin's account.
project=$(curl -fsS -H "X-Auth-Token: $TOKEN" "$LT_URL/identity/v3/auth/tokens" -H "X-Subject-Token: $TOKEN" \
  | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"]["project"]["id"])')
swift="$LT_URL/object-store/v1/AUTH_$project"
if [[ "$(curl -s -o /dev/null -w "%{http_code}" -X PUT -H "X-Auth-Token: $TOKEN" "$swift/bench")" =~ ^20[12]$ ]]; then
  rate "object PUT     /object-store/v1/.../bench/o" -T "$data" "$swift/bench/o"
  rate "object GET     /object-store/v1/.../bench/o" "$swift/bench/o"
else
  echo "object store: not on this node (no /object-store), no comparison"
fi
curl -fsS -o /dev/null -X DELETE -H "X-Auth-Token: $TOKEN" "$LT_URL/image/v2/images/$id"
