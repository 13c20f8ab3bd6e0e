package io.jcri.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompProfileTest {
    private static final int X86_64 = SeccompArch.AUDIT_ARCH_X86_64;
    private static final int I386 = SeccompArch.AUDIT_ARCH_I386;
    private static final int AARCH64 = 0xC00000B7;
    private static final int ALLOW = 0x7fff0000;
    private static final int EPERM = 0x00050001;
    private static final int ENOSYS = 0x00050026;
    private static final int KILL_PROCESS = 0x80000000;
    private static final long CLONE_NEWNS = 0x00020000L;
    private static final long FORK_FLAGS = 0x01200011L; // CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD
    private static final long THREAD_FLAGS = 0x003d0f00L; // what glibc's pthread_create passes

    private final SeccompProfile profile = SeccompProfile.runtimeDefault();
    private final BpfInterpreter bpf = new BpfInterpreter(profile.compile());

    private static int nr(String name) {
        return SyscallTable.X86_64.number(name).orElseThrow();
    }

    @Test
    void defaultProfileFitsTheKernelLimit() {
        byte[] program = profile.compile();
        int instructions = program.length / 8;
        System.out.println("RuntimeDefault seccomp BPF: " + instructions + " instructions");
        assertThat(program.length % 8).isZero();
        assertThat(instructions).isLessThanOrEqualTo(4096);
        long start = System.nanoTime();
        byte[] admin = SeccompProfile.runtimeDefault(CapabilitySet.KNOWN_MASK).compile();
        long micros = (System.nanoTime() - start) / 1000;
        System.out.println("RuntimeDefault with every capability: " + admin.length / 8 + " instructions, built and"
                + " compiled in " + micros + " us");
        assertThat(admin.length / 8).isLessThanOrEqualTo(4096);
    }

    @Test
    void defaultProfileAllowsOrdinarySyscallsAndRefusesDangerousOnes() {
        for (String allowed : List.of("read", "write", "openat", "execve", "exit_group", "futex", "mmap",
                "rt_sigreturn", "arch_prctl", "io_uring_setup", "ptrace", "chown", "getdents64", "close_range",
                "chroot" /* CAP_SYS_CHROOT is in the default set */)) {
            assertThat(bpf.run(X86_64, nr(allowed))).as(allowed).isEqualTo(ALLOW);
        }
        for (String refused : List.of("mount", "umount2", "unshare", "setns", "reboot", "kexec_load",
                "init_module", "bpf", "perf_event_open", "open_by_handle_at", "keyctl", "add_key",
                "pivot_root", "swapon", "settimeofday", "userfaultfd", "fsopen", "move_mount", "syslog")) {
            assertThat(bpf.run(X86_64, nr(refused))).as(refused).isEqualTo(EPERM);
        }
        assertThat(bpf.run(X86_64, 1000)).as("a number no kernel has").isEqualTo(EPERM);
    }

    @Test
    void cloneIsAllowedWithoutNamespaceFlagsAndClone3GivesEnosys() {
        assertThat(bpf.run(X86_64, nr("clone"), FORK_FLAGS)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr("clone"), THREAD_FLAGS)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr("clone"), FORK_FLAGS | CLONE_NEWNS)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr("clone"), 0x10000000L /* NEWUSER */)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr("clone3"))).isEqualTo(ENOSYS);
    }

    @Test
    void personalityOnlyForHarmlessPersonas() {
        for (long persona : new long[] {0, 8, 0x20000, 0x20008, 0xffffffffL}) {
            assertThat(bpf.run(X86_64, nr("personality"), persona)).as("persona %x", persona).isEqualTo(ALLOW);
        }
        assertThat(bpf.run(X86_64, nr("personality"), 0x0040000L /* ADDR_NO_RANDOMIZE */)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, nr("personality"), 0x1_0000_0000L)).isEqualTo(EPERM);
    }

    @Test
    void vsockSocketsAreRefused() {
        assertThat(bpf.run(X86_64, nr("socket"), 2 /* AF_INET */, 1)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr("socket"), 1 /* AF_UNIX */, 1)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr("socket"), 40 /* AF_VSOCK */, 1)).isEqualTo(EPERM);
    }

    @Test
    void otherAbis() {
        int i386Socket = SyscallTable.I386.number("socket").orElseThrow();
        assertThat(bpf.run(I386, SyscallTable.I386.number("read").orElseThrow())).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, SyscallTable.I386.number("mount").orElseThrow())).isEqualTo(EPERM);
        assertThat(bpf.run(I386, i386Socket, 40)).isEqualTo(EPERM);
        assertThat(bpf.run(I386, i386Socket, 2)).isEqualTo(ALLOW);
        int x32 = SeccompArch.X32_SYSCALL_BIT;
        assertThat(bpf.run(X86_64, x32 | SyscallTable.X32.number("read").orElseThrow())).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, x32 | SyscallTable.X32.number("rt_sigaction").orElseThrow())).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, x32 | SyscallTable.X32.number("mount").orElseThrow())).isEqualTo(EPERM);
        assertThat(bpf.run(AARCH64, 63)).as("an architecture not in the profile").isEqualTo(KILL_PROCESS);
    }

    @Test
    void capabilitiesWidenTheDefaultProfileAsContainerdDoes() {
        long admin = CapabilitySet.DEFAULT_MASK | Capability.CAP_SYS_ADMIN.mask() | Capability.CAP_SYS_TIME.mask();
        BpfInterpreter widened = new BpfInterpreter(SeccompProfile.runtimeDefault(admin).compile());
        assertThat(widened.run(X86_64, nr("mount"))).isEqualTo(ALLOW);
        assertThat(widened.run(X86_64, nr("clone"), CLONE_NEWNS)).isEqualTo(ALLOW);
        assertThat(widened.run(X86_64, nr("clone3"))).isEqualTo(ALLOW);
        assertThat(widened.run(X86_64, nr("clock_settime"))).isEqualTo(ALLOW);
        assertThat(widened.run(X86_64, nr("reboot"))).isEqualTo(EPERM);
        BpfInterpreter boot = new BpfInterpreter(SeccompProfile.runtimeDefault(
                CapabilitySet.DEFAULT_MASK | Capability.CAP_SYS_BOOT.mask()).compile());
        assertThat(boot.run(X86_64, nr("reboot"))).isEqualTo(ALLOW);
        BpfInterpreter noChroot = new BpfInterpreter(SeccompProfile.runtimeDefault(
                CapabilitySet.DEFAULT_MASK & ~Capability.CAP_SYS_CHROOT.mask()).compile());
        assertThat(noChroot.run(X86_64, nr("chroot"))).isEqualTo(EPERM);
    }

    /** Every syscall number of every ABI, with argument values around the profile's constants, against the model. */
    @Test
    void compiledFilterAgreesWithTheProfileForEverySyscall() {
        long[] interesting = {0, 1, 2, 8, 40, 41, 0x20000, 0x20008, 0xffffffffL, 0x1_0000_0000L, CLONE_NEWNS,
            FORK_FLAGS, THREAD_FLAGS, -1L};
        Random random = new Random(42);
        int worstPath = 0;
        for (SeccompArch arch : SeccompArch.values()) {
            SyscallTable table = switch (arch) {
                case X86_64 -> SyscallTable.X86_64;
                case X86 -> SyscallTable.I386;
                case X32 -> SyscallTable.X32;
            };
            Map<Integer, String> names = new java.util.HashMap<>();
            table.all().forEach((name, number) -> names.put(number, name));
            int base = arch == SeccompArch.X32 ? SeccompArch.X32_SYSCALL_BIT : 0;
            for (int number = 0; number < 600; number++) {
                String name = names.get(number);
                for (int i = 0; i < (name == null ? 2 : 30); i++) {
                    long arg0 = i < interesting.length ? interesting[i] : random.nextLong();
                    long arg1 = random.nextBoolean() ? 40 : random.nextLong();
                    int actual = bpf.run(arch.auditArch(), base + number, arg0, arg1);
                    worstPath = Math.max(worstPath, bpf.executed);
                    int expected = name == null ? EPERM : ProfileOracle.expected(profile, arch, name, arg0, arg1);
                    assertThat(actual).as("%s %d %s(%x, %x)", arch, number, name, arg0, arg1).isEqualTo(expected);
                }
            }
        }
        System.out.println("RuntimeDefault seccomp BPF: longest path " + worstPath + " instructions");
        assertThat(worstPath).isLessThan(64);
    }

    @Test
    void parsesOciProfilesWithEveryComparison(@TempDir Path dir) throws Exception {
        String json = """
                {
                  "defaultAction": "SCMP_ACT_ERRNO",
                  "defaultErrnoRet": 13,
                  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
                  "syscalls": [
                    {"names": ["read", "no_such_syscall", "chown32"], "action": "SCMP_ACT_ALLOW"},
                    {"names": ["write"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_LE"}]},
                    {"names": ["write"], "action": "SCMP_ACT_LOG",
                     "args": [{"index": 2, "value": 4294967296, "op": "SCMP_CMP_GE"}]},
                    {"names": ["lseek"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 1, "value": 17179869184, "op": "SCMP_CMP_LT"},
                              {"index": 2, "value": 1, "op": "SCMP_CMP_GT"}]},
                    {"names": ["mmap"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 2, "value": 4, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
                    {"names": ["mmap"], "action": "SCMP_ACT_KILL_PROCESS",
                     "args": [{"index": 2, "value": 18446744069414584320, "valueTwo": 4294967296,
                               "op": "SCMP_CMP_MASKED_EQ"}]},
                    {"names": ["kill"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_NE"},
                              {"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
                    {"names": ["getpid"], "action": "SCMP_ACT_TRAP"},
                    {"names": ["getppid"], "action": "SCMP_ACT_KILL"},
                    {"names": ["gettid"], "action": "SCMP_ACT_KILL_THREAD"},
                    {"names": ["uname"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
                    {"names": ["sync"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28},
                    {"name": "fsync", "action": "SCMP_ACT_ERRNO"}
                  ]
                }
                """;
        Path file = dir.resolve("profile.json");
        Files.writeString(file, json);
        SeccompProfile parsed = SeccompProfile.fromJson(file);
        assertThat(parsed.architectures()).containsExactly(SeccompArch.X86_64);
        BpfInterpreter custom = new BpfInterpreter(parsed.compile());

        assertThat(custom.run(X86_64, nr("read"))).isEqualTo(ALLOW);
        assertThat(custom.run(X86_64, nr("open"))).isEqualTo(0x0005000d);
        assertThat(custom.run(I386, 3)).as("x86 not in the profile").isEqualTo(KILL_PROCESS);
        assertThat(custom.run(X86_64, SeccompArch.X32_SYSCALL_BIT)).as("x32 not in the profile")
                .isEqualTo(KILL_PROCESS);
        assertThat(custom.run(X86_64, nr("getpid"))).isEqualTo(0x00030000);
        assertThat(custom.run(X86_64, nr("getppid"))).isEqualTo(0);
        assertThat(custom.run(X86_64, nr("gettid"))).isEqualTo(0);
        assertThat(custom.run(X86_64, nr("uname"))).isEqualTo(0x7ff00007);
        assertThat(custom.run(X86_64, nr("sync"))).isEqualTo(0x0005001c);
        assertThat(custom.run(X86_64, nr("fsync"))).isEqualTo(0x00050001);

        long[] values = {0, 1, 2, 3, 4, 9, 0xffffffffL, 0x1_0000_0000L, 0x1_0000_0004L, 0x4_0000_0000L,
            0x3_ffff_ffffL, 0x4_0000_0001L, -1L, 0x8000_0000L};
        for (String syscall : List.of("write", "lseek", "mmap", "kill")) {
            for (long a : values) {
                for (long b : values) {
                    for (long c : values) {
                        assertThat(custom.run(X86_64, nr(syscall), a, b, c))
                                .as("%s(%x, %x, %x)", syscall, a, b, c)
                                .isEqualTo(ProfileOracle.expected(parsed, SeccompArch.X86_64, syscall, a, b, c));
                    }
                }
            }
        }
    }

    @Test
    void flagsAndCompileOnce() {
        SeccompProfile flagged = SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ERRNO",
                 "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]}
                """);
        assertThat(flagged.flags()).isEqualTo(SeccompProfile.FLAG_LOG | SeccompProfile.FLAG_SPEC_ALLOW);
        assertThatThrownBy(() -> SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]}"""))
                .hasMessageContaining("SECCOMP_FILTER_FLAG_NEW_LISTENER");
        assertThat(SeccompProfile.runtimeDefault()).isSameAs(SeccompProfile.runtimeDefault());
        byte[] first = SeccompProfile.runtimeDefault().compile();
        first[0] = 0x7f;
        assertThat(SeccompProfile.runtimeDefault().compile()[0]).as("callers get copies").isNotEqualTo(0x7f);
        assertThat(SeccompProfile.runtimeDefault().flags()).isZero();
    }

    @Test
    void parsesDockerArchMap() {
        SeccompProfile docker = SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ERRNO",
                 "archMap": [{"architecture": "SCMP_ARCH_X86_64",
                              "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
                """);
        assertThat(docker.architectures()).containsExactly(SeccompArch.X86_64, SeccompArch.X86, SeccompArch.X32);
    }

    @Test
    void rejectsWhatItCannotEnforce() {
        assertThatThrownBy(() -> SeccompProfile.fromJson("{\"syscalls\": []}"))
                .hasMessageContaining("defaultAction");
        assertThatThrownBy(() -> SeccompProfile.fromJson("{\"defaultAction\": \"SCMP_ACT_NOPE\"}"))
                .hasMessageContaining("SCMP_ACT_NOPE");
        assertThatThrownBy(() -> SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]}"""))
                .hasMessageContaining("NOTIFY");
        assertThatThrownBy(() -> SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO",
                               "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]}"""))
                .hasMessageContaining("SCMP_CMP_ALMOST");
        assertThatThrownBy(() -> SeccompProfile.fromJson("not json")).hasMessageContaining("JSON");
        assertThatThrownBy(() -> SeccompProfile.unconfined().compile()).isInstanceOf(IllegalStateException.class);
        assertThat(SeccompProfile.unconfined().isUnconfined()).isTrue();
        assertThat(SeccompProfile.runtimeDefault().isUnconfined()).isFalse();
    }

    @Test
    void allowByDefaultProfiles() {
        SeccompProfile denyList = SeccompProfile.fromJson("""
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30},
                              {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}""");
        BpfInterpreter filter = new BpfInterpreter(denyList.compile());
        assertThat(filter.run(X86_64, nr("mkdir"))).isEqualTo(0x0005001e);
        assertThat(filter.run(X86_64, nr("read"))).isEqualTo(ALLOW);
        assertThat(filter.run(X86_64, nr("mount"))).isEqualTo(ALLOW);
    }
}
