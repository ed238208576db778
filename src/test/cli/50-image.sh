# Image (Glance v2) with the real openstack CLI: upload, list, show, properties, sharing between
# projects, download compared byte for byte, refusals, delete.
cd "$VS_WORK"

# A small valid qcow2 (v3 header, 64 MiB virtual) followed by random clusters, and a raw file.
/usr/bin/python3 - <<'PY'
import os, struct
hdr = bytearray(512)
struct.pack_into(">4sIQIIQIIQQIIQQQII", hdr, 0, b"QFI\xfb", 3, 0, 0, 16, 64 << 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 104)
with open("disk.qcow2", "wb") as f:
    f.write(hdr)
    f.write(os.urandom(2 * 1024 * 1024 - 512))
with open("plain.raw", "wb") as f:
    f.write(os.urandom(300 * 1024))
PY

img=$(step openstack image create --file disk.qcow2 --disk-format qcow2 --container-format bare cli-image -f value -c id)
expect_line active openstack image show "$img" -f value -c status
expect_line 67108864 openstack image show "$img" -f value -c virtual_size
expect_line "$(md5sum disk.qcow2 | cut -d' ' -f1)" openstack image show "$img" -f value -c checksum
pub=$(step openstack image create --public --file disk.qcow2 --disk-format qcow2 --container-format bare cli-public -f value -c id)
expect_line public openstack image show "$pub" -f value -c visibility
expect_line "cli-image qcow2 bare active" openstack image list --long -f value -c Name -c "Disk Format" -c "Container Format" -c Status
step openstack image set --property os_distro=vertstack --property hw_disk_bus=virtio --min-ram 64 "$img"
expect_line ".*'os_distro': 'vertstack'.*" openstack image show "$img" -f value -c properties
expect_line 64 openstack image show "$img" -f value -c min_ram
step openstack image save --file saved.qcow2 "$img"
cmp disk.qcow2 saved.qcow2

# Bytes that are not what disk_format says are refused (400), and no image becomes active.
expect_fail 400 openstack image create --file plain.raw --disk-format qcow2 --container-format bare cli-liar
out=$(openstack image list --long -f value -c Name -c Status)
! grep -q "^cli-liar active" <<<"$out" || { echo "a refused upload became active"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$VS_URL/image/")
[ "$code" = 300 ] || { echo "GET /image/ answered $code"; exit 1; }

# Two projects with one member user each.
step openstack project create cli-img-a -f value -c id >/dev/null
step openstack project create cli-img-b -f value -c id >/dev/null
pa=$(openstack project show cli-img-a -f value -c id)
pb=$(openstack project show cli-img-b -f value -c id)
for p in a b; do
  step openstack user create --password "img-$p-pass" "cli-img-user-$p" -f value -c id >/dev/null
  step openstack role add --project "cli-img-$p" --user "cli-img-user-$p" member
done
as() {
  local p=$1; shift
  env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE OS_AUTH_URL="$VS_URL/identity/v3" OS_IDENTITY_API_VERSION=3 \
    OS_USERNAME="cli-img-user-$p" OS_PASSWORD="img-$p-pass" OS_USER_DOMAIN_NAME=Default \
    OS_PROJECT_NAME="cli-img-$p" OS_PROJECT_DOMAIN_NAME=Default "$@"
}
export -f as
priv=$(as a openstack image create --private --file disk.qcow2 --disk-format qcow2 --container-format bare a-private -f value -c id)
shared=$(as a openstack image create --shared --file disk.qcow2 --disk-format qcow2 --container-format bare a-shared -f value -c id)
# a private image (and a shared one not yet shared) is invisible to another project
expect_fail 404 as b openstack image show "$priv"
out=$(as b openstack image list -f value -c ID)
! grep -q -e "$priv" -e "$shared" <<<"$out" || { echo "project b sees project a's images"; exit 1; }
expect_fail 4xx as b openstack image delete "$priv"
# share: a adds b as a member, b accepts, then b lists it
step as a openstack image add project "$shared" "$pb" >/dev/null
expect_line pending as a openstack image member list "$shared" -f value -c Status
step as b openstack image set --accept "$shared"
expect_line accepted as a openstack image member list "$shared" -f value -c Status
expect_line "$shared" as b openstack image list -f value -c ID
out=$(as b openstack image list -f value -c ID)
! grep -q -e "$priv" <<<"$out" || { echo "project b sees project a's private image"; exit 1; }
as b openstack image save --file shared.qcow2 "$shared"
cmp disk.qcow2 shared.qcow2
# b may read it but not change it
expect_fail 4xx as b openstack image set --name stolen "$shared"

# The interoperable import (glance-direct: stage, then import) with the client's --import.
imp=$(step openstack image create --import --file disk.qcow2 --disk-format qcow2 --container-format bare cli-import -f value -c id)
for _ in $(seq 1 20); do
  [ "$(openstack image show "$imp" -f value -c status)" = active ] && break
  sleep 0.5
done
expect_line active openstack image show "$imp" -f value -c status

step openstack image delete "$img" "$pub" "$imp"
expect_fail 404 openstack image show "$img"
step as a openstack image delete "$priv" "$shared"
echo "image walk: ok"
