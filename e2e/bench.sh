#!/usr/bin/env bash
# Benchmark harness, run as root on Debian/Ubuntu. One command, everything set up and torn down by itself:
#
#   e2e/bench.sh                 jcri, containerd 1.6 (Debian's) and containerd 2.x (Debian unstable's, fetched by
#                                e2e/fetch-containerd2.sh into e2e/target/containerd2, never installed) side by side
#                                (A B C A B C ...), every scenario: Markdown table on stdout (ratios against the
#                                faster containerd), JSON under e2e/target/bench/ (path printed)
#   e2e/bench.sh --smoke         every scenario once, jcri only, small sizes (< 2 min; run by e2e/run-tests.sh)
#   e2e/bench.sh startup [runs]  jcri cold start to first served RPC, idle RSS
#   options: --runs N  --launches N  --calls N  --scenarios 1,2,3,4,5,6,7,8,9,10,11,12,13,14
#            --only jcri|containerd|containerd2  --json FILE   (JCRI_BENCH_CONTAINERD2=off: no 2.x column)
#   (8: launch latency over CRI, 9: runc run on the same busybox bundle, 10: memory per running container,
#    13: PullImage+RemoveImage of a 100 MiB 4-layer image, its content gone from disk before each pull,
#    14: memory idle, at 20 and at 100 running pods, settled; JCRI_BENCH_NMT=DIR keeps jcri's NMT summaries)
#
# Installs what is missing (containerd, runc, CNI plugins, docker-registry, busybox), builds the daemon and the
# harness if they are missing or older than their sources, and works under one temp dir. Whatever happens
# (failure, Ctrl-C, SIGTERM) the exit trap stops every process it started (by PID: the ones whose command line names that dir, and the
# workloads in its cgroups), deletes the containers in its runc root, unmounts what is mounted under the dir,
# deletes its bridges and cgroups and the dir.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "bench.sh: the runtimes create namespaces, mounts and cgroups: run as root" >&2
  exit 1
fi

smoke=false
only=""
prev=""
for a in "$@"; do
  [ "$a" = "--smoke" ] && smoke=true
  [ "$prev" = "--only" ] && only="$a"
  prev="$a"
done

packages="docker-registry containernetworking-plugins busybox-static iproute2 procps util-linux"
if [ "${1:-}" != "startup" ] && [ "$smoke" = false ] && [ "$only" != "jcri" ]; then
  packages="$packages containerd runc"
fi
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "bench.sh: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >&2
fi

# built when missing, and again when a source or pom is newer than the daemon's jar (a stale harness rejects the
# options this script passes, a stale daemon measures old code)
stale() {
  [ ! -f cri-server/target/jcri.jar ] || [ ! -f e2e/target/classpath.txt ] || [ ! -d e2e/target/classes ] \
    || [ -n "$(find proto runtime image-service cri-server e2e \( -path '*/src/*' -o -name pom.xml \) -type f \
                 -newer cri-server/target/jcri.jar -print -quit 2>/dev/null)" ] \
    || [ pom.xml -nt cri-server/target/jcri.jar ]
}
if stale; then
  echo "bench.sh: building the daemon and the harness" >&2
  mvn -B -q -ntp -pl e2e -am package -DskipTests >&2
fi

# the containerd 2.x column (not in smoke mode): fetched once a day; without it the run has the 1.6 column only
containerd2_args=()
if [ "${1:-}" != "startup" ] && [ "$smoke" = false ] && [ "${JCRI_BENCH_CONTAINERD2:-on}" != off ] &&
   { [ -z "$only" ] || [ "$only" = containerd2 ]; }; then
  if containerd2=$(e2e/fetch-containerd2.sh); then
    containerd2_args=(--containerd2 "$containerd2")
  else
    echo "bench.sh: no containerd 2.x (e2e/fetch-containerd2.sh failed): comparing with containerd 1.6 only" >&2
  fi
fi

java_cmd=(java -Djcri.jar="$PWD/cri-server/target/jcri.jar" -Djnr.ffi.x86asm.enabled=false
  -cp "e2e/target/classes:$(cat e2e/target/classpath.txt)" io.jcri.e2e.bench.BenchMain)

if [ "${1:-}" = "startup" ]; then
  exec "${java_cmd[@]}" "$@"
