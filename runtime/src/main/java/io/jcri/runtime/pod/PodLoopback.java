package io.jcri.runtime.pod;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.NativeException;
import io.jcri.runtime.sys.Sc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Pointer;

/**
 * Brings {@code lo} up inside a pod's network namespace, in-process: what the CNI loopback plugin's ADD does (set
 * the link up; the kernel then gives it 127.0.0.1/8 and, where IPv6 is on, ::1/128), without exec'ing a Go binary
 * for it (~4 ms of each RunPodSandbox, and as much again for its DEL on stop).
 *
 * <p>containerd (go-cni's loopback network) execs the loopback plugin for ADD and DEL; CRI-O (ocicni's
 * {@code bringUpLoopback}) sets the link up through netlink from inside the netns and never runs a DEL for it.
 * jcri follows CRI-O: the outcome a client can observe is the same (lo UP with the same addresses, and
 * {@code cniResult} still lists {@code lo} as the plugin would report it, see {@link #up}), at a fraction of
 * the cost.
 */
public final class PodLoopback {
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFADDR = 0x8915,
            SIOCGIFNETMASK = 0x891b;
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000, IFF_UP = 0x1;
    /** struct ifreq: char ifr_name[16], then a 24-byte union (flags as a short, or a struct sockaddr). */
    private static final int IFREQ_SIZE = 40, IFR_UNION = 16, SIN_ADDR = IFR_UNION + 4;

    private PodLoopback() {
    }

    /**
     * Sets {@code lo} of the network namespace pinned at {@code netns} up and returns its addresses as CIDRs,
     * IPv4 first (what the loopback plugin reports in its ADD result). Runs on a single-use thread: setns
     * changes only the calling thread's network namespace, and that thread dies with it.
     */
    public static List<String> up(Path netns) {
        List<String>[] out = new List[1];
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(() -> {
            try {
                out[0] = upOnThisThread(netns);
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "jcri-lo-up");
        t.start();
        // the thread only makes a few syscalls: wait for it even when interrupted, so no caller sees it half-done
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) throw failure[0];
        return out[0];
    }

    /**
     * The first {@link #up} of a daemon took ~14 ms more than the next ones (jnr links each native method on its
     * first call): make the same calls once at start-up, in the daemon's own network namespace and read-only
     * (lo's flags and addresses; nothing is set, no other namespace is entered).
     */
    public static void warmUp() {
        int sock = Native.check(Native.C.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
        try {
            Native.C.ioctl(sock, SIOCGIFFLAGS, ifreq().address());
            ipv4(sock);
            ipv6();
        } catch (RuntimeException e) {
            // a host without lo or IPv4: the pod's own call says what is wrong
        } finally {
            Native.closeQuietly(sock);
        }
        // setns into the namespace this thread is in already: a no-op for the kernel, the first call for jnr
        int self = Native.C.open("/proc/thread-self/ns/net", Sc.O_RDONLY | Sc.O_CLOEXEC, 0);
        if (self >= 0) {
            Native.C.setns(self, Sc.CLONE_NEWNET);
            Native.closeQuietly(self);
        }
    }

    private static List<String> upOnThisThread(Path netns) {
        int nsFd = Native.check(Native.C.open(netns.toString(), Sc.O_RDONLY | Sc.O_CLOEXEC, 0), "open " + netns);
        try {
            Native.check(Native.C.setns(nsFd, Sc.CLONE_NEWNET), "setns " + netns);
        } finally {
            Native.closeQuietly(nsFd);
        }
        // a socket belongs to the network namespace of the thread that made it: this one's is now the pod's
        int sock = Native.check(Native.C.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
        try {
            Pointer ifr = ifreq();
            Native.check(Native.C.ioctl(sock, SIOCGIFFLAGS, ifr.address()), "SIOCGIFFLAGS lo");
            short flags = ifr.getShort(IFR_UNION);
            if ((flags & IFF_UP) == 0) {
                ifr.putShort(IFR_UNION, (short) (flags | IFF_UP));
                Native.check(Native.C.ioctl(sock, SIOCSIFFLAGS, ifr.address()), "SIOCSIFFLAGS lo up");
            }
            List<String> addresses = new ArrayList<>();
            ipv4(sock).ifPresent(addresses::add);
            addresses.addAll(ipv6());
            return addresses;
        } finally {
            Native.closeQuietly(sock);
        }
    }

    private static Pointer ifreq() {
        Pointer ifr = Native.allocate(IFREQ_SIZE);
        ifr.put(0, new byte[] {'l', 'o', 0}, 0, 3);
        return ifr;
    }

    private static Optional<String> ipv4(int sock) {
        Pointer addr = ifreq();
        if (Native.C.ioctl(sock, SIOCGIFADDR, addr.address()) < 0) {
            int errno = Native.errno();
            if (errno == 99 /* EADDRNOTAVAIL: lo has no IPv4 address */) return Optional.empty();
            throw new NativeException("SIOCGIFADDR lo", errno);
        }
        Pointer mask = ifreq();
        Native.check(Native.C.ioctl(sock, SIOCGIFNETMASK, mask.address()), "SIOCGIFNETMASK lo");
        byte[] a = new byte[4];
        addr.get(SIN_ADDR, a, 0, 4);
        byte[] m = new byte[4];
        mask.get(SIN_ADDR, m, 0, 4);
        int prefix = 0;
        for (byte b : m) prefix += Integer.bitCount(b & 0xff);
        return Optional.of((a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff)
                + "/" + prefix);
    }

    /** lo's IPv6 addresses from this thread's view of {@code if_inet6} (absent when IPv6 is off in the kernel). */
    private static List<String> ipv6() {
        List<String> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/thread-self/net/if_inet6"));
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines) {
            // address (32 hex digits), ifindex, prefix length, scope, flags, name: all hex but the name
            String[] f = line.trim().split("\\s+");
            if (f.length == 6 && f[5].equals("lo") && f[0].length() == 32) {
                out.add(Ipv6Text.of(f[0]) + "/" + Integer.parseInt(f[2], 16));
            }
        }
        return out;
    }
}
