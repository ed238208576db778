# Compute (Nova v2.1) with the real openstack CLI: flavors, key pairs, hypervisors and services, a
# server of the tiny guest image booted to ACTIVE (a real QEMU guest when libvirtd runs: its
# console shows the guest's boot marker), stop/start/reboot, the instances quota, metadata and tags,
# a snapshot that boots a second server, shelve/unshelve, resize + confirm, rebuild, delete.
cd "$VS_WORK"
# OSC 6.0 sends "--nic none" only at compute API 2.37 or later (against Nova too); 2.79 is ours.
export OS_COMPUTE_API_VERSION=2.79

expect_line "m1.tiny" openstack flavor list -f value -c Name
expect_line "128" openstack flavor show m1.nano -f value -c ram
openstack keypair create cli-key > cli-key.pem
grep -q "BEGIN PRIVATE KEY" cli-key.pem
expect_line "cli-key ssh" openstack keypair list -f value -c Name -c Type

# The compute agent registers its host in the background.
for _ in $(seq 1 60); do
  [ "$(openstack hypervisor list -f value -c State 2>/dev/null | head -1)" = up ] && break
  sleep 1
done
expect_line "up" openstack hypervisor list -f value -c State
htype=$(openstack hypervisor list -f value -c "Hypervisor Type" | head -1)
echo "hypervisor type: $htype" >&2
expect_line "nova-compute enabled up" openstack compute service list -f value -c Binary -c Status -c State
expect_line "nova" openstack availability zone list --compute -f value -c "Zone Name"

# The tiny guest image is imported in the background at first start (built if not cached).
for _ in $(seq 1 240); do
  [ "$(openstack image show vertstack-tiny -f value -c status 2>/dev/null)" = active ] && break
  sleep 1
done
expect_line active openstack image show vertstack-tiny -f value -c status

step openstack server create --image vertstack-tiny --flavor m1.tiny --nic none --key-name cli-key --wait cli-vm -f value -c id >/dev/null
expect_line "ACTIVE" openstack server show cli-vm -f value -c status
expect_line "cli-vm ACTIVE" openstack server list -f value -c Name -c Status
expect_line "cli-key" openstack server show cli-vm -f value -c key_name
if [ "$htype" = QEMU ]; then
  # a real TCG guest: its serial console reaches the boot marker within a few seconds
  booted=""
  for _ in $(seq 1 120); do
    if openstack console log show cli-vm | grep -q VERTSTACK-GUEST-BOOTED; then booted=yes; break; fi
    sleep 1
  done
  [ -n "$booted" ] || { echo "no boot marker on the console:"; openstack console log show cli-vm; exit 1; }
  echo "guest booted: $(openstack console log show cli-vm | grep VERTSTACK-GUEST-BOOTED)" >&2
else
  step openstack console log show cli-vm >/dev/null
fi

# The instances quota: with a limit of 1, a second server is refused with 403 naming the quota.
step openstack quota set --instances 1 admin
expect_line "1" openstack quota show admin -f value -c instances
if out=$(openstack server create --image vertstack-tiny --flavor m1.tiny --nic none cli-vm2 2>&1); then
  echo "FAILED: a server over the instances quota was accepted"; exit 1
fi
grep -q "Quota exceeded" <<<"$out" && grep -q "instances" <<<"$out" && grep -q "HTTP 403" <<<"$out" \
  || { echo "FAILED: unexpected refusal: $out"; exit 1; }
step openstack quota set --instances 10 admin

