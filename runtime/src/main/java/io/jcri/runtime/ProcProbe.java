package io.jcri.runtime;

import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;
import jnr.ffi.Pointer;

import java.lang.ref.Reference;

/** Whether this kernel's procfs accepts fsconfig "pidns" (Linux ~6.15+), i.e. whether /proc needs the helper. */
final class ProcProbe {
    private ProcProbe() {}

    static boolean pidnsSupported() {
        Pointer proc = Native.cstring("proc"), key = Native.cstring("pidns");
        int fs = (int) Native.syscall(Sc.FSOPEN, proc.address(), Sc.FSOPEN_CLOEXEC, 0, 0, 0, 0);
        if (fs < 0) return false;
        int ns = Native.C.open("/proc/self/ns/pid", Sc.O_RDONLY | Sc.O_CLOEXEC, 0);
        try {
            return ns >= 0 && Native.syscall(Sc.FSCONFIG, fs, Sc.FSCONFIG_SET_FD, key.address(), 0, ns, 0) == 0;
        } finally {
            Native.closeQuietly(ns);
            Native.closeQuietly(fs);
            Reference.reachabilityFence(proc);
            Reference.reachabilityFence(key);
        }
    }
}
