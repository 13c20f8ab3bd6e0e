package io.jcri.runtime.security;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Runs a seccomp classic-BPF program over a {@code struct seccomp_data}, for the opcodes the compiler emits. */
final class BpfInterpreter {
    private final ByteBuffer program;
    private final int length;
    int executed;

    BpfInterpreter(byte[] program) {
        this.program = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        this.length = program.length / 8;
    }

    int run(int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr);
        data.putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        executed = 0;
        while (true) {
            if (pc < 0 || pc >= length) {
                throw new IllegalStateException("pc " + pc + " out of program");
            }
            executed++;
            int code = program.getShort(pc * 8) & 0xffff;
            int jt = program.get(pc * 8 + 2) & 0xff;
            int jf = program.get(pc * 8 + 3) & 0xff;
            int k = program.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case 0x20 -> {
                    if (k < 0 || k > 60 || k % 4 != 0) {
                        throw new IllegalStateException("bad load offset " + k);
                    }
                    a = data.getInt(k);
                }
                case 0x54 -> a &= k;
                case 0x05 -> pc += k;
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                case 0x06 -> {
                    return k;
                }
                default -> throw new IllegalStateException("unexpected opcode 0x" + Integer.toHexString(code));
            }
        }
    }
}
