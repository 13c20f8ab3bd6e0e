package io.jcri.runtime.sys;

import jnr.ffi.Pointer;

/**
 * The glibc functions the runtime calls. Everything that changes credentials or is missing from glibc 2.36 goes
 * through {@link #syscall} (glibc's setuid family broadcasts to every thread of the JVM).
 */
public interface LibC {
    int open(String path, int flags, int mode);
    int close(int fd);
    long read(int fd, byte[] buf, long count);
    long write(int fd, byte[] buf, long count);
    int pipe2(int[] fds, int flags);
    int dup(int fd);
    int fcntl(int fd, int cmd, int arg);
    int unshare(int flags);
    int setns(int fd, int nstype);
    int mount(String source, String target, String fstype, long flags, String data);
    int umount2(String target, int flags);
    int sethostname(String name, long len);
    int mkdir(String path, int mode);
    int mknod(String path, int mode, long dev);
    int symlink(String target, String linkpath);
    int chdir(String path);
    int prctl(int option, long a2, long a3, long a4, long a5);
    int kill(int pid, int sig);
    int socket(int domain, int type, int protocol);
    int ioctl(int fd, long request, long arg);
    int ioctl(int fd, long request, int[] arg);
    int poll(Pointer fds, long nfds, int timeoutMs);
    int mkfifo(String path, int mode);
    int prlimit(int pid, int resource, long[] newLimit, long[] oldLimit);
    int chown(String path, int uid, int gid);
    int chmod(String path, int mode);
    int inotify_init1(int flags);
    int inotify_add_watch(int fd, String path, int mask);
    int inotify_rm_watch(int fd, int wd);

    /** Raw syscall: returns -1 and sets errno on failure. Always 6 arguments (see x86asm bug note in the design doc). */
    long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    int posix_spawn(int[] pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);
    int posix_spawn_file_actions_init(Pointer fa);
    int posix_spawn_file_actions_destroy(Pointer fa);
    int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);
    int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);
    int posix_spawnattr_init(Pointer attr);
    int posix_spawnattr_destroy(Pointer attr);
    int posix_spawnattr_setflags(Pointer attr, short flags);
    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);
    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
    int sigemptyset(Pointer set);
    int sigfillset(Pointer set);
    int sigdelset(Pointer set, int sig);
}
