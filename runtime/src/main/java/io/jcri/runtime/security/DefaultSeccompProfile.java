package io.jcri.runtime.security;

import java.util.ArrayList;
import java.util.List;

/**
 * containerd's RuntimeDefault profile for amd64 ({@code contrib/seccomp/seccomp_default.go}): an allow list,
 * personality only with the harmless personas, clone without namespace flags and clone3 refused with ENOSYS
 * (so libc falls back to clone) unless CAP_SYS_ADMIN is in the bounding set, extra syscalls for the other
 * capabilities, everything else EPERM. Also, as moby's profile does, socket(AF_VSOCK) is refused.
 */
final class DefaultSeccompProfile {
    private static final long CLONE_NAMESPACE_FLAGS = 0x00020000L /* NEWNS */ | 0x04000000L /* NEWUTS */
            | 0x08000000L /* NEWIPC */ | 0x10000000L /* NEWUSER */ | 0x20000000L /* NEWPID */
            | 0x40000000L /* NEWNET */ | 0x02000000L /* NEWCGROUP */;
    private static final long AF_VSOCK = 40;

    private static final String[] ALLOWED = {
        "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir", "chmod",
        "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres", "clock_getres_time64",
        "clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
        "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
        "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
        "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32",
        "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
        "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate",
        "ftruncate64", "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
        "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
        "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
        "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
        "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday",
        "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
        "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents", "io_pgetevents",
        "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "io_uring_enter",
        "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr",
        "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise",
        "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock",
        "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
        "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink",
        "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
        "nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
        "pidfd_send_signal", "pipe", "pipe2", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
        "preadv2", "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
        "pwritev2", "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
        "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2",
        "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
        "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
        "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
        "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
        "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
        "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
        "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
        "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid",
        "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
        "setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
        "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd",
        "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64",
        "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
        "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
        "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
        "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
        "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes",
        "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev",
        // amd64 only
        "arch_prctl", "modify_ldt",
        // kernel >= 4.8, where seccomp runs after ptrace and ptrace can no longer bypass the filter
        "ptrace",
    };

    /** Personas a container may switch to: PER_LINUX, PER_LINUX32, UNAME26 variants, and the query 0xffffffff. */
    private static final long[] PERSONAS = {0x0, 0x0008, 0x20000, 0x20008, 0xffffffffL};

    private DefaultSeccompProfile() {
    }

    static SeccompProfile build(long boundingCaps) {
        List<SeccompRule> rules = new ArrayList<>();
        rules.add(SeccompRule.allow(ALLOWED));
        rules.add(new SeccompRule(List.of("socket"), SeccompAction.ALLOW,
                List.of(new SeccompArg(0, AF_VSOCK, 0, SeccompOp.NE))));
        for (long persona : PERSONAS) {
            rules.add(new SeccompRule(List.of("personality"), SeccompAction.ALLOW,
                    List.of(new SeccompArg(0, persona, 0, SeccompOp.EQ))));
        }
        boolean admin = has(boundingCaps, Capability.CAP_SYS_ADMIN);
        if (has(boundingCaps, Capability.CAP_DAC_READ_SEARCH)) {
            rules.add(SeccompRule.allow("open_by_handle_at"));
        }
        if (admin) {
            rules.add(SeccompRule.allow("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen",
                    "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at",
                    "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
                    "setns", "syslog", "umount", "umount2", "unshare"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_BOOT)) {
            rules.add(SeccompRule.allow("reboot"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_CHROOT)) {
            rules.add(SeccompRule.allow("chroot"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_MODULE)) {
            rules.add(SeccompRule.allow("delete_module", "init_module", "finit_module"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_PACCT)) {
            rules.add(SeccompRule.allow("acct"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_PTRACE)) {
            rules.add(SeccompRule.allow("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv",
                    "process_vm_writev", "ptrace"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_RAWIO)) {
            rules.add(SeccompRule.allow("iopl", "ioperm"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_TIME)) {
            rules.add(SeccompRule.allow("settimeofday", "stime", "clock_settime", "clock_settime64"));
        }
        if (has(boundingCaps, Capability.CAP_SYS_TTY_CONFIG)) {
            rules.add(SeccompRule.allow("vhangup"));
        }
        if (has(boundingCaps, Capability.CAP_SYSLOG)) {
            rules.add(SeccompRule.allow("syslog"));
        }
        if (has(boundingCaps, Capability.CAP_BPF)) {
            rules.add(SeccompRule.allow("bpf"));
        }
        if (has(boundingCaps, Capability.CAP_PERFMON)) {
            rules.add(SeccompRule.allow("perf_event_open"));
        }
        if (!admin) {
            rules.add(new SeccompRule(List.of("clone"), SeccompAction.ALLOW,
                    List.of(new SeccompArg(0, CLONE_NAMESPACE_FLAGS, 0, SeccompOp.MASKED_EQ))));
            rules.add(new SeccompRule(List.of("clone3"), SeccompAction.errno(SeccompAction.ENOSYS), List.of()));
        }
        return SeccompProfile.builtIn(SeccompAction.errno(SeccompAction.EPERM),
                List.of(SeccompArch.X86_64, SeccompArch.X86, SeccompArch.X32), rules);
    }

    private static boolean has(long caps, Capability cap) {
        return (caps & cap.mask()) != 0;
    }
}
