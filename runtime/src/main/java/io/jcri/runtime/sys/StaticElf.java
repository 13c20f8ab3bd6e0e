package io.jcri.runtime.sys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The smallest static x86-64 executable: an ELF header and one read-write-execute PT_LOAD segment that maps
 * the headers and {@code code} at {@link #LOAD_ADDRESS}, entry right after the headers. {@code memorySize}
 * larger than the file reserves zeroed memory behind it (the /proc helper's program buffer).
 */
public final class StaticElf {
    public static final long LOAD_ADDRESS = 0x400000L;
    private static final int HEADERS = 64 + 56;

    private StaticElf() {}

    public static byte[] image(byte[] code, long memorySize) {
        ByteBuffer b = ByteBuffer.allocate(HEADERS + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2).putShort((short) 0x3e).putInt(1); // ET_EXEC, x86-64, EV_CURRENT
        b.putLong(LOAD_ADDRESS + HEADERS).putLong(64).putLong(0); // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1); // flags, ehsize, phentsize, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(7).putLong(0).putLong(LOAD_ADDRESS).putLong(LOAD_ADDRESS); // PT_LOAD rwx
        b.putLong(HEADERS + code.length).putLong(Math.max(memorySize, HEADERS + code.length)).putLong(0x1000);
        b.put(code);
        return b.array();
    }

    /**
     * Writes {@code image} to {@code target} with {@code permissions} (e.g. "r-xr-xr-x"), replacing it atomically:
     * a process exec'ing the file never sees it half written.
     */
    public static void install(Path target, byte[] image, String permissions) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, image);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }
}
