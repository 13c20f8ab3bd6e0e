#!/usr/bin/env bash
# Prepares what junit.sh needs to run MODULE's tests without Maven (on the host or in the VM): the module's
# test classpath with its jars copied into e2e/target/vm/cp/jars (the local Maven repository is not shared into
# the VM) and VmJunit compiled against the JUnit platform launcher of the same version.
#   e2e/vm/test-classpath.sh MODULE     (after `mvn -o -q -B -pl MODULE package -DskipTests`; for e2e, after
#                                        `mvn -o -q -B package -DskipTests` of the whole reactor)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
module=$1
cp_dir="$VM_DIR/cp"
mkdir -p "$cp_dir/jars" "$cp_dir/junit"
m2cp="$cp_dir/$module.m2cp"
# a pinned plugin version (the default one of Maven 3.8 is 2.8): offline first, online where the local
# repository lacks the plugin (a fresh CI machine)
dep_plugin=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
build_cp() { (cd "$VM_REPO" && mvn "$@" -q -B -pl "$module" "$dep_plugin:build-classpath" \
  -Dmdep.includeScope=test -Dmdep.outputFile="$m2cp" >&2); }
# a module whose package phase writes its test classpath (e2e: target/test-classpath.txt, resolved in the
# reactor, where sibling modules are target/ jars that the local repository does not hold) needs no call
if [ -f "$VM_REPO/$module/target/test-classpath.txt" ] \
   && [ "$VM_REPO/$module/target/test-classpath.txt" -nt "$VM_REPO/$module/pom.xml" ]; then
  cp "$VM_REPO/$module/target/test-classpath.txt" "$m2cp"
else
  build_cp -o 2>/dev/null || build_cp
fi
IFS=: read -r -a jars < "$m2cp" || true  # the file has no final newline
engine=$(printf '%s\n' "${jars[@]}" | grep '/junit-platform-engine-[0-9.]*\.jar$' | head -1)
[ -n "$engine" ] || vm_die "$module's test classpath has no junit-platform-engine"
launcher=$(echo "$engine" | sed 's|junit-platform-engine|junit-platform-launcher|g')
[ -f "$launcher" ] || (cd "$VM_REPO" && mvn -q -B "$dep_plugin:get" \
  -Dartifact="org.junit.platform:junit-platform-launcher:$(basename "$(dirname "$engine")")" >&2)
[ -f "$launcher" ] || vm_die "no $launcher in the local Maven repository"
jars+=("$launcher")
cp_out=("$VM_REPO/$module/target/test-classes")
# the module's classes from the jar the module's surefire configuration uses (runtime: *-testrun.jar)
testrun=$(ls "$VM_REPO/$module"/target/*-testrun.jar 2>/dev/null | head -1 || true)
if [ -n "$testrun" ]; then cp_out+=("$testrun"); else cp_out+=("$VM_REPO/$module/target/classes"); fi
for j in "${jars[@]}"; do
  cp -p "$j" "$cp_dir/jars/"
  cp_out+=("$cp_dir/jars/$(basename "$j")")
done
javac --release 17 -nowarn -d "$cp_dir/junit" -cp "$(IFS=:; echo "${jars[*]}")" \
  "$VM_SRC/junit/VmJunit.java"
cp_out+=("$cp_dir/junit")
(IFS=:; echo "${cp_out[*]}") > "$cp_dir/$module.classpath"
vm_log "classpath for $module: $cp_dir/$module.classpath (${#cp_out[@]} entries)"
