package io.jcri.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated eBPF, run by a small interpreter of the instructions it uses (the kernel test runs it for real). */
class DeviceFilterProgramTest {
    private static final int BLOCK = 1;
    private static final int CHAR = 2;
    private static final int MKNOD = 1;
    private static final int READ = 2;
    private static final int WRITE = 4;

    private static boolean allows(byte[] program, int type, int access, int major, int minor) {
        ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int[] ctx = {access << 16 | type, major, minor};
        long[] r = new long[11];
        int pc = 0;
        while (true) {
            int op = code.get(pc * 8) & 0xff;
            int dst = code.get(pc * 8 + 1) & 0x0f;
            int src = (code.get(pc * 8 + 1) & 0xf0) >> 4;
            short off = code.getShort(pc * 8 + 2);
            int imm = code.getInt(pc * 8 + 4);
            pc++;
            switch (op) {
                case 0x61 -> r[dst] = ctx[off / 4] & 0xffffffffL; // ctx pointer is r1
                case 0xbf -> r[dst] = r[src];
                case 0xb7 -> r[dst] = imm;
                case 0x57 -> r[dst] &= imm;
                case 0x77 -> r[dst] >>>= imm;
                case 0x55 -> pc += r[dst] != imm ? off : 0;
                case 0x95 -> {
                    return r[0] == 1;
                }
                default -> throw new IllegalStateException("opcode " + op);
            }
        }
    }

    @Test
    void containerdDefaults() {
        byte[] program = DeviceFilterProgram.compile(DeviceRule.DEFAULT_ALLOWED);
        assertThat(allows(program, CHAR, READ | WRITE, 1, 3)).as("/dev/null").isTrue();
        assertThat(allows(program, CHAR, READ | WRITE, 136, 7)).as("/dev/pts/7").isTrue();
        assertThat(allows(program, CHAR, READ, 10, 200)).as("/dev/net/tun").isTrue();
        assertThat(allows(program, BLOCK, READ, 7, 0)).as("/dev/loop0").isFalse();
        assertThat(allows(program, BLOCK, MKNOD, 8, 0)).as("mknod sda").isTrue();
        assertThat(allows(program, CHAR, READ, 1, 1)).as("/dev/mem").isFalse();
        assertThat(allows(program, CHAR, READ, 4, 1)).as("/dev/tty1").isFalse();
    }

    @Test
    void accessMustBeASubsetOfTheRule() {
        byte[] program = DeviceFilterProgram.compile(List.of(new DeviceRule('b', 8L, null, "r"),
                new DeviceRule('c', null, 5L, "rw")));
        assertThat(allows(program, BLOCK, READ, 8, 16)).isTrue();
        assertThat(allows(program, BLOCK, READ | WRITE, 8, 16)).isFalse();
        assertThat(allows(program, BLOCK, READ, 9, 0)).isFalse();
        assertThat(allows(program, CHAR, WRITE, 42, 5)).isTrue();
        assertThat(allows(program, CHAR, MKNOD, 42, 5)).isFalse();
        assertThat(allows(program, BLOCK, WRITE, 42, 5)).isFalse();
    }

    @Test
    void allowAllAndNothing() {
        byte[] all = DeviceFilterProgram.compile(DeviceRule.ALLOW_ALL);
        assertThat(allows(all, BLOCK, READ | WRITE | MKNOD, 8, 0)).isTrue();
        // nothing after the unconditional "return 1": the kernel's verifier refuses unreachable instructions
        assertThat(all.length / 8).isEqualTo(6 + 2);
        assertThat(all[all.length - 8] & 0xff).as("exit").isEqualTo(0x95);
        byte[] none = DeviceFilterProgram.compile(List.of());
        assertThat(allows(none, CHAR, READ, 1, 3)).isFalse();
    }
}