wait_status() {
  for _ in $(seq 1 90); do
    [ "$(openstack server show cli-vm -f value -c status)" = "$1" ] && return 0
    sleep 1
  done
  echo "FAILED: cli-vm never reached $1" >&2; return 1
}
step openstack server stop cli-vm
wait_status SHUTOFF
expect_line "4" openstack server show cli-vm -f value -c OS-EXT-STS:power_state
expect_fail 409 openstack server pause cli-vm
step openstack server start cli-vm
wait_status ACTIVE
step openstack server reboot --hard --wait cli-vm
expect_line "ACTIVE" openstack server show cli-vm -f value -c status
step openstack server reboot --wait cli-vm
expect_line "ACTIVE" openstack server show cli-vm -f value -c status
expect_line "create" openstack server event list cli-vm -f value -c Action
expect_line "stop" openstack server event list cli-vm -f value -c Action
expect_line "20" openstack quota show admin -f value -c cores
expect_line "1" openstack hypervisor show "$(openstack hypervisor list -f value -c 'Hypervisor Hostname' | head -1)" -f value -c vcpus_used
expect_line ".*'name': 'cli-vm'.*" openstack usage show -f value -c Servers

# Metadata and tags on the server.
step openstack server set --property role=web --tag blue cli-vm
expect_line ".*'role': 'web'.*" openstack server show cli-vm -f value -c properties
expect_line ".*blue.*" openstack server show cli-vm -f value -c tags

# A snapshot: the root disk (the overlay with its backing image folded in) captured while the
# guest is paused and uploaded as a new image, from which a second server boots.
step openstack server image create --name cli-snap --wait cli-vm >/dev/null
expect_line active openstack image show cli-snap -f value -c status
snap_props=$(openstack image show cli-snap -f json)
for prop in '"image_type": "snapshot"' "\"instance_uuid\": \"$(openstack server show cli-vm -f value -c id)\"" \
    "\"base_image_ref\": \"$(openstack image show vertstack-tiny -f value -c id)\""; do
  grep -q "$prop" <<<"$snap_props" || { echo "FAILED: the snapshot lacks $prop: $snap_props"; exit 1; }
done
expect_line "ACTIVE" openstack server show cli-vm -f value -c status
step openstack server create --image cli-snap --flavor m1.tiny --nic none --wait cli-vm2 -f value -c id >/dev/null
expect_line "ACTIVE" openstack server show cli-vm2 -f value -c status
wait_marker() {
  for _ in $(seq 1 120); do
    openstack console log show "$1" | grep -q VERTSTACK-GUEST-BOOTED && return 0
    sleep 1
  done
  echo "FAILED: no boot marker on the console of $1:"; openstack console log show "$1"; return 1
}
if [ "$htype" = QEMU ]; then
  wait_marker cli-vm2
  echo "booted from the snapshot: $(openstack console log show cli-vm2 | grep VERTSTACK-GUEST-BOOTED)" >&2
fi

# Shelve offloads the second server (its domain and disks go, the host claim is given back);
# unshelve boots it again from the shelved snapshot.
step openstack server shelve --wait cli-vm2
expect_line "SHELVED_OFFLOADED" openstack server show cli-vm2 -f value -c status
expect_line "1" openstack hypervisor show "$(openstack hypervisor list -f value -c 'Hypervisor Hostname' | head -1)" -f value -c vcpus_used
step openstack server unshelve --wait cli-vm2
expect_line "ACTIVE" openstack server show cli-vm2 -f value -c status
[ "$htype" = QEMU ] && wait_marker cli-vm2

# Resize to a bigger flavor, then confirm; the server keeps running its disk.
step openstack server resize --flavor m1.small --wait cli-vm
expect_line "VERIFY_RESIZE" openstack server show cli-vm -f value -c status
step openstack server resize confirm cli-vm
wait_status ACTIVE
expect_line ".*'original_name': 'm1.small'.*" openstack server show cli-vm -f value -c flavor
# Rebuild from the snapshot, same flavor.
step openstack server rebuild --image cli-snap --wait cli-vm
expect_line "ACTIVE" openstack server show cli-vm -f value -c status
[ "$htype" = QEMU ] && wait_marker cli-vm

step openstack server delete --wait cli-vm2
step openstack image delete cli-snap
step openstack server delete --wait cli-vm
out=$(openstack server list -f value -c Name)
[ -z "$out" ] || { echo "FAILED: servers left: $out"; exit 1; }
expect_fail 404 openstack server show cli-vm
step openstack keypair delete cli-key
