#!/bin/bash
# make-tiny-guest.sh OUTDIR
#
# Builds VertStack's tiny bootable x86_64 guest from Debian packages only:
#   OUTDIR/vertstack-tiny.qcow2   MBR + FAT partition + syslinux + kernel + initramfs;
#                                 boots through SeaBIOS like any Glance image
#   OUTDIR/VERSION                kernel package and version used
#
# The guest (serial console ttyS0) runs a busybox-static initramfs and prints:
#   VERTSTACK-GUEST-BOOTED kernel=... uptime=...   as soon as userspace runs
#   VERTSTACK-GUEST-READY                          virtio modules and acpid are up
#   VERTSTACK-GUEST-NET <if> <ip/len>              after a DHCP lease (or "no-dhcp")
#   VERTSTACK-GUEST-DISKS <list>                   at boot and on every hot-plug change
#   VERTSTACK-GUEST-CONFIG-DRIVE uuid=... hostname=... keys=N   read from an ISO 9660 config drive
#                                                  (label config-2, as Nova writes it), or "none";
#   then VERTSTACK-GUEST-USER-DATA <first line>    and, when the user data starts with "#!", runs
#                                                  it as cloud-init would (its output on the console)
#   VERTSTACK-GUEST-SHUTDOWN                       on ACPI power-off
# It answers ping once it has an address. Kernel argument vertstack.marker=WORD adds
# "VERTSTACK-GUEST-MARKER WORD".
#
# Kernel: KERNEL_VERSION (an ABI such as 6.1.0-50) picks linux-image-<abi>-cloud-amd64.
# Debian drops old ABIs from its archive after point releases, so when the pinned one is gone
# the script falls back to whatever linux-image-cloud-amd64 depends on (KERNEL_STRICT=1 forbids).
# Deterministic for the same package versions (fixed mtimes, sorted cpio, gzip -n).
# Needs apt lists, apt-get download, dpkg-deb, cpio, gzip, qemu-img, sfdisk, mtools, syslinux;
# as root it apt-installs the missing tools.
set -euo pipefail

OUT=${1:?usage: $0 OUTDIR}
KERNEL_VERSION=${KERNEL_VERSION:-6.1.0-50}
BUSYBOX_PKG=${BUSYBOX_PKG:-busybox-static}
IMAGE_NAME=${IMAGE_NAME:-vertstack-tiny.qcow2}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export LC_ALL=C

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/debs" "$WORK/x" "$WORK/root"

# --- tools -----------------------------------------------------------------------------------
need=""
for t in apt-get:apt dpkg-deb:dpkg cpio:cpio gzip:gzip qemu-img:qemu-utils sfdisk:fdisk mcopy:mtools syslinux:syslinux; do
  command -v "${t%%:*}" >/dev/null || need="$need ${t##*:}"
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || need="$need syslinux-common"
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing tools (install as root):$need" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $need >&2
fi

# --- packages --------------------------------------------------------------------------------
KERNEL_PKG=linux-image-${KERNEL_VERSION}-cloud-amd64
if ! apt-cache show "$KERNEL_PKG" >/dev/null 2>&1; then
  if [ "${KERNEL_STRICT:-0}" = 1 ]; then
    echo "$KERNEL_PKG is not in the apt lists" >&2
    exit 1
  fi
  fallback=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$fallback" ]; then
    echo "neither $KERNEL_PKG nor linux-image-cloud-amd64 is known to apt; run apt-get update" >&2
    exit 1
  fi
  echo "note: $KERNEL_PKG not available, using $fallback" >&2
  KERNEL_PKG=$fallback
fi
echo "kernel package:  $KERNEL_PKG"
echo "busybox package: $BUSYBOX_PKG"
( cd "$WORK/debs" && apt-get download -q "$KERNEL_PKG" "$BUSYBOX_PKG" 2>&1 \
    | grep -v 'Download is performed unsandboxed' >&2 || true )
