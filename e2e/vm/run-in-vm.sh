#!/usr/bin/env bash
# Boots the VM tier's guest (build-image.sh; built or reused) on one Debian kernel and runs one command in it,
# with the checkout shared in over 9p at the path it has on the host:
#
#   e2e/vm/run-in-vm.sh 6.1|6.12 COMMAND [ARG...]
#
# The command runs as root under systemd (jcri-vm-run.service) from the checkout's root, with JCRI_VM=1,
# JCRI_VM_KERNEL (the release booted, as `uname -r` should say) and JCRI_VM_RESULTS (a directory in the share,
# for its results) set. A command that counts tests writes "PASSED FAILED SKIPPED" into
# $JCRI_VM_RESULTS/counts (and may write the failures' and skips' first lines into $JCRI_VM_RESULTS/failures
# and skips); otherwise the command is one test, passed when it exits 0.
# Prints the command's output, the timings and an "N passed, N failed" line; exits 0 when all passed.
# The guest's output, exit code and serial console stay in e2e/target/vm/logs/<kernel>/.
#
# Environment: JCRI_VM_TIMEOUT (seconds, default 2400), JCRI_VM_BOOT_TIMEOUT (seconds from qemu's start to the
# command's, default 300; a guest that hangs before it is booted once more), JCRI_VM_MEMORY (MiB, default 3072), JCRI_VM_ACCEL
# (auto, tcg or kvm; auto uses KVM only where a probe boot of the stock kernel works). One VM at a time:
# a second call waits for the first. qemu runs under nice -n 10 with 2 vCPUs at most.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || vm_die "usage: run-in-vm.sh 6.1|6.12 COMMAND [ARG...]"
series=$1; shift
case "$series" in 6.1|6.12) ;; *) vm_die "kernel must be 6.1 or 6.12, not '$series'" ;; esac
[ "$(id -u)" -eq 0 ] || vm_die "run-in-vm.sh: qemu's 9p passthrough share needs root"
case "$VM_DIR/" in "$VM_REPO"/*) ;; *) vm_die "JCRI_VM_DIR must be inside the checkout (it is shared over 9p)" ;; esac
case "$VM_REPO" in *[[:space:]]*) vm_die "the checkout's path must not contain spaces: $VM_REPO" ;; esac
timeout_s=${JCRI_VM_TIMEOUT:-2400}
boot_timeout_s=${JCRI_VM_BOOT_TIMEOUT:-300}
memory=${JCRI_VM_MEMORY:-3072}
accel_choice=${JCRI_VM_ACCEL:-auto}

env_file=$("$VM_SRC/build-image.sh")
# shellcheck disable=SC1090
source "$env_file"
key=${series//./_}
kernel_var=KERNEL_$key; initrd_var=INITRD_$key; release_var=RELEASE_$key
kernel=${!kernel_var}; initrd=${!initrd_var}; release=${!release_var}

# one VM per cache (the machine's cores), whichever checkout asks
exec 8> "$VM_CACHE/.vm.lock"
if ! flock -n 8; then
  vm_log "another VM of this tier is running: waiting for it"
  flock 8
fi

run_rel=${VM_DIR#"$VM_REPO"/}/runs/$series-$$-$(date +%s)
run="$VM_REPO/$run_rel"
logs="$VM_DIR/logs/$series"
qemu_pid=""
probe_dir=""
cleanup() {
  local i
  for pid in $qemu_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  [ -n "$probe_dir" ] && rm -rf "$probe_dir"
  rm -rf "$run"
  rmdir "$VM_DIR/runs" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts qemu in the background; sets qemu_pid. $1 accel, $2 serial log, $3 kernel command line extras.
start_qemu() {
  local accel=$1 serial=$2 extra=$3 cpu=max
  [ "$accel" = kvm ] && cpu=host
  nice -n 10 qemu-system-x86_64 -name jcri-vm -machine q35 -accel "$accel" -cpu "$cpu" \
    -smp 2 -m "$memory" -nodefaults -display none -monitor none -no-reboot \
    -serial "file:$serial" \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 root=/dev/vda rw panic=-1 systemd.unified_cgroup_hierarchy=1 $extra" \
    -drive "file=$ROOTFS,if=virtio,format=raw,snapshot=on,cache=unsafe" \
    -virtfs "local,path=$VM_REPO,mount_tag=jcri,security_model=passthrough,id=jcri" \
    -device virtio-rng-pci \
    < /dev/null > "$serial.qemu" 2>&1 &
  qemu_pid=$!
}

# KVM only where it works: /dev/kvm can be a nested device that starts qemu but cannot run a stock kernel.
# A probe boots the kernel to its initramfs (jcri.probe: print a marker, power off); cached per host boot.
kvm_works() {
  [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  local boot_id cache i
  boot_id=$(cat /proc/sys/kernel/random/boot_id)
  cache="$VM_CACHE/kvm-probe-$release"
  if [ -f "$cache" ] && [ "$(head -1 "$cache")" = "$boot_id" ]; then
    [ "$(sed -n 2p "$cache")" = yes ]; return
  fi
  probe_dir=$(mktemp -d "$VM_DIR/probe.XXXXXX")
  start_qemu kvm "$probe_dir/serial.log" "jcri.probe"
  local ok=no
  for i in $(seq 1 150); do
    if grep -q JCRI-VM-PROBE-OK "$probe_dir/serial.log" 2>/dev/null; then ok=yes; break; fi
    # what a nested /dev/kvm that cannot run the kernel says (qemu then hangs instead of exiting)
    grep -q "KVM internal error" "$probe_dir/serial.log.qemu" 2>/dev/null && break
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$qemu_pid" 2>/dev/null || true
  wait "$qemu_pid" 2>/dev/null || true
  qemu_pid=""
  rm -rf "$probe_dir"; probe_dir=""
  printf '%s\n%s\n' "$boot_id" "$ok" > "$cache"
  [ "$ok" = yes ]
}

case "$accel_choice" in
  tcg) accel="tcg,thread=multi" ;;
  kvm) accel="kvm" ;;
  auto) if kvm_works; then accel="kvm"; else accel="tcg,thread=multi"; fi ;;
  *) vm_die "JCRI_VM_ACCEL must be auto, tcg or kvm" ;;
esac

mkdir -p "$run"
{
  echo "# written by e2e/vm/run-in-vm.sh"
  printf 'exec'; printf ' %q' "$@"; echo
} > "$run/cmd"

rm -rf "$logs"; mkdir -p "$logs"
serial="$logs/serial.log"
vm_log "booting $release ($accel, 2 vCPUs, ${memory} MiB) for: $*"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(now)
boot_s=""
timed_out=boot
# A guest that hangs before its command (seen once under TCG: an RCU stall of 6.1 at boot, its timer never
# firing) is an emulator accident, not a test outcome: it is booted once more. A guest that started its command
# is never booted again.
for attempt in 1 2; do
  [ "$timed_out" = boot ] || break
  if [ "$attempt" -eq 2 ]; then
    vm_log "the guest did not start its command within ${boot_timeout_s} s; the serial console's end, then one more boot:"
    tail -n 15 "$serial" >&2 || true
    kill -KILL "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
    qemu_pid=""
    mv "$serial" "$serial.boot1" 2>/dev/null || true
  fi
  start_qemu "$accel" "$serial" "jcri.share=$VM_REPO jcri.run=$run_rel jcri.release=$release"
  deadline=$(( $(date +%s) + timeout_s ))
  boot_deadline=$(( $(date +%s) + boot_timeout_s ))
  timed_out=no
  while kill -0 "$qemu_pid" 2>/dev/null; do
    if [ -z "$boot_s" ] && [ -f "$run/uptime" ]; then
      boot_s=$(elapsed "$t0")
      vm_log "command started $boot_s s after qemu"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=yes; break; fi
    # a guest that never reaches its command (no kernel, no root disk, no share) fails early, not at the deadline
    if [ -z "$boot_s" ] && [ "$(date +%s)" -ge "$boot_deadline" ]; then timed_out=boot; break; fi
    sleep 0.5
  done
done
wait_rc=0
if [ "$timed_out" = no ]; then wait "$qemu_pid" || wait_rc=$?; qemu_pid=""; fi
total_s=$(elapsed "$t0")

cp -r "$run"/. "$logs"/ 2>/dev/null || true
if [ -s "$logs/output.log" ]; then
  lines=$(wc -l < "$logs/output.log")
  echo "----- guest output ($release; $lines lines, last 200 shown; all in $logs/output.log) -----"
  tail -n 200 "$logs/output.log"
  echo "----- end of guest output -----"
fi

passed=0; failed=0; skipped=0
if [ "$timed_out" = boot ]; then
  vm_log "BOOT FAILED: the guest did not start its command within ${boot_timeout_s} s; the serial console's end:"
  tail -n 40 "$serial" >&2 || true
  cat "$serial.qemu" >&2 || true
  failed=1; rc=124
elif [ "$timed_out" = yes ]; then
  vm_log "TIMEOUT after ${timeout_s} s; the serial console's end:"
  tail -n 30 "$serial" >&2 || true
  failed=1; rc=124
elif [ ! -f "$logs/rc" ]; then
  vm_log "the guest powered off without a result (qemu exit $wait_rc); the serial console's end:"
  tail -n 40 "$serial" >&2 || true
  cat "$serial.qemu" >&2 || true
  failed=1; rc=125
else
  rc=$(cat "$logs/rc")
  if [ -f "$logs/counts" ]; then
    read -r passed failed skipped < "$logs/counts" || true
    : "${passed:=0}" "${failed:=0}" "${skipped:=0}"
  elif [ "$rc" -eq 0 ]; then passed=1; else failed=1; fi
  if [ -s "$logs/failures" ]; then
    echo "failures on $release:"
    sed 's/^/  /' "$logs/failures"
  fi
  if [ -s "$logs/skips" ]; then
    echo "skipped on $release:"
    sed 's/^/  /' "$logs/skips"
  fi
fi

uptime_line=""
if [ -f "$logs/uptime" ]; then
  uptime_line=$(awk '{ v[$1] = $2 } END { printf "guest uptime at command %.1f s, command %.1f s",
    v["share_mounted"], v["command_done"] - v["share_mounted"] }' "$logs/uptime")
fi
vm_log "kernel $release, accel ${accel%%,*}: boot to command ${boot_s:-n/a} s" \
  "(${uptime_line:-no guest timings}), total $total_s s, exit $rc"
if [ "$skipped" -gt 0 ]; then
  echo "vm-$series: $passed passed, $failed failed, $skipped skipped"
else
  echo "vm-$series: $passed passed, $failed failed"
fi
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
