#!/usr/bin/env bash
# The runtime module's tests in the VM tier, on each kernel, with plain java (no Maven in the guest):
#   e2e/vm/runtime-tests.sh [--kernels "6.1 6.12"] [--host] [--no-build] CLASS...
# CLASS is a test class's simple or full name (e.g. V2CgroupRealTest). Builds the module and its test
# classpath on the host (unless --no-build), then runs the classes in one JVM per kernel, in the VM; --host
# also runs them on the host first, with the same launcher, to compare times. Ends with one line per kernel
# and a total "N passed, N failed" line; exits 0 when every run passed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kernels="6.1 6.12"
host=no
build=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --kernels) kernels=$2; shift 2 ;;
    --host) host=yes; shift ;;
    --no-build) build=no; shift ;;
    --) shift; break ;;
    -*) vm_die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || vm_die "usage: runtime-tests.sh [--kernels \"6.1 6.12\"] [--host] [--no-build] CLASS..."
classes=()
for c in "$@"; do
  case "$c" in
    *.*) classes+=("$c") ;;
    *) f=$(cd "$VM_REPO/runtime/src/test/java" && find . -name "$c.java" | head -1)
       [ -n "$f" ] || vm_die "no test class $c in runtime/src/test/java"
       f=${f#./}; f=${f%.java}; classes+=("${f//\//.}") ;;
  esac
done

if [ "$build" = yes ]; then
  (cd "$VM_REPO" && mvn -o -q -B -pl runtime package -DskipTests >&2)
  "$VM_SRC/test-classpath.sh" runtime
fi

total_passed=0; total_failed=0; summary=()
if [ "$host" = yes ]; then
  t0=$(date +%s.%N)
  "$VM_SRC/junit.sh" runtime "${classes[@]}" | tee "$VM_DIR/host-run.log" || true
  took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  # the host's result is shown for comparison and not counted: the tier's verdict is the VM's
  summary+=("host: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$VM_DIR/host-run.log" | tail -1) in $took s")
fi
for k in $kernels; do
  "$VM_SRC/run-in-vm.sh" "$k" e2e/vm/junit.sh runtime "${classes[@]}" | tee "$VM_DIR/vm-run-$k.log" || true
  line=$(grep -E '^vm-[0-9.]+: [0-9]+ passed, [0-9]+ failed' "$VM_DIR/vm-run-$k.log" | tail -1)
  p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  total_passed=$((total_passed + ${p:-0})); total_failed=$((total_failed + ${f:-1}))
  summary+=("$line")
done
echo "===== runtime tests in the VM tier: ${classes[*]}"
printf '%s\n' "${summary[@]}"
echo "vm-tier: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