ls "$WORK"/debs/*.deb >/dev/null
for d in "$WORK"/debs/*.deb; do
  echo "  $(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version)"
  dpkg-deb -x "$d" "$WORK/x"
done

# --- initramfs -------------------------------------------------------------------------------
KVER=$(ls "$WORK/x/lib/modules" | head -1)
R=$WORK/root
mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,run,etc/acpi/PWRF,lib/modules,usr/share/udhcpc,var/run,var/log}
cp "$WORK/x/bin/busybox" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do
  [ "$a" = busybox ] && continue
  ln -s busybox "$R/bin/$a"
done
ln -s ../bin/busybox "$R/sbin/init"
ln -s bin/busybox "$R/init"

# load order matters: virtio_ring before virtio (else "Unknown symbol virtio_break_device")
MODS="drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko
drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci_legacy_dev.ko
drivers/virtio/virtio_pci.ko net/core/failover.ko drivers/net/net_failover.ko
drivers/net/virtio_net.ko drivers/block/virtio_blk.ko
drivers/virtio/virtio_balloon.ko drivers/char/hw_random/virtio-rng.ko
drivers/input/evdev.ko drivers/acpi/button.ko"
# the config drive is an IDE cdrom: loaded apart, in the background (ATA probing is slow under TCG)
CD_MODS="drivers/scsi/scsi_common.ko drivers/scsi/scsi_mod.ko drivers/ata/libata.ko
drivers/ata/ata_piix.ko drivers/cdrom/cdrom.ko drivers/scsi/sr_mod.ko fs/isofs/isofs.ko"
mkdir -p "$R/lib/modules/cd"
for set in "$R/lib/modules:$MODS" "$R/lib/modules/cd:$CD_MODS"; do
  dir=${set%%:*}
  : > "$dir/load-order"
  for m in ${set#*:}; do
    src=$WORK/x/lib/modules/$KVER/kernel/$m
    [ -f "$src" ] || { echo "missing module $m in $KERNEL_PKG" >&2; exit 1; }
    cp "$src" "$dir/"
    basename "$m" >> "$dir/load-order"
  done
done

cat > "$R/etc/inittab" <<'EOT'
::sysinit:/etc/rc.sh
::shutdown:/etc/shutdown.sh
EOT

cat > "$R/etc/rc.sh" <<'EOT'
#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts
echo "VERTSTACK-GUEST-BOOTED kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
for arg in $(cat /proc/cmdline); do
  case "$arg" in vertstack.marker=*) echo "VERTSTACK-GUEST-MARKER ${arg#vertstack.marker=}";; esac
done
while read -r m; do err=$(insmod /lib/modules/$m 2>&1) || echo "VERTSTACK-GUEST-WARN insmod $m: $err"; done < /lib/modules/load-order
hostname vertstack-tiny
ip link set lo up
# busybox acpid exits silently without /var/log
acpid -c /etc/acpi -l /var/log/acpid.log || echo "VERTSTACK-GUEST-WARN acpid failed"
echo "VERTSTACK-GUEST-READY"
(
  sleep 0.3
  for n in /sys/class/net/*; do
    i=${n##*/}; [ "$i" = lo ] && continue
    ip link set "$i" up
    udhcpc -i "$i" -n -q -t 5 -T 1 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 \
      && echo "VERTSTACK-GUEST-NET $i $(ip -4 -o addr show dev $i | awk '{print $4}')" \
      || echo "VERTSTACK-GUEST-NET $i no-dhcp"
  done
) &
(
  while read -r m; do insmod /lib/modules/cd/$m 2>/dev/null; done < /lib/modules/cd/load-order
  n=0
  while [ ! -b /dev/sr0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  mkdir -p /mnt/config
  if [ -b /dev/sr0 ] && mount -t iso9660 -o ro /dev/sr0 /mnt/config 2>/dev/null \
      && [ -f /mnt/config/openstack/latest/meta_data.json ]; then
    md=/mnt/config/openstack/latest/meta_data.json
    uuid=$(sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p' $md)
    host=$(sed -n 's/.*"hostname": *"\([^"]*\)".*/\1/p' $md)
    keys=$(grep -o '"type": *"ssh"' $md | wc -l)
    echo "VERTSTACK-GUEST-CONFIG-DRIVE uuid=$uuid hostname=$host keys=$keys"
    ud=/mnt/config/openstack/latest/user_data
    if [ -f $ud ]; then
      echo "VERTSTACK-GUEST-USER-DATA $(head -c 120 $ud | head -n 1)"
      if [ "$(head -c 2 $ud)" = "#!" ]; then
        cp $ud /tmp/user-data && chmod 700 /tmp/user-data && /tmp/user-data
      fi
    fi
  else
    echo "VERTSTACK-GUEST-CONFIG-DRIVE none"
  fi
) &
(
  last="-"
  while :; do
    cur=$(awk 'NR>2{printf "%s ", $4}' /proc/partitions)
    [ "$cur" != "$last" ] && echo "VERTSTACK-GUEST-DISKS ${cur:-none}" && last=$cur
    sleep 1
  done
) &
EOT

cat > "$R/etc/shutdown.sh" <<'EOT'
#!/bin/sh
echo "VERTSTACK-GUEST-SHUTDOWN"
sync
EOT

cat > "$R/etc/acpi/PWRF/00000080" <<'EOT'
#!/bin/sh
exec poweroff
EOT

cat > "$R/usr/share/udhcpc/default.script" <<'EOT'
#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via ${router%% *} dev "$interface"
    : > /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done ;;
  deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
EOT
chmod 755 "$R/etc/rc.sh" "$R/etc/shutdown.sh" "$R/etc/acpi/PWRF/00000080" "$R/usr/share/udhcpc/default.script"
echo "vertstack-tiny" > "$R/etc/hostname"

# init gets no stdout without /dev/console in the initramfs
if ! mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null; then
  echo "warning: mknod failed (not root?): /dev/console missing, serial markers may not show" >&2
fi

find "$R" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
( cd "$R" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible --quiet ) \
  | gzip -n -9 > "$WORK/initrd.img"
cp "$WORK/x/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
touch -d "@$SOURCE_DATE_EPOCH" "$WORK/vmlinuz" "$WORK/initrd.img"

# --- disk: MBR + FAT + syslinux --------------------------------------------------------------
IMG=$WORK/disk.raw
K=$(( ($(stat -c %s "$WORK/vmlinuz") + $(stat -c %s "$WORK/initrd.img")) / 1048576 + 8 ))
truncate -s "$(( K + 1 ))M" "$IMG"   # +1 MiB for the MBR gap
printf 'label: dos\nlabel-id: 0x7e1e0001\nstart=2048, type=c, bootable\n' | sfdisk -q "$IMG"
PART="$IMG@@1M"
export MTOOLS_SKIP_CHECK=1
mformat -i "$PART" -v VERTSTACK -N 7e1e0001 -h 64 -s 32 -T $(( K * 2048 )) ::
cat > "$WORK/syslinux.cfg" <<'EOT'
SERIAL 0 115200
DEFAULT tiny
PROMPT 0
TIMEOUT 0
LABEL tiny
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0 quiet
EOT
touch -d "@$SOURCE_DATE_EPOCH" "$WORK/syslinux.cfg"
mcopy -m -i "$PART" "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/syslinux.cfg" ::/
syslinux --offset 1048576 --install "$IMG"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$IMG" conv=notrunc bs=440 count=1 status=none
# write under a temporary name first so a reader never sees a half-written image
qemu-img convert -q -f raw -O qcow2 -c "$IMG" "$WORK/out.qcow2"
mv -f "$WORK/out.qcow2" "$OUT/$IMAGE_NAME"
echo "$KERNEL_PKG $KVER" > "$OUT/VERSION"
printf '%s %d bytes sha256=%s\n' "$OUT/$IMAGE_NAME" "$(stat -c %s "$OUT/$IMAGE_NAME")" \
  "$(sha256sum "$OUT/$IMAGE_NAME" | cut -c1-16)"
