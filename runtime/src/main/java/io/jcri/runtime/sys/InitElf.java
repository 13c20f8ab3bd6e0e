package io.jcri.runtime.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
    public static final long LOAD_ADDRESS = 0x400000L;
    public static final long BUFFER = 0x401000L;
    public static final int BUFFER_SIZE = 0x100000;

    private static final byte[] CODE = hex(
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
        int headers = 64 + 56;
        ByteBuffer b = ByteBuffer.allocate(headers + CODE.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1); // ET_EXEC, x86-64, EV_CURRENT
        b.putLong(LOAD_ADDRESS + headers).putLong(64).putLong(0); // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1); // flags, ehsize, phentsize, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(0).putLong(LOAD_ADDRESS).putLong(LOAD_ADDRESS); // PT_LOAD rwx
        b.putLong(headers + CODE.length).putLong(BUFFER - LOAD_ADDRESS + BUFFER_SIZE).putLong(0x1000);
        b.put(CODE);
        return b.array();
    }

    /** Index of the failed entry from the entry address the helper reported. */
    public static int entryIndex(long entryAddress) {
        return (int) ((entryAddress - BUFFER) / SyscallProgram.ENTRY_SIZE);
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }
}
