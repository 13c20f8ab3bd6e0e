package io.jcri.runtime.sys;

/**
 * A 121-byte static x86-64 executable that runs a {@link SyscallProgram} and is the /proc fallback's PID 1 until
 * it execs the entrypoint.
 *
 * <p>Why it exists: procfs shows the PID namespace of the <em>mounting task</em>, and a JVM thread stays in the
 * host's PID namespace even after unshare(CLONE_NEWPID). Kernels before ~6.15 cannot be told another namespace
 * (fsconfig "pidns"), so some process inside the new namespace must mount /proc and only then pivot, drop
 * privileges and exec. A C helper would need a C toolchain at build time; a second JVM costs 250-460 ms. This
 * interpreter is written out by Java, so the build needs only a JDK, and its work is described by the same
 * {@link SyscallProgram} the primary path runs on the launch thread.
 *
 * <p>Protocol: it reads the serialized program from fd 3 into its buffer at {@link #BUFFER}, executes entries
 * ({@code nr, a1..a6, tolerated -errno}) until one execve succeeds, and on the first failure writes
 * {@code {long -errno, long entryAddress}} to fd 4 and exits with 127.
 */
public final class InitElf {
    public static final long LOAD_ADDRESS = StaticElf.LOAD_ADDRESS;
    public static final long BUFFER = 0x401000L;
    public static final int BUFFER_SIZE = 0x100000;

    private static final byte[] CODE = StaticElf.hex(
            "41bcc00f4000" // mov r12d, BUFFER-64
            + "31c0" + "bf03000000" + "be00104000" + "ba00001000" + "0f05" // read(3, BUFFER, BUFFER_SIZE)
            + "4885c0" + "7838" // test rax,rax; js fail
            + "eb30" // jmp next
            // loop:
            + "498b0424" + "498b7c2408" + "498b742410" + "498b542418" + "4d8b542420" + "4d8b442428"
            + "4d8b4c2430" + "0f05" // load nr, a1..a6; syscall
            + "4885c0" + "7907" // test rax,rax; jns next
            + "493b442438" + "7506" // cmp rax,[r12+56]; jne fail
            // next:
            + "4983c440" + "ebca" // add r12,64; jmp loop
            // fail:
            + "4154" + "50" + "b801000000" + "bf04000000" + "4889e6" + "ba10000000" + "0f05" // write(4, rsp, 16)
            + "b8e7000000" + "bf7f000000" + "0f05"); // exit_group(127)

    private InitElf() {}

    public static byte[] image() {
        return StaticElf.image(CODE, BUFFER - LOAD_ADDRESS + BUFFER_SIZE);
    }

    /** Index of the failed entry from the entry address the helper reported. */
    public static int entryIndex(long entryAddress) {
        return (int) ((entryAddress - BUFFER) / SyscallProgram.ENTRY_SIZE);
    }
}
