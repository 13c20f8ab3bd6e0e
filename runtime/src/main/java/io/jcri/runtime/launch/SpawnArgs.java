package io.jcri.runtime.launch;

import io.jcri.runtime.sys.LibC;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything posix_spawn needs, allocated up front on the caller thread so that the launch thread allocates
 * nothing: argv/envp arrays, file actions (stdio dup2s, optional tty open, closefrom) and attributes (default
 * signal dispositions, empty signal mask: Java threads block SIGQUIT and the child would inherit that).
 */
final class SpawnArgs {
    private static final int FILE_ACTIONS_SIZE = 256; // glibc x86-64: 80
    private static final int ATTR_SIZE = 512; // glibc x86-64: 336
    private static final int SIGSET_SIZE = 128;

    final String path;
    private final Pointer argv;
    private final Pointer envp;
    private final Pointer fileActions;
    private final Pointer attr;
    @SuppressWarnings("unused") private final List<Pointer> keepAlive = new ArrayList<>();
    private final int[] pidOut = new int[1];
    int spawnedPid = -1;
    int spawnErrno;
    private final int closeFrom;

    /**
     * @param stdio    fds to become 0, 1, 2 (-1: leave as is, only with a tty)
     * @param extra    further {source, target} pairs (the helper's program and error pipes)
     * @param tty      the child becomes a session leader; {@link #openTty} or {@link #dupTty} supply its terminal
     */
    SpawnArgs(String path, List<String> argv, List<String> env, int[] stdio, int[][] extra, boolean tty) {
        this(path, argv, env, stdio, extra, tty, null);
    }

    /** @param gatePath when not null, the child first opens this (blocking) path: see {@link CgroupGate} */
    SpawnArgs(String path, List<String> argv, List<String> env, int[] stdio, int[][] extra, boolean tty,
              String gatePath) {
        LibC c = Native.C;
        this.path = path;
        this.argv = stringArray(argv);
        this.envp = stringArray(env);
        fileActions = Native.allocate(FILE_ACTIONS_SIZE);
        check(c.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
        if (gatePath != null) {
            check(c.posix_spawn_file_actions_addopen(fileActions, CgroupGate.CHILD_FD, gatePath, Sc.O_RDONLY, 0),
                    "addopen gate");
        }
        int closeFrom = 3;
        for (int i = 0; i < 3; i++) {
            if (stdio[i] >= 0) check(c.posix_spawn_file_actions_adddup2(fileActions, stdio[i], i), "adddup2");
        }
        for (int[] pair : extra) {
            check(c.posix_spawn_file_actions_adddup2(fileActions, pair[0], pair[1]), "adddup2");
            closeFrom = Math.max(closeFrom, pair[1] + 1);
        }
        this.closeFrom = closeFrom;
        attr = Native.allocate(ATTR_SIZE);
        check(c.posix_spawnattr_init(attr), "posix_spawnattr_init");
        Pointer all = Native.allocate(SIGSET_SIZE);
        c.sigfillset(all);
        c.sigdelset(all, Sc.SIGKILL);
        c.sigdelset(all, 19); // SIGSTOP
        Pointer none = Native.allocate(SIGSET_SIZE);
        c.sigemptyset(none);
        keepAlive.add(all);
        keepAlive.add(none);
        check(c.posix_spawnattr_setsigdefault(attr, all), "setsigdefault");
        check(c.posix_spawnattr_setsigmask(attr, none), "setsigmask");
        short flags = (short) (Sc.POSIX_SPAWN_SETSIGDEF | Sc.POSIX_SPAWN_SETSIGMASK
                | (tty ? Sc.POSIX_SPAWN_SETSID : 0));
        check(c.posix_spawnattr_setflags(attr, flags), "setflags");
    }

    /** The child opens {@code slavePath} (resolved in its root) as fd 0, which makes it its controlling tty. */
    void openTty(String slavePath) {
        LibC c = Native.C;
        check(c.posix_spawn_file_actions_addopen(fileActions, 0, slavePath, Sc.O_RDWR, 0), "addopen tty");
        check(c.posix_spawn_file_actions_adddup2(fileActions, 0, 1), "adddup2");
        check(c.posix_spawn_file_actions_adddup2(fileActions, 0, 2), "adddup2");
    }

    /** The child gets {@code slaveFd} as 0..2 (the helper makes it the controlling tty itself). */
    void dupTty(int slaveFd) {
        for (int i = 0; i < 3; i++) check(Native.C.posix_spawn_file_actions_adddup2(fileActions, slaveFd, i), "adddup2");
    }

    /** Must follow every other file action: closes everything from 3 (or above the extra fds) up. */
    void finish() {
        check(Native.C.posix_spawn_file_actions_addclosefrom_np(fileActions, closeFrom), "addclosefrom_np");
    }

    /** Spawns; safe on a launch thread (no allocation, no exception). Returns false on failure. */
    boolean spawn() {
        int rc = Native.C.posix_spawn(pidOut, path, fileActions, attr, argv, envp);
        if (rc != 0) {
            spawnErrno = rc;
            return false;
        }
        spawnedPid = pidOut[0];
        return true;
    }

    NativeException failure() {
        return new NativeException("posix_spawn " + path, spawnErrno);
    }

    void destroy() {
        Native.C.posix_spawn_file_actions_destroy(fileActions);
        Native.C.posix_spawnattr_destroy(attr);
    }

    private Pointer stringArray(List<String> strings) {
        Pointer array = Native.allocate(8L * (strings.size() + 1));
        for (int i = 0; i < strings.size(); i++) {
            Pointer s = Native.cstring(strings.get(i));
            keepAlive.add(s);
            array.putAddress(8L * i, s.address());
        }
        return array;
    }

    private static void check(int rc, String what) {
        if (rc != 0) throw new NativeException(what, rc);
    }
}
