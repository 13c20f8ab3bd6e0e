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
e2e/bench.sh --smoke