fi

tag=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p e2e/target/bench
suffix=""
[ "$smoke" = true ] && suffix="-smoke"
json="$PWD/e2e/target/bench/bench-$(date -u +%Y%m%dT%H%M%SZ)$suffix.json"
run_containerd_existed=false
[ -d /run/containerd ] && run_containerd_existed=true
java_pid=""
work=""

# the PIDs of processes whose command line names the work dir (daemons, shims, registry, the harness itself)
own_pids() {
  # the pattern comes from a file so that grep's own command line does not match it
  grep -alF -f <(printf '%s\n' "$work") /proc/[0-9]*/cmdline 2>/dev/null | sed -n 's#^/proc/\([0-9]*\)/cmdline$#\1#p' |
    grep -vx -e "$$" -e "${BASHPID:-$$}" || true
}

# the PIDs in the cgroups of this run's pods (the workloads: pause, sleep, sh)
cgroup_pids() {
  find /sys/fs/cgroup/*/jcribench-"$tag"-* -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  [ -n "$work" ] || exit "$rc"
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    kill -TERM "$java_pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$java_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  # scenario 9's runc containers: its state root is under the work dir; delete -f kills and removes each
  local runc_root="$work/w/runc/root" id
  if [ -d "$runc_root" ] && command -v runc >/dev/null; then
    for id in $(runc --root "$runc_root" list -q 2>/dev/null); do
      echo "bench.sh: deleting leftover runc container $id" >&2
      runc --root "$runc_root" delete -f "$id" >/dev/null 2>&1 || echo "bench.sh: cannot delete runc container $id" >&2
    done
  fi
  local pids
  pids=$(own_pids)
  if [ -n "$pids" ]; then
    echo "bench.sh: stopping leftover processes:" $pids >&2
    kill -TERM $pids 2>/dev/null
    for _ in $(seq 1 100); do
      pids=$(own_pids)
      [ -z "$pids" ] && break
      sleep 0.1
    done
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  fi
  for _ in 1 2 3; do
    pids=$(cgroup_pids)
    [ -z "$pids" ] && break
    echo "bench.sh: killing leftover workload processes:" $pids >&2
    kill -KILL $pids 2>/dev/null
    sleep 0.5
  done
  # mounts under the work dir (overlay root filesystems, netns bind mounts), deepest first
  awk -v d="$work" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || echo "bench.sh: cannot unmount $m" >&2; done
  for link in "jb${tag}j" "jb${tag}c" "jb${tag}d"; do
    ip link show "$link" >/dev/null 2>&1 && ip link del "$link"
  done
  # the pods' parent cgroups (kubelet's to remove in a cluster) and anything a failed teardown left; children
  # come before their parents in -depth order, and rmdir takes them in argument order
  find /sys/fs/cgroup/*/jcribench-"$tag"-* -depth -type d -exec rmdir {} + 2>/dev/null
  rm -rf --one-file-system "$work"
  # containerd's shims put their sockets under /run/containerd/s whatever the state dir
  if [ "$run_containerd_existed" = false ] && [ -d /run/containerd ] && ! pgrep -x containerd >/dev/null; then
    rm -rf /run/containerd
  fi
  local left=""
  [ -e "$work" ] && left="$left $work"
  ls -d /sys/fs/cgroup/*/jcribench-"$tag"-* >/dev/null 2>&1 && left="$left cgroups(jcribench-$tag-*)"
  [ -n "$(own_pids)" ] && left="$left processes"
  if [ -n "$left" ]; then
    echo "bench.sh: could not remove:$left" >&2
    [ "$rc" -eq 0 ] && rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work=$(mktemp -d /tmp/jcri-bench.XXXXXX)

# the harness's temp files (registry storage, pushed images) go under the work dir too
java -Djava.io.tmpdir="$work" -Djcri.jar="$PWD/cri-server/target/jcri.jar" -Djnr.ffi.x86asm.enabled=false \
  -cp "e2e/target/classes:$(cat e2e/target/classpath.txt)" io.jcri.e2e.bench.BenchMain \
  --work "$work/w" --tag "$tag" --json "$json" ${containerd2_args[@]+"${containerd2_args[@]}"} "$@" &
java_pid=$!
wait "$java_pid"
