package io.jcri.runtime.supervise;

import io.jcri.runtime.sys.StaticElf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code jcri-subreaper}, the 1042-byte program the launcher puts above the daemon's JVM so that containers the
 * daemon leaves behind when it dies are reparented to it and their exit status is recorded in an
 * {@link ExitLog} for the restarted daemon; it also forwards stop signals and restarts a daemon that was killed.
 * It is two processes: the front (a service manager's main process, which ends with the daemon) and its child
 * the keeper (the subreaper and the JVM's parent, which ends only with its last child), so that stopping the
 * service (systemd's {@code KillMode=process} signals the main process only) loses no container's exit code.
 * What it does, instruction by instruction: {@code runtime/src/main/asm/subreaper.S} (SubreaperElfTest checks
 * that these bytes are that file assembled).
 *
 * <p>Why machine code written out by Java: a C helper would need a C toolchain on every node that builds or
 * installs jcri, and a second JVM as the parent would cost ~30 MiB and its start-up time; like the /proc helper
 * ({@link io.jcri.runtime.sys.InitElf}) this needs nothing but the jar.
 */
public final class SubreaperElf {
    static final String CODE_HEX =
            "4c8b24244c8d6c24084f8d74e5084881ec000100004983fc030f8c6303000048c7042407500100b80e00000031ff4889"
            + "e631d241ba080000000f0548c7042407400100b821010000bfffffffff4889e6ba0800000041ba000008000f054885c0"
            + "0f88280300004889c3b825010000488d7c2420be000008000f054885c00f880b030000b8390000000f054885c00f88fb"
            + "0200000f84010100004989c48b7c2424b8030000000f05895c2430c7442434010000008b44242089442438c744243c01"
            + "000000b807000000488d7c2430be02000000baffffffff0f054885c078c966f744243e1900753666f7442436010074b7"
            + "31c089df488d742440ba800000000f05483d80000000759f8b74244083fe11742e4489e7b83e0000000f05eb8a31c08b"
            + "7c2420488d742440ba010000000f054883f80175120fb67c2440e9fc01000041ba05000000eb0641ba04000000c74424"
            + "6000000000b8f7000000bf010000004489e6488d5424504531c00f054885c00f8832ffffff837c2460000f8427ffffff"
            + "8b7c2468837c2458010f84ac01000081c780000000e9a10100008b7c2420b8030000000f05b89d000000bf24000000be"
            + "010000000f054885c00f88cf010000b802000000498b7d08be41040800ba800100000f054885c00f88b10100004989c7"
            + "31edb8390000000f054885c00f889c0100000f844a0100004989c4eb4b31c089df488d742440ba800000000f05483d80"
            + "00000075e88b74244083fe11742a83fd0374da83fe037414bd0200000083fe01750abd01000000be0f0000004489e7b8"
            + "3e0000000f05ebb5b8e4000000bf07000000488d7424400f05c744246000000000b8f700000031ff31f6488d54245041"
            + "ba050000004531c00f054885c0782c8b44246085c00f8472ffffff83fd0374054439e0742fb8010000004489ff488d74"
            + "2440ba900000000f05eb9d83fd030f8549ffffff4883f8f60f853fffffff8b7c2428eb778b7c246883fd010f840fffff"
            + "ff837c245801743083fd02742548c74424100100000048c744241800000000b823000000488d7c241031f60f05e9defe"
            + "ffff81c780000000897c2428bd0300000040887c2440b8010000008b7c2424488d742440ba010000000f058b7c2424b8"
            + "030000000f05e90dffffffb8e70000000f0548c744240800000000b80e000000bf02000000488d74240831d241ba0800"
            + "00000f05b83b000000498b7d10498d75104c89f20f05bf7f000000b8e70000000f05bf02000000b8e70000000f05bf7d"
            + "000000b8e70000000f05";

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
