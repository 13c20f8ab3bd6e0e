package io.jcri.runtime.cgroup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The cgroup v2 device controller: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE that sees
 * {@code struct bpf_cgroup_dev_ctx {u32 access_type; u32 major; u32 minor;}} (access_type = access << 16 | type)
 * and returns 1 to allow, 0 to deny. Generated from allow rules; anything no rule allows is denied.
 */
final class DeviceFilterProgram {
    private static final int DEV_BLOCK = 1;
    private static final int DEV_CHAR = 2;
    private static final int ACC_MKNOD = 1;
    private static final int ACC_READ = 2;
    private static final int ACC_WRITE = 4;

    // eBPF opcodes
    private static final int LDX_MEM_W = 0x61;
    private static final int ALU64_MOV_X = 0xbf;
    private static final int ALU64_MOV_K = 0xb7;
    private static final int ALU64_AND_K = 0x57;
    private static final int ALU64_RSH_K = 0x77;
    private static final int JMP_JNE_K = 0x55;
    private static final int JMP_EXIT = 0x95;

    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2 = 2;
    private static final int R3 = 3;
    private static final int R4 = 4;
    private static final int R5 = 5;
    private static final int R7 = 7;

    private DeviceFilterProgram() {
    }

    /** {@code struct bpf_insn[]}: u8 code, u8 dst:4|src:4, s16 off, s32 imm, little-endian. */
    static byte[] compile(List<DeviceRule> allowed) {
        ByteBuffer out = ByteBuffer.allocate((6 + allowed.size() * 8 + 2) * 8).order(ByteOrder.LITTLE_ENDIAN);
        emit(out, LDX_MEM_W, R2, R1, 0, 0); // access_type
        emit(out, ALU64_MOV_X, R3, R2, 0, 0);
        emit(out, ALU64_AND_K, R3, 0, 0, 0xffff); // device type
        emit(out, ALU64_RSH_K, R2, 0, 0, 16); // requested access
        emit(out, LDX_MEM_W, R4, R1, 4, 0); // major
        emit(out, LDX_MEM_W, R5, R1, 8, 0); // minor
        for (DeviceRule rule : allowed) {
            emitRule(out, rule);
            if (matchesEverything(rule)) {
                // "return 1" for all: the verifier rejects anything after it as unreachable code
                return finish(out);
            }
        }
        emit(out, ALU64_MOV_K, R0, 0, 0, 0);
        emit(out, JMP_EXIT, 0, 0, 0, 0);
        return finish(out);
    }

    private static byte[] finish(ByteBuffer out) {
        byte[] program = new byte[out.position()];
        out.flip().get(program);
        return program;
    }

    /** {@code a *:* rwm} (privileged containers): no condition to test. */
    private static boolean matchesEverything(DeviceRule rule) {
        return rule.type() == 'a' && rule.major() == null && rule.minor() == null
                && accessBits(rule.access()) == (ACC_MKNOD | ACC_READ | ACC_WRITE);
    }

    /** Jumps over its own tail to the next rule when a field does not match; ends with "return 1". */
    private static void emitRule(ByteBuffer out, DeviceRule rule) {
        boolean checkType = rule.type() != 'a';
        int deniedAccess = ~accessBits(rule.access()) & (ACC_MKNOD | ACC_READ | ACC_WRITE);
        int length = (checkType ? 1 : 0) + (deniedAccess != 0 ? 3 : 0) + (rule.major() != null ? 1 : 0)
                + (rule.minor() != null ? 1 : 0) + 2;
        int start = out.position() / 8;
        if (checkType) {
            jumpUnlessEqual(out, start, length, R3, rule.type() == 'b' ? DEV_BLOCK : DEV_CHAR);
        }
        if (deniedAccess != 0) {
            emit(out, ALU64_MOV_X, R7, R2, 0, 0);
            emit(out, ALU64_AND_K, R7, 0, 0, deniedAccess);
            jumpUnlessEqual(out, start, length, R7, 0);
        }
        if (rule.major() != null) {
            jumpUnlessEqual(out, start, length, R4, (int) (long) rule.major());
        }
        if (rule.minor() != null) {
            jumpUnlessEqual(out, start, length, R5, (int) (long) rule.minor());
        }
        emit(out, ALU64_MOV_K, R0, 0, 0, 1);
        emit(out, JMP_EXIT, 0, 0, 0, 0);
    }

    /** {@code if (reg != value) goto <first instruction after this rule>}. */
    private static void jumpUnlessEqual(ByteBuffer out, int ruleStart, int ruleLength, int reg, int value) {
        int here = out.position() / 8;
        emit(out, JMP_JNE_K, reg, 0, ruleStart + ruleLength - (here + 1), value);
    }

    private static int accessBits(String access) {
        int bits = 0;
        for (char c : access.toCharArray()) {
            bits |= switch (c) {
                case 'r' -> ACC_READ;
                case 'w' -> ACC_WRITE;
                default -> ACC_MKNOD;
            };
        }
        return bits;
    }

    private static void emit(ByteBuffer out, int code, int dst, int src, int offset, int imm) {
        out.put((byte) code);
        out.put((byte) ((src << 4) | dst));
        out.putShort((short) offset);
        out.putInt(imm);
    }
}
