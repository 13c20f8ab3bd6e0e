#!/usr/bin/env bash
# In the VM tier's guest (run-in-vm.sh 6.1|6.12 e2e/vm/check-guest.sh): the guest is what the tier promises:
# systemd as PID 1, the pure cgroup v2 hierarchy (cgroup2 at /sys/fs/cgroup, no v1 mount anywhere), the domain
# controllers available, the Debian kernel asked for, and the modules the runtime and CNI use loadable.
# One line per check; writes counts for run-in-vm.sh.
set -u
passed=0; failed=0
: > "${JCRI_VM_RESULTS:-/dev/null}/failures" 2>/dev/null || true
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
check "domain controllers at the root" bash -c \
  'c=$(cat /sys/fs/cgroup/cgroup.controllers); for x in cpu memory pids io; do case " $c " in *" $x "*) ;; *) echo "no $x in: $c"; exit 1;; esac; done; echo "$c"'
check "kernel is the one asked for" is "uname -r" "$(uname -r)" "${JCRI_VM_KERNEL:-(not set: jcri.release= missing)}"
check "basic.target reached, no unit failed" bash -c \
  'systemctl is-active -q basic.target && f=$(systemctl list-units --failed --plain --no-legend | wc -l) && echo "failed units: $f" && [ "$f" -eq 0 ]'
check "this command runs in a systemd unit's cgroup" grep -x '0::/system.slice/jcri-vm-run.service' /proc/self/cgroup
check "modules load" bash -c 'modprobe -a overlay bridge veth br_netfilter nf_conntrack && lsmod | awk "NR > 1 { print \$1 }" | grep -E -x "overlay|bridge|veth|br_netfilter|nf_conntrack" | sort | tr "\n" " "'
check "java runs" bash -c 'java -version 2>&1 | head -1'

echo "slowest units of this boot:"
systemd-analyze blame --no-pager 2>&1 | head -8 | sed 's/^/  /'
[ -n "${JCRI_VM_RESULTS:-}" ] && echo "$passed $failed 0" > "$JCRI_VM_RESULTS/counts"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
