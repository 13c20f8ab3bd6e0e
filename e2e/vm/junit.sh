#!/usr/bin/env bash
# Runs test classes of one Maven module with plain `java` (no Maven), on the host or in the VM guest:
#   e2e/vm/junit.sh MODULE CLASS...
# The classpath is the one test-classpath.sh wrote for MODULE (absolute paths inside the checkout, which the
# guest mounts at the same path). Runs from the module's directory, as surefire does.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
module=$1; shift
cpfile="${JCRI_VM_DIR:-$repo/e2e/target/vm}/cp/$module.classpath"
[ -f "$cpfile" ] || { echo "junit.sh: no $cpfile: run e2e/vm/test-classpath.sh $module first" >&2; exit 2; }
cd "$repo/$module"
# the same JVM flag as surefire's argLine (pom.xml): jnr-ffi's x86 asm stubs are not used
# shellcheck disable=SC2086
exec java -Djnr.ffi.x86asm.enabled=false ${JCRI_VM_JAVA_OPTS:-} -cp "$(cat "$cpfile")" VmJunit "$@"
