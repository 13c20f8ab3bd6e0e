#!/usr/bin/env bash
# Removes jcri's program files. Running containers are left alone: the unit uses KillMode=process, so
# stopping the daemon does not stop them, and their state under /var/lib/jcri and /run/jcri is kept so a
# reinstalled jcri finds them again.
#
#   deploy/uninstall.sh [--prefix DIR] [--purge]
#
#   --prefix DIR  uninstall from below DIR instead of /
#   --purge       also remove /etc/jcri, and /var/lib/jcri and /run/jcri — refused while any container
#                 process jcri started is still running (stop the pods first, e.g. kubectl drain)
set -euo pipefail
prefix=/
purge=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --purge) purge=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
prefix=${prefix%/}

if [ -z "$prefix" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now jcri.service 2>/dev/null || true
fi

if [ "$purge" = 1 ]; then
  # container state records carry the pid of every container jcri runs; refuse while one is alive
  for f in "$prefix"/run/jcri/runtime/containers/*/state.json; do
    [ -f "$f" ] || continue
    pid=$(grep -o '"pid" *: *[0-9]*' "$f" | head -1 | tr -dc 0-9)
    if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -d "/proc/$pid" ] && [ -z "$prefix" ]; then
      echo "uninstall.sh: container process $pid ($f) is still running; stop the pods first" >&2
      exit 1
    fi
  done
fi

rm -f "$prefix/usr/local/bin/jcri" "$prefix/etc/systemd/system/jcri.service"
rm -rf "$prefix/usr/local/lib/jcri" "$prefix/usr/local/share/doc/jcri"
if [ "$purge" = 1 ]; then
  rm -rf "$prefix/etc/jcri" "$prefix/var/lib/jcri" "$prefix/run/jcri"
  rm -f "$prefix/etc/cni/net.d/10-jcri.conflist"
fi
if [ -z "$prefix" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
echo "jcri removed from below ${prefix:-/}$([ "$purge" = 1 ] && echo ' (purged)')"
