package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

/** Terminal window size on a pty master (CRI resize events). */
final class Tty {
    private Tty() {}

    static void resize(int master, int columns, int rows) {
        if (master < 0) return;
        int[] winsize = {(rows & 0xffff) | (columns << 16), 0}; // struct winsize { u16 row, col, xpixel, ypixel }
        Native.check(Native.C.ioctl(master, Sc.TIOCSWINSZ, winsize), "TIOCSWINSZ");
    }
}
