#!/usr/bin/env bash
# Fetches Debian unstable's containerd (2.x) for the benchmark's second comparison column, without touching the
# system's packages: `apt-get download` through a private sources list and lists dir under
# e2e/target/containerd2/apt (the mirror is the one the host's apt uses, from `apt-get indextargets`; signed by
# the Debian archive keyring), unpacked with `dpkg-deb -x` into e2e/target/containerd2/root. runc stays the
# system's. Refreshes the list once a day; prints the containerd binary's path.
#
#   e2e/fetch-containerd2.sh        (as root; needs the Debian archive reachable)
set -euo pipefail
cd "$(dirname "$0")/.."
base="$PWD/e2e/target/containerd2"
apt_dir="$base/apt"
root="$base/root"
die() { echo "fetch-containerd2: $*" >&2; exit 1; }

opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache" -o Dir::State::status=/dev/null -o APT::Get::List-Cleanup=0
  -o APT::Sandbox::User=root)

mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
if [ ! -f "$apt_dir/sources.list" ] || [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_sid_*Packages*' -mmin -1440 2>/dev/null)" ]; then
  mirror=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null |
    awk '$1 == "bookworm" { print $2; exit }')
  [ -n "$mirror" ] || die "the host's apt has no bookworm source (apt-get indextargets); run apt-get update"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > "$apt_dir/sources.list"
  apt-get "${opts[@]}" update -q >&2 || die "apt-get update of the private sid list failed"
fi
version=$(apt-cache "${opts[@]}" show containerd 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1)
[ -n "$version" ] || die "no containerd in the private sid list ($apt_dir/sources.list)"
case "$version" in 2.*) ;; *) die "sid's containerd is $version, not 2.x" ;; esac
if [ ! -f "$root/.unpacked-$version" ]; then
  rm -rf "$root" "$apt_dir"/containerd_*.deb
  echo "fetch-containerd2: downloading containerd $version from sid" >&2
  (cd "$apt_dir" && apt-get "${opts[@]}" download "containerd=$version" >&2) || die "apt-get download containerd failed"
  dpkg-deb -x "$(ls "$apt_dir"/containerd_*.deb | head -1)" "$root"
  rm -f "$apt_dir"/containerd_*.deb
  touch "$root/.unpacked-$version"
fi
"$root/usr/bin/containerd" --version >/dev/null || die "$root/usr/bin/containerd does not run on this machine"
echo "$root/usr/bin/containerd"
