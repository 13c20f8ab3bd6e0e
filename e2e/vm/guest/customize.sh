#!/bin/bash
# Makes the bookworm tree that mmdebstrap made ($1) a VM tier guest. Run on the host by build-image.sh, with
# VM_SRC (e2e/vm) and VM_KERNEL_DIRS (unpacked kernel packages) in the environment. Units are enabled and
# masked with plain symlinks, as `systemctl enable/mask` would make them, so that nothing runs in the tree.
set -euo pipefail
root=$1

echo jcri-vm > "$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 jcri-vm\n::1 localhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
# no fsck at boot: the disk is fresh (and opened with snapshot=on, so it never changes)
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' > "$root/etc/fstab"
# a fixed machine id: an empty one makes every boot a "first boot" (systemd presets every unit again)
tr -d - < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"

install -m 0755 "$VM_SRC/guest/jcri-vm-run" "$root/usr/local/sbin/jcri-vm-run"
install -m 0644 "$VM_SRC/guest/jcri-vm-run.service" "$root/etc/systemd/system/jcri-vm-run.service"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/jcri-vm-run.service "$root/etc/systemd/system/multi-user.target.wants/"
# what costs boot time under TCG and serves no test; the registry is started by the tests that want it
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer \
         man-db.timer dpkg-db-backup.timer docker-registry.service systemd-timesyncd.service getty@tty1.service \
         serial-getty@ttyS0.service modprobe@drm.service modprobe@efi_pstore.service modprobe@dm_mod.service \
         systemd-pstore.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done
ln -sf /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"

# The kernels' modules for the guest's own use (overlay, bridge, veth, br_netfilter, nf_*, 9p, ...), without
# the hardware drivers a VM never loads; depmod makes modprobe work.
for k in $VM_KERNEL_DIRS; do
  rel=$(ls "$k/lib/modules")
  mkdir -p "$root/lib/modules"
  tar -C "$k/lib/modules" \
    --exclude="$rel/kernel/drivers/gpu" --exclude="$rel/kernel/drivers/media" \
    --exclude="$rel/kernel/drivers/net/wireless" --exclude="$rel/kernel/drivers/net/ethernet" \
    --exclude="$rel/kernel/drivers/infiniband" --exclude="$rel/kernel/drivers/staging" \
    --exclude="$rel/kernel/drivers/usb" --exclude="$rel/kernel/drivers/bluetooth" \
    --exclude="$rel/kernel/drivers/iio" --exclude="$rel/kernel/drivers/hid" \
    --exclude="$rel/kernel/drivers/isdn" --exclude="$rel/kernel/drivers/mtd" \
    --exclude="$rel/kernel/drivers/scsi" --exclude="$rel/kernel/drivers/input" \
    --exclude="$rel/kernel/drivers/comedi" --exclude="$rel/kernel/net/bluetooth" \
    --exclude="$rel/kernel/net/wireless" --exclude="$rel/kernel/net/mac80211" \
    --exclude="$rel/kernel/sound" \
    -cf - "$rel" | tar -C "$root/lib/modules" -xf -
  # uncompressed: under TCG a module's xz decompression at load time costs seconds
  find "$root/lib/modules/$rel" -name '*.ko.xz' -print0 | xargs -0 -r -n 64 xz -d
  chroot "$root" depmod -a "$rel"
done
# The emulated machine's own devices, which udev would load drivers for at every boot and no test uses
# (q35's AHCI and SMBus, the TCO watchdog, and KVM itself: `-cpu max` advertises SVM/VMX). blacklist only stops
# loading by device alias: `modprobe NAME` still works.
printf 'blacklist %s\n' ahci libata i2c_i801 lpc_ich iTCO_wdt iTCO_vendor_support kvm kvm_amd kvm_intel \
  powernow_k8 pcspkr serio_raw joydev evdev intel_pmc_bxt > "$root/etc/modprobe.d/jcri-vm.conf"
