#!/usr/bin/env bash
# Installs jcri on a Debian/Ubuntu node (or into a staging tree with --prefix). Idempotent: running it again
# gives the same tree and never overwrites an operator's edited /etc/jcri/jcri.toml or /etc/crictl.yaml.
#
#   deploy/install.sh [--prefix DIR] [--jar PATH] [--no-packages] [--enable]
#
#   --prefix DIR    install below DIR instead of / (packages and systemctl are then skipped)
#   --jar PATH      the daemon jar to install (default: cri-server/target/jcri.jar, built if missing)
#   --no-packages   do not apt-get install the packages jcri needs (Java 17 runtime, CNI plugins)
#   --enable        systemctl enable --now jcri (only with prefix /)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
prefix=/
jar=""
packages=1
enable=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --jar) jar=${2:?--jar needs a path}; shift 2 ;;
    --no-packages) packages=0; shift ;;
    --enable) enable=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
prefix=${prefix%/}
live=0
[ -z "$prefix" ] && live=1

if [ -z "$jar" ]; then
  jar="$repo/cri-server/target/jcri.jar"
  if [ ! -f "$jar" ]; then
    (cd "$repo" && mvn -B -q -ntp package -DskipTests)
  fi
fi
[ -f "$jar" ] || { echo "install.sh: no jar at $jar" >&2; exit 1; }

if [ "$live" = 1 ] && [ "$packages" = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless containernetworking-plugins iptables
fi

# install SRC DEST MODE: copy only when the content differs, so reinstalling changes nothing
put() {
  local src=$1 dest=$2 mode=$3
  mkdir -p "$(dirname "$dest")"
  if [ ! -f "$dest" ] || ! cmp -s "$src" "$dest"; then
    install -m "$mode" "$src" "$dest"
  fi
  chmod "$mode" "$dest"
}
# keep SRC DEST MODE: like put, but an existing file (the operator's) is left alone
keep() {
  if [ ! -e "$2" ]; then put "$@"; fi
}

put "$jar" "$prefix/usr/local/lib/jcri/jcri.jar" 0644
put "$here/bin/jcri" "$prefix/usr/local/bin/jcri" 0755
put "$here/systemd/jcri.service" "$prefix/etc/systemd/system/jcri.service" 0644
put "$repo/README.md" "$prefix/usr/local/share/doc/jcri/README.md" 0644
put "$repo/docs/configuration.md" "$prefix/usr/local/share/doc/jcri/configuration.md" 0644
keep "$here/jcri.toml" "$prefix/etc/jcri/jcri.toml" 0644
keep "$here/crictl.yaml" "$prefix/etc/crictl.yaml" 0644
# a pod network only where the node has none (kind, kubeadm CNIs and operators bring their own)
if [ -z "$(ls -A "$prefix/etc/cni/net.d" 2>/dev/null)" ]; then
  put "$here/cni/10-jcri.conflist" "$prefix/etc/cni/net.d/10-jcri.conflist" 0644
fi

if [ "$live" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ "$enable" = 1 ]; then
    systemctl enable --now jcri.service
  fi
fi
echo "jcri installed below ${prefix:-/}"
