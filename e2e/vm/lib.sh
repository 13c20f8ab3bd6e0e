# Sourced by the VM tier's scripts (build-image.sh, run-in-vm.sh). Paths, the host tools, and the Debian
# kernels, which are fetched with `apt-get download` through a private sources list and unpacked with
# `dpkg-deb -x`: nothing here installs a kernel on the host or changes the host's apt configuration.

VM_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_SRC="$VM_REPO/e2e/vm"
VM_DIR="${JCRI_VM_DIR:-$VM_REPO/e2e/target/vm}"
# The built guest (kernels, base tree, root image, initramfs) is read by qemu on the host only, so it may live
# outside the checkout and be shared by several checkouts (JCRI_VM_CACHE); the run directories and the test
# classpath stay in VM_DIR, inside the checkout, which the guest mounts over 9p.
VM_CACHE="${JCRI_VM_CACHE:-$VM_DIR}"
VM_APT="$VM_CACHE/apt"
VM_KERNELS="$VM_CACHE/kernels"

vm_log() { echo "vm: $*" >&2; }
vm_die() { echo "vm: $*" >&2; exit 1; }

# The host's tools: qemu, mmdebstrap, cpio (for the initramfs). Installed once, idempotently.
vm_host_tools() {
  local p missing=""
  for p in qemu-system-x86 mmdebstrap cpio busybox-static e2fsprogs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  vm_log "installing on the host:$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 $missing >&2 \
    || { apt-get update -q -o DPkg::Lock::Timeout=600 >&2 &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           -o DPkg::Lock::Timeout=600 $missing >&2; }
}

# The Debian archive and security URIs the host's apt already uses (so no mirror is named here), e.g.
# "http://host/debian/" for "bookworm" and "http://host/debian-security/" for "bookworm-security".
# (apt-get indextargets takes seconds: read once, in the calling shell, by vm_load_indextargets)
VM_INDEXTARGETS=""
vm_load_indextargets() {
  [ -n "$VM_INDEXTARGETS" ] \
    || VM_INDEXTARGETS=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null)
}
vm_repo_uri() {
  vm_load_indextargets
  echo "$VM_INDEXTARGETS" | awk -v s="$1" '$1 == s { print $2; exit }'
}

vm_mirror_lines() {
  local main sec
  main=$(vm_repo_uri bookworm); sec=$(vm_repo_uri bookworm-security)
  [ -n "$main" ] || vm_die "the host's apt has no bookworm source (apt-get indextargets); run apt-get update"
  echo "deb $main bookworm main"
  [ -n "$(vm_repo_uri bookworm-updates)" ] && echo "deb $(vm_repo_uri bookworm-updates) bookworm-updates main"
  [ -n "$sec" ] && echo "deb $sec bookworm-security main"
  return 0
}

# apt options that point apt-get at the private sources list and lists dir only.
vm_apt_opts() {
  echo "-o Dir::Etc::sourcelist=$VM_APT/sources.list -o Dir::Etc::sourceparts=- \
-o Dir::State::Lists=$VM_APT/lists -o Dir::Cache=$VM_APT/cache -o Dir::State::status=/dev/null \
-o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root"
}

# The private list: bookworm (+ security) for 6.1 and bookworm-backports for 6.12, refreshed once a day (so a
# kernel update within a day is not seen).
vm_apt_update() {
  mkdir -p "$VM_APT/lists/partial" "$VM_APT/cache/archives/partial"
  [ -f "$VM_APT/sources.list" ] \
    && [ -n "$(find "$VM_APT/lists" -maxdepth 1 -name '*backports*Packages*' -mmin -1440 2>/dev/null)" ] \
    && return 0
  local main
  vm_load_indextargets
  main=$(vm_repo_uri bookworm)
  { vm_mirror_lines; echo "deb $main bookworm-backports main"; } \
    | sed 's|^deb |deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] |' > "$VM_APT/sources.list.new"
  mv "$VM_APT/sources.list.new" "$VM_APT/sources.list"
  rm -f "$VM_APT"/resolved-*
  # shellcheck disable=SC2046
  apt-get $(vm_apt_opts) update -q >&2 || vm_die "apt-get update of the private kernel list failed"
}

# The kernel package for a kernel series: "6.1" is bookworm's own (the newest linux-image-amd64 of
# bookworm/bookworm-security), "6.12" the one of bookworm-backports. Prints the package name, e.g.
# linux-image-6.1.0-57-amd64.
vm_kernel_package() {
  local series=$1 meta
  # resolved once per refresh of the lists (apt-cache parses them all on each call)
  [ -s "$VM_APT/resolved-$series" ] && { cat "$VM_APT/resolved-$series"; return; }
  # shellcheck disable=SC2046
  meta=$(apt-cache $(vm_apt_opts) madison linux-image-amd64 | awk -F'|' '{gsub(/ /, "", $2); print $2}' \
    | grep -E "^${series//./\\.}\\.[0-9]" | sort -V | tail -1)
  [ -n "$meta" ] || vm_die "no linux-image-amd64 $series.* in the private list ($VM_APT/sources.list)"
  # shellcheck disable=SC2046
  apt-cache $(vm_apt_opts) show "linux-image-amd64=$meta" | sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' \
    | head -1 | tee "$VM_APT/resolved-$series"
}

# Downloads and unpacks a kernel series into $VM_KERNELS/<package>/ (cached). Prints that directory.
vm_kernel_dir() {
  local series=$1 pkg dir deb
  pkg=$(vm_kernel_package "$series")
  [ -n "$pkg" ] || vm_die "cannot resolve the kernel package for $series"
  dir="$VM_KERNELS/$pkg"
  if [ ! -f "$dir/.unpacked" ]; then
    mkdir -p "$VM_KERNELS"
    rm -rf "$dir" "$VM_KERNELS"/"$pkg"_*.deb
    vm_log "downloading $pkg"
    # shellcheck disable=SC2046
    (cd "$VM_KERNELS" && apt-get $(vm_apt_opts) download "$pkg" >&2) || vm_die "apt-get download $pkg failed"
    deb=$(ls "$VM_KERNELS"/"$pkg"_*.deb | head -1)
    dpkg-deb -x "$deb" "$dir"
    rm -f "$deb"
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

# The kernel release (uname -r) of an unpacked kernel package directory.
vm_kernel_release() { ls "$1/lib/modules" | head -1; }
