#!/usr/bin/env bash
# Builds the VM tier's guest from Debian packages only, cached under e2e/target/vm/ by a hash of its inputs:
# - both kernels (bookworm's 6.1 and bookworm-backports' 6.12), fetched with `apt-get download` and unpacked,
#   never installed on the host;
# - a bookworm root filesystem made by mmdebstrap (systemd as PID 1; packages in image-packages.txt; both
#   kernels' modules in /lib/modules; guest/customize.sh), as a raw ext4 image written by `mkfs.ext4 -d` (no
#   loop device, no mount);
# - per kernel, a busybox initramfs with the modules that reach the root disk (virtio-blk, ext4) and 9p.
# Prints the path of the file describing the result (vm.env: ROOTFS, KERNEL_<series>, INITRD_<series>).
# A second run with the same inputs does nothing but check the hash.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || vm_die "build-image.sh: mmdebstrap and the image need root"

SERIES="6.1 6.12"
vm_host_tools
mkdir -p "$VM_CACHE"
exec 9> "$VM_CACHE/.build.lock"
flock 9

vm_apt_update
kdirs=""
kpkgs=""
for s in $SERIES; do
  d=$(vm_kernel_dir "$s")
  kdirs="$kdirs $d"
  kpkgs="$kpkgs $(basename "$d")"
done

