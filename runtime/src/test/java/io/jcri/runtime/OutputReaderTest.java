package io.jcri.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.runtime.launch.Stdio;
import io.jcri.runtime.sys.Native;
import io.jcri.runtime.sys.Sc;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputReaderTest {
    @TempDir
    Path dir;

    /** Collects what a stream carried and counts its ends. */
    static final class Collected implements OutputReader.Sink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger ends = new AtomicInteger();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public synchronized void output(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public void ended() {
            ends.incrementAndGet();
            ended.countDown();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        boolean awaitEnd() throws InterruptedException {
            return ended.await(10, TimeUnit.SECONDS);
        }
    }

    private static void write(int fd, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertThat(Native.C.write(fd, b, b.length)).isEqualTo(b.length);
    }

    private static List<Thread> readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jcri-output"))
                .toList();
    }

    @Test
    void manyPipesAreReadByOneThreadToTheirEnds() throws Exception {
        int count = 40;
        List<int[]> pipes = new ArrayList<>();
        List<Collected> sinks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] p = Native.pipe();
            pipes.add(p);
            Collected c = new Collected();
            sinks.add(c);
            OutputReader.shared().read(FdStreams.in(p[0]), c);
        }
        for (int i = 0; i < count; i++) write(pipes.get(i)[1], "line " + i + "\n");
        byte[] big = "x".repeat(200_000).getBytes(StandardCharsets.UTF_8); // more than a pipe's buffer
        Thread writer = new Thread(() -> {
            int off = 0;
            while (off < big.length) {
                byte[] rest = java.util.Arrays.copyOfRange(big, off, big.length);
                long n = Native.C.write(pipes.get(0)[1], rest, rest.length);
                if (n <= 0) return;
                off += (int) n;
            }
        });
        writer.start();
        writer.join(10_000);
        for (int[] p : pipes) Native.closeQuietly(p[1]);
        for (int i = 0; i < count; i++) {
            assertThat(sinks.get(i).awaitEnd()).as("stream " + i + " ended").isTrue();
            assertThat(sinks.get(i).ends).hasValue(1);
        }
        assertThat(sinks.get(0).text()).isEqualTo("line 0\n" + "x".repeat(200_000));
        assertThat(sinks.get(count - 1).text()).isEqualTo("line " + (count - 1) + "\n");
        assertThat(readerThreads()).hasSize(1);
    }

    @Test
    void anOutputFifoWhoseWritersAreAllGoneEndsAtOnce() throws Exception {
        // a container that ended just as a restarted daemon reopened its stdout: no writer left, and epoll never
        // reports such a FIFO (its hang-up is only reported after a writer was seen)
        Path fifo = dir.resolve("stdout");
        assertThat(Native.C.mkfifo(fifo.toString(), 0600)).isZero();
        Collected c = new Collected();
        OutputReader.shared().read(FdStreams.in(Stdio.reopenOutput(fifo)), c);
        assertThat(c.awaitEnd()).isTrue();
        assertThat(c.text()).isEmpty();
    }

    @Test
    void anOutputFifoWithAWriterIsReadUntilTheWriterCloses() throws Exception {
        Path fifo = dir.resolve("stderr");
        assertThat(Native.C.mkfifo(fifo.toString(), 0600)).isZero();
        int read = Stdio.reopenOutput(fifo);
        int container = Native.open(fifo.toString(), Sc.O_WRONLY, 0); // the container's end
        Collected c = new Collected();
        OutputReader.shared().read(FdStreams.in(read), c);
        write(container, "before\n");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.text().equals("before\n") && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(c.text()).isEqualTo("before\n");
        assertThat(c.ends).hasValue(0);
        write(container, "after");
        Native.closeQuietly(container);
        assertThat(c.awaitEnd()).isTrue();
        assertThat(c.text()).isEqualTo("before\nafter");
    }

    @Test
    void aPtyMasterSharedWithAStdinDupEndsWhenTheSlaveClosesAndLeavesTheReaderIdle() throws Exception {
        int master = Native.open("/dev/ptmx", Sc.O_RDWR | Sc.O_NOCTTY, 0);
        int[] n = new int[1];
        assertThat(Native.C.ioctl(master, Sc.TIOCSPTLCK, new int[] {0})).isZero();
        assertThat(Native.C.ioctl(master, Sc.TIOCGPTN, n)).isZero();
        int slave = Native.open("/dev/pts/" + n[0], Sc.O_RDWR | Sc.O_NOCTTY, 0);
        int stdin = Native.check(Native.C.fcntl(master, 1030 /* F_DUPFD_CLOEXEC */, 3), "dup");
        try {
            Collected c = new Collected();
            OutputReader.shared().read(FdStreams.in(master), c);
            write(slave, "tty line\n");
            Native.closeQuietly(slave);
            assertThat(c.awaitEnd()).isTrue();
            assertThat(c.text()).isEqualTo("tty line\r\n"); // the line discipline's ONLCR
            // the dup keeps the master's file open; its registration was dropped anyway, so the (level-triggered)
            // hang-up does not keep the reader spinning
            Thread reader = readerThreads().get(0);
            var mx = ManagementFactory.getThreadMXBean();
            long before = mx.getThreadCpuTime(reader.getId());
            Thread.sleep(300);
            assertThat(mx.getThreadCpuTime(reader.getId()) - before).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
            // and the stdin end still writes, blocking as before (the reader did not make it non-blocking)
            assertThat(Native.C.fcntl(stdin, 3 /* F_GETFL */, 0) & Sc.O_NONBLOCK).isZero();
        } finally {
            Native.closeQuietly(stdin);
        }
    }

    @Test
    void aPlainStreamIsReadOnAThreadOfItsOwn() throws Exception {
        Collected c = new Collected();
        OutputReader.shared().read(new java.io.ByteArrayInputStream("plain\n".getBytes(StandardCharsets.UTF_8)), c);
        assertThat(c.awaitEnd()).isTrue();
        assertThat(c.text()).isEqualTo("plain\n");
        assertThat(c.ends).hasValue(1);
    }
}
