package io.jcri.runtime.security;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Classic BPF with symbolic labels. Conditional jumps have 8-bit offsets, so callers keep them local and use
 * {@link #ja} (32-bit offset) for anything far; {@link #assemble} fails loudly if a conditional jump is out of range.
 */
final class BpfAssembler {
    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;

    /** A position in the program, bound once. */
    static final class Label {
        private int position = -1;
    }

    private record Insn(int code, Label jt, Label jf, int k, Label target) {
    }

    private final List<Insn> insns = new ArrayList<>();

    Label label() {
        return new Label();
    }

    void bind(Label label) {
        if (label.position >= 0) {
            throw new IllegalStateException("label bound twice");
        }
        label.position = insns.size();
    }

    void load(int offset) {
        insns.add(new Insn(LD_W_ABS, null, null, offset, null));
    }

    void and(int mask) {
        insns.add(new Insn(ALU_AND_K, null, null, mask, null));
    }

    void ret(int value) {
        insns.add(new Insn(RET_K, null, null, value, null));
    }

    void ja(Label target) {
        insns.add(new Insn(JMP_JA, null, null, 0, target));
    }

    /** A null label means the next instruction. */
    void jeq(int k, Label jt, Label jf) {
        insns.add(new Insn(JMP_JEQ_K, jt, jf, k, null));
    }

    void jgt(int k, Label jt, Label jf) {
        insns.add(new Insn(JMP_JGT_K, jt, jf, k, null));
    }

    void jge(int k, Label jt, Label jf) {
        insns.add(new Insn(JMP_JGE_K, jt, jf, k, null));
    }

    int size() {
        return insns.size();
    }

    /** {@code struct sock_filter[]}: u16 code, u8 jt, u8 jf, u32 k, little-endian. */
    byte[] assemble() {
        ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < insns.size(); pc++) {
            Insn insn = insns.get(pc);
            int k = insn.k;
            if (insn.code == JMP_JA) {
                k = offset(pc, insn.target);
            }
            out.putShort((short) insn.code);
            out.put((byte) shortOffset(pc, insn.jt));
            out.put((byte) shortOffset(pc, insn.jf));
            out.putInt(k);
        }
        return out.array();
    }

    private static int offset(int pc, Label target) {
        if (target.position < 0) {
            throw new IllegalStateException("jump to an unbound label");
        }
        int offset = target.position - (pc + 1);
        if (offset < 0) {
            throw new IllegalStateException("BPF jumps only forward");
        }
        return offset;
    }

    private static int shortOffset(int pc, Label target) {
        if (target == null) {
            return 0;
        }
        int offset = offset(pc, target);
        if (offset > 255) {
            throw new IllegalStateException("conditional jump of " + offset + " at " + pc + " exceeds 255");
        }
        return offset;
    }
}
