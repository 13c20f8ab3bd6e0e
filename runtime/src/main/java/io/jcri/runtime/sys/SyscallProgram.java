package io.jcri.runtime.sys;

import jnr.ffi.Pointer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A straight-line list of raw system calls with their argument data, laid out in one buffer so that it can be
 * executed either by a Java loop on the launch thread ({@link #runOnThisThread}) or, unchanged, by the tiny
 * {@link InitElf} interpreter inside the new PID namespace (the /proc fallback path). One description of the
 * mount/credential sequence therefore serves both paths.
 *
 * <p>Layout: {@code n} entries of 8 little-endian u64 each ({@code nr, a1..a6, tolerated -errno}) followed by the
 * data area. Pointer arguments are offsets into the data area until {@link #serialize(long)} rebases them.
 */
public final class SyscallProgram {
    public static final int ENTRY_SIZE = 64;

    /** A pointer into this program's data area. */
    public record Ref(int offset) {}

    private final List<Object[]> entries = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final List<Integer> relocations = new ArrayList<>(); // data offsets holding a data offset

    /** Appends {@code nr(args)}; args are Long/Integer values or {@link Ref}s. */
    public SyscallProgram call(String label, long nr, Object... args) {
        return callTolerating(label, 0, nr, args);
    }

    /** Like {@link #call} but treats failure with {@code toleratedErrno} as success. */
    public SyscallProgram callTolerating(String label, int toleratedErrno, long nr, Object... args) {
        if (args.length > 6) throw new IllegalArgumentException("at most 6 syscall arguments");
        Object[] e = new Object[8];
        e[0] = nr;
        for (int i = 0; i < 6; i++) e[i + 1] = i < args.length ? args[i] : 0L;
        e[7] = (long) -toleratedErrno;
        entries.add(e);
        labels.add(label);
        return this;
    }

    public Ref cstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int off = align();
        data.write(b, 0, b.length);
        data.write(0);
        return new Ref(off);
    }

    public Ref bytes(byte[] b) {
        int off = align();
        data.write(b, 0, b.length);
        return new Ref(off);
    }

    /** A NULL-terminated array of pointers (argv, envp). */
    public Ref ptrArray(List<Ref> refs) {
        int off = align();
        for (Ref r : refs) {
            relocations.add(data.size());
            writeLong(r.offset());
        }
        writeLong(0);
        return new Ref(off);
    }

    /** struct sock_fprog { u16 len; u64 *filter; } for a filter of 8-byte sock_filter instructions. */
    public Ref sockFprog(byte[] filter) {
        Ref f = bytes(filter);
        int off = align();
        writeLong(filter.length / 8); // u16 len + padding, little endian
        relocations.add(data.size());
        writeLong(f.offset());
        return new Ref(off);
    }

    public int size() {
        return entries.size() * ENTRY_SIZE + align8(data.size());
    }

    public int length() {
        return entries.size();
    }

    public String label(int index) {
        return index >= 0 && index < labels.size() ? labels.get(index) : "step " + index;
    }

    /** The program with every pointer made absolute for a buffer at address {@code base}. */
    public byte[] serialize(long base) {
        long dataBase = base + (long) entries.size() * ENTRY_SIZE;
        ByteBuffer buf = ByteBuffer.allocate(size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Object[] e : entries) {
            for (Object a : e) {
                if (a instanceof Ref r) buf.putLong(dataBase + r.offset());
                else buf.putLong(((Number) a).longValue());
            }
        }
        byte[] d = data.toByteArray();
        ByteBuffer dv = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        for (int pos : relocations) dv.putLong(pos, dataBase + dv.getLong(pos));
        buf.put(d);
        return buf.array();
    }

    /** A program placed in native memory, ready to run on the launch thread without allocating. */
    public Loaded load() {
        Pointer mem = Native.allocate(Math.max(size(), 8));
        byte[] image = serialize(mem.address());
        mem.put(0, image, 0, image.length);
        long[] words = new long[entries.size() * 8];
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words, 0, words.length);
        return new Loaded(this, mem, words);
    }

    public static final class Loaded {
        private final SyscallProgram program;
        @SuppressWarnings("unused") private final Pointer memory; // keeps the data alive
        private final long[] words;
        public int failedStep = -1;
        public int failedErrno;

        Loaded(SyscallProgram program, Pointer memory, long[] words) {
            this.program = program;
            this.memory = memory;
            this.words = words;
        }

        /** Runs every step on the calling thread; returns false (and records the step) on the first failure. */
        public boolean runOnThisThread() {
            LibC c = Native.C;
            for (int i = 0; i < words.length / 8; i++) {
                int b = i * 8;
                long rc = c.syscall(words[b], words[b + 1], words[b + 2], words[b + 3], words[b + 4],
                        words[b + 5], words[b + 6]);
                if (rc < 0) {
                    int err = Native.errno();
                    if (words[b + 7] != 0 && -err == words[b + 7]) continue;
                    failedStep = i;
                    failedErrno = err;
                    return false;
                }
            }
            return true;
        }

        public NativeException failure() {
            return new NativeException(program.label(failedStep), failedErrno);
        }
    }

    private int align() {
        int pad = align8(data.size()) - data.size();
        for (int i = 0; i < pad; i++) data.write(0);
        return data.size();
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private void writeLong(long v) {
        for (int i = 0; i < 8; i++) data.write((int) (v >>> (8 * i)));
    }
}
