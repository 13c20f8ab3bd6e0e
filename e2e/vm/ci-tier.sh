#!/usr/bin/env bash
# The VM tier as CI runs it (e2e/run-tests.sh calls it after the host suite): builds the guest (build-image.sh),
# then boots it once per kernel and runs in it every test that e2e/vm/ci-tests.txt lists, the JUnit classes of
# one module in one JVM (JVM start and class loading over 9p are what costs most under emulation):
#
#   e2e/vm/ci-tier.sh [--kernels "6.1 6.12"] [--no-build] [--list FILE]
#
# --no-build: the modules are built already (run-tests.sh has just run `mvn verify`); otherwise
# `mvn package -DskipTests` first. Prints each kernel's "vm-<kernel>: N passed, N failed" line, the times (image,
# boot, each step as the guest measured it, each kernel in all) and a closing
# "vm-tier: N passed, N failed, N skipped" line; exits 0 only when every listed test passed on every kernel.
# Nothing is ever skipped for want of qemu or an image: a guest that cannot be built or booted, or that
# powers off without a result, is a failure of the tier.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kernels="6.1 6.12"
build=yes
list="$VM_SRC/ci-tests.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --kernels) kernels=$2; shift 2 ;;
    --no-build) build=no; shift ;;
    --list) list=$2; shift 2 ;;
    *) vm_die "usage: ci-tier.sh [--kernels \"6.1 6.12\"] [--no-build] [--list FILE]" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || vm_die "ci-tier.sh: the VM tier needs root"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_tier=$(now)
# a hung guest costs at most this per kernel (CI has 90 minutes for everything)
export JCRI_VM_TIMEOUT="${JCRI_VM_TIMEOUT:-1800}"

# ---- the plan: ci-tests.txt's lines, each module's classes gathered into one step where the module first appears
declare -A classes=()
order=()
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  line=${line%%#*}
  read -r -a w <<< "$line" || true
  [ ${#w[@]} -eq 0 ] && continue
  where="$list:$lineno"
  if [ "${w[0]}" = script ]; then
    [ ${#w[@]} -ge 2 ] || vm_die "$where: 'script' needs a path (script PATH [ARG...])"
    [ -f "$VM_REPO/${w[1]}" ] || vm_die "$where: no script ${w[1]} in the checkout"
    order+=("script ${w[*]:1}")
    continue
  fi
  [ ${#w[@]} -eq 2 ] || vm_die "$where: expected 'MODULE CLASS' or 'script PATH [ARG...]', not: $line"
  module=${w[0]}; cls=${w[1]}
  [ -f "$VM_REPO/$module/pom.xml" ] || vm_die "$where: no module '$module' (no $module/pom.xml)"
  src="$VM_REPO/$module/src/test/java"
  case "$cls" in
    *.*) [ -f "$src/${cls//.//}.java" ] || vm_die "$where: no test class $cls in $module/src/test/java"
         fqn=$cls ;;
    *) mapfile -t found < <(cd "$src" 2>/dev/null && find . -name "$cls.java")
       [ ${#found[@]} -eq 1 ] || vm_die "$where: ${#found[@]} files named $cls.java in $module/src/test/java"
       f=${found[0]#./}; f=${f%.java}; fqn=${f//\//.} ;;
  esac
  if [ -z "${classes[$module]+set}" ]; then
    order+=("junit $module")
    classes[$module]=""
  fi
  case " ${classes[$module]} " in *" $fqn "*) ;; *) classes[$module]="${classes[$module]} $fqn" ;; esac
done < "$list"
[ ${#order[@]} -gt 0 ] || vm_die "$list lists no test"
mkdir -p "$VM_DIR"
plan="$VM_DIR/ci-plan.txt"
: > "$plan"
for step in "${order[@]}"; do
  case "$step" in
    "junit "*) m=${step#junit }; echo "junit $m${classes[$m]}" >> "$plan" ;;
    *) echo "$step" >> "$plan" ;;
  esac
done
echo "VM tier plan ($list, on kernels $kernels):"
sed 's/^/  /' "$plan"

# ---- host side: the modules and their test classpaths, the guest image
failures=()
if [ "$build" = yes ]; then
  (cd "$VM_REPO" && { mvn -o -q -B package -DskipTests 2>/dev/null || mvn -q -B package -DskipTests; }) >&2
fi
for step in "${order[@]}"; do
  case "$step" in "junit "*) "$VM_SRC/test-classpath.sh" "${step#junit }" ;; esac
done
t_image=$(now)
image_ok=yes
"$VM_SRC/build-image.sh" > /dev/null || image_ok=no
image_s=$(since "$t_image")
echo "vm tier: guest image ready in $image_s s"

# ---- one boot per kernel
total_p=0; total_f=0; total_s=0
summary=()
for k in $kernels; do
  log="$VM_DIR/ci-$k.log"
  t_k=$(now)
  if [ "$image_ok" = yes ]; then
    "$VM_SRC/run-in-vm.sh" "$k" e2e/vm/ci-guest.sh "$plan" 2>&1 | tee "$log" || true
  else
    echo "vm: the guest image could not be built (e2e/vm/build-image.sh failed above)" | tee "$log" >&2
  fi
  k_s=$(since "$t_k")
  line=$(grep -E "^vm-$k: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1 || true)
  if [ -z "$line" ]; then
    line="vm-$k: 0 passed, 1 failed"
    failures+=("vm-$k: no result from the guest (see $log)")
  fi
  p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
  total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f:-1})); total_s=$((total_s + ${s:-0}))
  boot=$(sed -n 's/.*boot to command \([0-9.]*\) s.*/\1/p' "$log" | tail -1)
  qemu=$(sed -n 's/.*, total \([0-9.]*\) s, exit.*/\1/p' "$log" | tail -1)
  times="boot ${boot:-n/a} s"
  steps="$VM_DIR/logs/$k/steps"
  if [ -f "$steps" ]; then
    while IFS=$'\t' read -r _ what secs counts; do
      read -r sp sf ss <<< "$counts"
      read -r kind first _ <<< "$what"
      more=""; [ "${ss:-0}" -gt 0 ] && more=", $ss skipped"
      times="$times; $kind $first $secs s ($sp passed, $sf failed$more)"
    done < "$steps"
  fi
  # qemu's time, and the wall time with the wait for another checkout's VM (one VM at a time per cache)
  summary+=("$line" "  vm-$k times: $times; VM ${qemu:-n/a} s ($k_s s with the wait for the VM lock)")
  if [ -s "$VM_DIR/logs/$k/failures" ]; then
    while IFS= read -r fl; do failures+=("vm-$k: $fl"); done < "$VM_DIR/logs/$k/failures"
  fi
done

echo "===== VM tier (guest image $image_s s)"
printf '%s\n' "${summary[@]}"
if [ ${#failures[@]} -gt 0 ]; then
  echo "VM tier failures:"
  printf '  %s\n' "${failures[@]}"
fi
echo "vm-tier: $total_p passed, $total_f failed, $total_s skipped in $(since "$t_tier") s"
[ "$total_f" -eq 0 ]
