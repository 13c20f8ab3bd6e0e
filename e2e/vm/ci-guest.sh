#!/usr/bin/env bash
# In the VM tier's guest (ci-tier.sh boots it with: run-in-vm.sh KERNEL e2e/vm/ci-guest.sh PLAN): runs the plan's
# steps one after the other and adds up their counts for run-in-vm.sh. PLAN has one step a line:
#   junit MODULE CLASS...   the module's test classes in one JVM (junit.sh; classpath from test-classpath.sh)
#   script PATH [ARG...]    a shell-script test, run with bash from the checkout's root: it writes
#                           "PASSED FAILED SKIPPED" into $JCRI_VM_RESULTS/counts (and may write failures and
#                           skips), or else it is one test, passed when it exits 0
# Each step gets a results directory of its own ($JCRI_VM_RESULTS/step-N) and at most JCRI_VM_STEP_TIMEOUT
# seconds (default 1500); a step that exits non-zero without counting a failure counts as one failure. The
# steps' guest-side times go into $JCRI_VM_RESULTS/steps ("N<TAB>step<TAB>seconds<TAB>passed failed skipped").
#
# The JVMs: C1 only (-XX:TieredStopAtLevel=1), because under emulation C2's compiler threads take the CPU the
# tests need (a daemon serves its socket about 20% sooner in the guest); for the test JVM (JCRI_VM_JAVA_OPTS, read
# by junit.sh) and the daemons the tests start through deploy/bin/jcri (JCRI_JAVA_EXTRA_OPTS, added to the
# launcher's own options). The e2e harness's deadlines are stretched
# (JCRI_E2E_TIME_SCALE) as the slower CPU needs.
set -u
plan=$1
export JCRI_VM_JAVA_OPTS="${JCRI_VM_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
export JCRI_JAVA_EXTRA_OPTS="${JCRI_JAVA_EXTRA_OPTS:--XX:TieredStopAtLevel=1}"
export JCRI_E2E_TIME_SCALE="${JCRI_E2E_TIME_SCALE:-5}"
results=${JCRI_VM_RESULTS:?JCRI_VM_RESULTS is set by jcri-vm-run in the guest}
step_timeout=${JCRI_VM_STEP_TIMEOUT:-1500}
passed=0; failed=0; skipped=0; n=0
: > "$results/failures"; : > "$results/skips"; : > "$results/steps"
uptime_s() { cut -d' ' -f1 /proc/uptime; }

while read -r kind rest; do
  case "$kind" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  dir="$results/step-$n"
  mkdir -p "$dir"
  read -r -a args <<< "$rest"
  t0=$(uptime_s)
  echo "===== step $n: $kind $rest (guest uptime $t0 s)"
  case "$kind" in
    junit) JCRI_VM_RESULTS="$dir" timeout -k 30 "$step_timeout" bash e2e/vm/junit.sh "${args[@]}" < /dev/null; rc=$? ;;
    script) JCRI_VM_RESULTS="$dir" timeout -k 30 "$step_timeout" bash "${args[@]}" < /dev/null; rc=$? ;;
    *) echo "ci-guest.sh: unknown step kind '$kind'"; rc=2 ;;
  esac
  took=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
  p=0; f=0; s=0
  if [ -s "$dir/counts" ]; then
    read -r p f s < "$dir/counts" || true
    : "${p:=0}" "${f:=0}" "${s:=0}"
  elif [ "$rc" -eq 0 ]; then
    p=1
  fi
  label="$kind ${args[*]:0:1}"
  [ "$kind" = junit ] && label="junit ${args[0]:-}"
  if [ -s "$dir/failures" ]; then sed "s|^|[$label] |" "$dir/failures" >> "$results/failures"; fi
  if [ -s "$dir/skips" ]; then sed "s|^|[$label] |" "$dir/skips" >> "$results/skips"; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    what="exited $rc"; [ "$rc" -eq 124 ] && what="timed out after $step_timeout s"
    echo "[$label] the step $what: $kind $rest" | cut -c1-300 >> "$results/failures"
  fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  printf '%s\t%s\t%s\t%s %s %s\n' "$n" "$kind $rest" "$took" "$p" "$f" "$s" >> "$results/steps"
  echo "===== step $n: $p passed, $f failed, $s skipped in $took s (exit $rc)"
done < "$plan"

echo "$passed $failed $skipped" > "$results/counts"
[ "$n" -gt 0 ] || { echo "ci-guest.sh: the plan $plan has no step"; exit 2; }
[ "$failed" -eq 0 ]
