#!/usr/bin/env bash
# Benchmark harness: e2e/bench.sh <scenario> [runs]. Builds what it needs if missing. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f cri-server/target/jcri.jar ] || [ ! -f e2e/target/classpath.txt ]; then
  mvn -B -q -ntp package -DskipTests
fi
exec java -Djcri.jar="$PWD/cri-server/target/jcri.jar" -Djnr.ffi.x86asm.enabled=false \
  -cp "e2e/target/classes:$(cat e2e/target/classpath.txt)" io.jcri.e2e.bench.BenchMain "$@"