# The base tree, made by mmdebstrap from image-packages.txt alone, is cached as a tarball of its own, keyed by
# that list and this function: changing a guest file or a kernel only redoes the cheap steps below.
make_base() {
  local packages
  packages=$(grep -v '^\s*#' "$VM_SRC/image-packages.txt" | xargs | tr ' ' ',')
  vm_load_indextargets
  mapfile -t mirrors < <(vm_mirror_lines)
  vm_log "mmdebstrap bookworm ($packages)"
  nice -n 10 mmdebstrap --mode=root --variant=minbase --format=tar --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/usr/share/man/*' \
    bookworm "$1" "${mirrors[@]}" >&2
}
base_hash=$( { cat "$VM_SRC/image-packages.txt"; declare -f make_base; } | sha256sum | cut -c1-16)
base="$VM_CACHE/base-$base_hash.tar.zst"

# The image's inputs: the base, these scripts, the guest files and the kernel packages' names (which carry their
# versions). The date of the archive is not an input: a rebuild is asked for by changing one of them.
hash=$( { echo "$base_hash"; cat "$VM_SRC/build-image.sh" "$VM_SRC/lib.sh" "$VM_SRC"/guest/* \
            "$VM_SRC"/initramfs/*; echo "$kpkgs"; } | sha256sum | cut -c1-16)
img="$VM_CACHE/rootfs-$hash.img"
env_file="$VM_CACHE/vm-$hash.env"
if [ -f "$env_file" ] && [ -f "$img" ]; then
  vm_log "image $img is current (inputs $hash)"
  ln -sf "$(basename "$env_file")" "$VM_CACHE/vm.env"
  echo "$env_file"
  exit 0
fi

work="$VM_CACHE/build-$hash"
cleanup() {
  rm -f "$base.tmp.tar.zst"
  # mmdebstrap unmounts what it mounted; never delete below a mount point that something left behind
  if [ -d "$work" ]; then
    if findmnt -rn -o TARGET | grep -q "^$work/"; then
      vm_log "left $work in place: something is still mounted below it"
    else
      rm -rf --one-file-system "$work"
    fi
  fi
}
trap cleanup EXIT
cleanup
mkdir -p "$work/root"

start=$(date +%s)
if [ ! -f "$base" ]; then
  make_base "$base.tmp.tar.zst"
  mv "$base.tmp.tar.zst" "$base"
  vm_log "mmdebstrap took $(( $(date +%s) - start )) s"
  for old in "$VM_CACHE"/base-*.tar.zst; do [ "$old" = "$base" ] || rm -f "$old"; done
else
  vm_log "base $base is current (packages $base_hash)"
fi
tar --zstd -xpf "$base" -C "$work/root" --numeric-owner --xattrs --xattrs-include='*'
VM_SRC="$VM_SRC" VM_KERNEL_DIRS="$kdirs" "$VM_SRC/guest/customize.sh" "$work/root"

# Per kernel: the initramfs with virtio_blk, ext4 and 9p (a modprobe costs seconds under TCG) and what they
# need (from the guest's modules.dep, in load order), uncompressed so that busybox insmod loads them.
for d in $kdirs; do
  rel=$(vm_kernel_release "$d")
  s=$(for x in $SERIES; do case "$rel" in "$x".*) echo "$x";; esac; done | tail -1)
  ird="$work/initrd-$rel"
  mkdir -p "$ird/bin" "$ird/modules" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/newroot"
  cp /bin/busybox "$ird/bin/busybox"
  install -m 0755 "$VM_SRC/initramfs/init" "$ird/init"
  moddir="$work/root/lib/modules/$rel"
  awk -v want="virtio_pci virtio_blk crc32c_generic ext4 9pnet_virtio 9p" '
    function base(p) { sub(/.*\//, "", p); sub(/\.ko(\.xz|\.zst)?$/, "", p); gsub(/-/, "_", p); return p }
    function load(p,   i, n, ds) {
      if (p in done) return; done[p] = 1
      n = split(deps[p], ds, " ")
      for (i = n; i >= 1; i--) load(ds[i])
      print p
    }
    { p = $1; sub(/:$/, "", p); deps[p] = ""; for (i = 2; i <= NF; i++) deps[p] = deps[p] " " $i; byname[base(p)] = p }
    END { n = split(want, w, " "); for (i = 1; i <= n; i++) if (w[i] in byname) load(byname[w[i]]) }
  ' "$moddir/modules.dep" > "$ird/modules.list"
  : > "$ird/modules.load"
  while read -r m; do
    b=$(basename "$m"); b=${b%.xz}; b=${b%.zst}
    case "$m" in
      *.xz) xz -dc "$moddir/$m" > "$ird/modules/$b" ;;
      *.zst) zstd -qdc "$moddir/$m" > "$ird/modules/$b" ;;
      *) cp "$moddir/$m" "$ird/modules/$b" ;;
    esac
    echo "$b" >> "$ird/modules.load"
  done < "$ird/modules.list"
  vm_log "initramfs $rel: $(xargs < "$ird/modules.load")"
  (cd "$ird" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$VM_CACHE/initrd-$hash-$rel.img"
  cp "$d/boot/vmlinuz-$rel" "$VM_CACHE/vmlinuz-$rel"
  echo "KERNEL_${s//./_}=$VM_CACHE/vmlinuz-$rel" >> "$work/vm.env"
  echo "INITRD_${s//./_}=$VM_CACHE/initrd-$hash-$rel.img" >> "$work/vm.env"
  echo "RELEASE_${s//./_}=$rel" >> "$work/vm.env"
done

# The root disk: the tree plus 3 GiB of room for the tests (images, overlays, logs); a sparse file.
used=$(du -sm "$work/root" | cut -f1)
size=$(( used * 12 / 10 + 3072 ))
rm -f "$img.tmp"
truncate -s "${size}M" "$img.tmp"
mkfs.ext4 -q -F -L jcri-vm -E lazy_itable_init=0,lazy_journal_init=0 -d "$work/root" "$img.tmp" >&2
mv "$img.tmp" "$img"
echo "ROOTFS=$img" >> "$work/vm.env"
mv "$work/vm.env" "$env_file"
# the current image and the two built before it are kept (checkouts sharing a cache may differ in inputs)
# (grep -v finds nothing in a fresh cache: not an error)
keep=$(ls -t "$VM_CACHE"/vm-*.env | sed 's|.*/vm-\(.*\)\.env$|\1|' | { grep -v "^$hash$" || true; } | head -2 | xargs)
for old in "$VM_CACHE"/rootfs-*.img "$VM_CACHE"/initrd-*.img "$VM_CACHE"/vm-*.env; do
  keep_it=no
  for h in $hash $keep; do case "$old" in *"$h"*) keep_it=yes ;; esac; done
  [ "$keep_it" = yes ] || rm -f "$old"
done
ln -sf "$(basename "$env_file")" "$VM_CACHE/vm.env"
vm_log "built $img (${size} MiB, $(( $(date +%s) - start )) s in all)"
echo "$env_file"
