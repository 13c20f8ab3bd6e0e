#!/usr/bin/env bash
# Runs jcri's whole test suite on a Debian/Ubuntu machine, as root.
# Installs the packages the tests use (e2e/test-packages.txt), builds every module and runs all tests
# (unit tests and the end-to-end tests that drive the real daemon over its socket).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "run-tests.sh: the tests create namespaces, mounts and cgroups: run as root" >&2
  exit 1
fi

packages=$(grep -v '^\s*#' e2e/test-packages.txt | xargs)
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing
fi

mvn -B -ntp verify "$@"

# The benchmark harness once per scenario, jcri only, small sizes, so that it cannot rot (the side-by-side run
# against containerd, e2e/bench.sh without arguments, is not part of CI). set -e: its exit code is the script's.
e2e/bench.sh --smoke | tee e2e/target/bench-smoke.log

# One closing line for the whole run: every Surefire suite of every module plus the smoke scenarios.
summary=$(cat */target/surefire-reports/TEST-*.xml 2>/dev/null | awk '
  /<testsuite / {
    for (i = 1; i <= NF; i++) {
      if ($i ~ /^tests=/)    { gsub(/[^0-9]/, "", $i); t += $i }
      if ($i ~ /^failures=/) { gsub(/[^0-9]/, "", $i); f += $i }
      if ($i ~ /^errors=/)   { gsub(/[^0-9]/, "", $i); e += $i }
      if ($i ~ /^skipped=/)  { gsub(/[^0-9]/, "", $i); s += $i }
    }
  }
  END { printf "%d %d %d\n", t - f - e - s, f + e, s }')
read -r passed failed skipped <<< "$summary"
smoke=$(sed -n 's/^bench-smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' e2e/target/bench-smoke.log)
read -r smoke_passed smoke_failed <<< "${smoke:-0 0}"
echo "all: $((passed + smoke_passed)) passed, $((failed + smoke_failed)) failed, $skipped skipped"
