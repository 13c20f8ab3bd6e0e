package io.jcri.runtime.cgroup;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** bpf(2) for loading and attaching a cgroup device program, through a small libc binding of its own. */
final class BpfSyscalls {
    /** Raw libc entry points; {@code syscall} returns -1 and sets errno on failure. */
    public interface LibC {
        long syscall(long number, long a1, long a2, long a3);

        int open(String path, int flags);

        int close(int fd);
    }

    private static final long SYS_BPF = 321;
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_ATTACH = 8;
    private static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    private static final int BPF_CGROUP_DEVICE = 6;
    private static final int BPF_F_ALLOW_MULTI = 2;
    private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;
    private static final int ATTR_SIZE = 128;
    private static final int LOG_SIZE = 1 << 16;

    private BpfSyscalls() {
    }

    private static final class Holder {
        static final LibC LIBC;
        static final Runtime RUNTIME;

        static {
            System.setProperty("jnr.ffi.x86asm.enabled", "false");
            LIBC = LibraryLoader.create(LibC.class).load("c");
            RUNTIME = Runtime.getRuntime(LIBC);
        }
    }

    /** Loads {@code program} and attaches it to the cgroup directory {@code cgroup}; the attachment keeps it. */
    static void attachDeviceFilter(String cgroup, byte[] program) {
        LibC libc = Holder.LIBC;
        Runtime runtime = Holder.RUNTIME;
        Pointer insns = Memory.allocateDirect(runtime, program.length);
        insns.put(0, program, 0, program.length);
        Pointer license = Memory.allocateDirect(runtime, 4);
        license.putString(0, "GPL", 4, java.nio.charset.StandardCharsets.US_ASCII);
        Pointer log = Memory.allocateDirect(runtime, LOG_SIZE);
        log.putByte(0, (byte) 0);
        Pointer load = Memory.allocateDirect(runtime, ATTR_SIZE, true);
        load.putInt(0, BPF_PROG_TYPE_CGROUP_DEVICE);
        load.putInt(4, program.length / 8);
        load.putAddress(8, insns.address());
        load.putAddress(16, license.address());
        load.putInt(24, 1); // log_level
        load.putInt(28, LOG_SIZE);
        load.putAddress(32, log.address());
        long prog = libc.syscall(SYS_BPF, BPF_PROG_LOAD, load.address(), ATTR_SIZE);
        if (prog < 0) {
            int errno = LastError.getLastError(runtime);
            throw new CgroupException("bpf(BPF_PROG_LOAD) of the device filter for " + cgroup + " failed, errno "
                    + errno + ": " + log.getString(0, LOG_SIZE, java.nio.charset.StandardCharsets.US_ASCII));
        }
        int dir = libc.open(cgroup, O_RDONLY_DIRECTORY_CLOEXEC);
        try {
            if (dir < 0) {
                throw new CgroupException("cannot open " + cgroup + ", errno " + LastError.getLastError(runtime));
            }
            Pointer attach = Memory.allocateDirect(runtime, ATTR_SIZE, true);
            attach.putInt(0, dir);
            attach.putInt(4, (int) prog);
            attach.putInt(8, BPF_CGROUP_DEVICE);
            attach.putInt(12, BPF_F_ALLOW_MULTI);
            if (libc.syscall(SYS_BPF, BPF_PROG_ATTACH, attach.address(), ATTR_SIZE) < 0) {
                throw new CgroupException("bpf(BPF_PROG_ATTACH) of the device filter to " + cgroup
                        + " failed, errno " + LastError.getLastError(runtime));
            }
        } finally {
            if (dir >= 0) {
                libc.close(dir);
            }
            libc.close((int) prog);
        }
    }
}
