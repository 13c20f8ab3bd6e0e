package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.StaticElf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code jcri-subreaper}, the 632-byte parent the launcher puts above the daemon's JVM so that containers the
 * daemon leaves behind when it dies are reparented to it and their exit status is recorded in an
 * {@link ExitLog} for the restarted daemon; it also forwards stop signals and restarts a daemon that was killed.
 * What it does, instruction by instruction: {@code runtime/src/main/asm/subreaper.S} (SubreaperElfTest checks
 * that these bytes are that file assembled).
 *
 * <p>Why machine code written out by Java: a C helper would need a C toolchain on every node that builds or
 * installs jcri, and a second JVM as the parent would cost ~30 MiB and its start-up time; like the /proc helper
 * ({@link io.jcri.runtime.sys.InitElf}) this needs nothing but the jar.
 */
public final class SubreaperElf {
    static final String CODE_HEX =
            "4c8b24244c8d6c24084f8d74e5084881ec000100004983fc030f8cc9010000b89d000000bf24000000be010000000f05"
            + "4885c00f88bb010000b802000000498b7d08be41040800ba800100000f054885c00f889d0100004989c748c704240740"
            + "0100b80e00000031ff4889e631d241ba080000000f05b821010000bfffffffff4889e6ba0800000041ba000008000f05"
            + "4885c00f885b0100004889c331edb8390000000f054885c00f88460100000f84f40000004989c4eb4631c089df488d74"
            + "2440ba800000000f05483d8000000075e88b74244083fe11742583fe037414bd0200000083fe01750abd01000000be0f"
            + "0000004489e7b83e0000000f05ebbab8e4000000bf07000000488d7424400f05c744246000000000b8f700000031ff31"
            + "f6488d54245041ba050000004531c00f054885c078838b44246085c00f8477ffffff4439e07416b8010000004489ff48"
            + "8d742440ba900000000f05eba28b7c246883fd010f8432ffffff837c245801743083fd02742548c74424100100000048"
            + "c744241800000000b823000000488d7c241031f60f05e901ffffff81c780000000b8e70000000f0548c7442408000000"
            + "00b80e000000bf02000000488d74240831d241ba080000000f05b83b000000498b7d10498d75104c89f20f05bf7f0000"
            + "00b8e70000000f05bf02000000b8e70000000f05bf7d000000b8e70000000f05";

    private SubreaperElf() {}

    public static byte[] image() {
        return StaticElf.image(StaticElf.hex(CODE_HEX), 0);
    }

    /** Writes the executable to {@code target} (mode 0755, replaced atomically). */
    public static void write(Path target) throws IOException {
        StaticElf.install(target, image(), "rwxr-xr-x");
    }

    /** {@code java -cp jcri.jar io.jcri.runtime.supervise.SubreaperElf PATH}: what the launcher runs. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SubreaperElf PATH");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }
}
