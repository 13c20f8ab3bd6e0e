#!/usr/bin/env bash
# The CNI plugins alone, as RunPodSandbox/StopPodSandbox run them, to say how much of a pod's network set-up is
# the plugins' own time: for N rounds, a fresh network namespace gets loopback, then the benchmark's chain
# (bridge with host-local IPAM, then portmap with the bridge's result as prevResult; the conflist of
# e2e/bench.sh's scenarios, on a bridge and subnet of its own), each plugin exec'd by hand with the CNI
# environment and stdin; then DEL in reverse order. Prints the median and p90 of ADD (loopback + chain) and DEL.
#
#   e2e/cni-alone.sh [rounds]     (as root; Debian's CNI plugins in /usr/lib/cni)
# Everything it creates (netns, bridge, IPAM dir) is removed on every path.
set -euo pipefail
rounds=${1:-20}
cni=/usr/lib/cni
tag=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
bridge="jbcni$tag"
work=$(mktemp -d /tmp/jcri-cni-alone.XXXXXX)
ns=""
cleanup() {
  set +e
  [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
  ip link show "$bridge" >/dev/null 2>&1 && ip link del "$bridge"
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s%N; }
plugin() { # command type containerid netns conf-json
  CNI_COMMAND=$1 CNI_CONTAINERID=$3 CNI_NETNS=$4 CNI_IFNAME=${6:-eth0} CNI_PATH=$cni "$cni/$2" <<<"$5"
}
bridge_conf() {
  printf '{"cniVersion":"1.0.0","name":"jcri-bench","type":"bridge","bridge":"%s","isGateway":true,"ipMasq":false,"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"10.236.%d.0/24"}]],"routes":[{"dst":"0.0.0.0/0"}]}}' \
    "$bridge" "$work/ipam" $((16#${tag:0:2} % 250 + 1))
}
portmap_conf() { # prevResult
  printf '{"cniVersion":"1.0.0","name":"jcri-bench","type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[]},"prevResult":%s}' "$1"
}
lo_conf='{"cniVersion":"1.0.0","name":"cni-loopback","type":"loopback"}'

add=() del=()
for i in $(seq 1 "$rounds"); do
  ns="jcri-cni-$tag-$i"
  ip netns add "$ns"
  path=/var/run/netns/$ns
  id="cnialone$tag$i"
  t0=$(now)
  plugin ADD loopback "$id" "$path" "$lo_conf" lo >/dev/null
  result=$(plugin ADD bridge "$id" "$path" "$(bridge_conf)")
  plugin ADD portmap "$id" "$path" "$(portmap_conf "$result")" >/dev/null
  t1=$(now)
  plugin DEL portmap "$id" "$path" "$(portmap_conf "$result")" >/dev/null
  plugin DEL bridge "$id" "$path" "$(bridge_conf)" >/dev/null
  plugin DEL loopback "$id" "$path" "$lo_conf" lo >/dev/null
  t2=$(now)
  ip netns del "$ns"
  ns=""
  add+=($(( (t1 - t0) / 1000 ))) del+=($(( (t2 - t1) / 1000 )))
done
stats() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; p=int(0.9*NR+0.999); printf "median %.1f ms, p90 %.1f ms (n=%d)\n", m/1000, v[p]/1000, NR}'; }
echo "CNI ADD loopback+bridge+portmap: $(printf '%s\n' "${add[@]}" | stats)"
echo "CNI DEL portmap+bridge+loopback: $(printf '%s\n' "${del[@]}" | stats)"
