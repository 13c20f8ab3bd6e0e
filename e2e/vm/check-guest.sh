#!/usr/bin/env bash
# In the VM tier's guest (run-in-vm.sh 6.1|6.12 e2e/vm/check-guest.sh): the guest is what the tier promises:
# systemd as PID 1, the pure cgroup v2 hierarchy (cgroup2 at /sys/fs/cgroup, no v1 mount anywhere), the domain
# controllers available, the Debian kernel asked for, and the modules the runtime and CNI use loadable.
# One line per check; writes counts for run-in-vm.sh.
set -u
passed=0; failed=0
[ -n "${JCRI_VM_RESULTS:-}" ] && : > "$JCRI_VM_RESULTS/failures"
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "PASS  $name  ($out)"
  else
    failed=$((failed + 1)); echo "FAIL  $name  ($out)"
    [ -n "${JCRI_VM_RESULTS:-}" ] && echo "$name: $out" | head -1 >> "$JCRI_VM_RESULTS/failures"
  fi
}
is() { [ "$2" = "$3" ] && echo "$1 = $2" || { echo "$1 = '$2', expected '$3'"; return 1; }; }

echo "kernel $(uname -r); systemd $(systemctl --version | head -1)"
check "PID 1 is systemd" is "comm of PID 1" "$(cat /proc/1/comm)" systemd
check "/sys/fs/cgroup is cgroup2" is "stat -fc %T /sys/fs/cgroup" "$(stat -fc %T /sys/fs/cgroup)" cgroup2fs
check "no cgroup v1 mount" is "cgroup v1 mounts" "$(awk '$3 == "cgroup"' /proc/self/mounts | wc -l)" 0
check "systemd.unified_cgroup_hierarchy=1" grep -o 'systemd.unified_cgroup_hierarchy=1' /proc/cmdline
controllers() {
  local c x
  c=$(cat /sys/fs/cgroup/cgroup.controllers)
  for x in cpu memory pids io; do
    case " $c " in *" $x "*) ;; *) echo "no $x in: $c"; return 1 ;; esac
  done
  echo "$c"
}
no_failed_units() {
  systemctl is-active -q basic.target || { echo "basic.target is $(systemctl is-active basic.target)"; return 1; }
  local f
  f=$(systemctl list-units --failed --plain --no-legend | wc -l)
  echo "failed units: $f"
  [ "$f" -eq 0 ]
}
modules_load() {
  local m="overlay bridge veth br_netfilter nf_conntrack"
  # shellcheck disable=SC2086
  modprobe -a $m || return 1
  lsmod | awk 'NR > 1 { print $1 }' | grep -E -x "$(echo $m | tr ' ' '|')" | sort | xargs
}
check "domain controllers at the root" controllers
check "kernel is the one asked for" is "uname -r" "$(uname -r)" "${JCRI_VM_KERNEL:-(jcri.release= missing)}"
check "basic.target reached, no unit failed" no_failed_units
check "this command runs in a systemd unit's cgroup" grep -x '0::/system.slice/jcri-vm-run.service' /proc/self/cgroup
check "modules load" modules_load
check "java runs" bash -c 'java -version 2>&1 | head -1'

[ -n "${JCRI_VM_RESULTS:-}" ] && echo "$passed $failed 0" > "$JCRI_VM_RESULTS/counts"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
