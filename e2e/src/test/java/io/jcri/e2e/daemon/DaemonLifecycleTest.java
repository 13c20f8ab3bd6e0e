package io.jcri.e2e.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.JcriDaemon;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, refusal and stop of the daemon process around its socket. */
class DaemonLifecycleTest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path base;

    @Test
    void sigtermFinishesRemovesTheSocketAndExitsZero() {
        JcriDaemon daemon = JcriDaemon.start(base);
        try {
            assertThat(daemon.socket()).exists();
            int code = daemon.terminate(EXIT_TIMEOUT);
            assertThat(code).as(daemon.log()).isZero();
            assertThat(daemon.socket()).doesNotExist();
            assertThat(daemon.log()).contains("stop requested");
        } finally {
            daemon.close();
        }
    }

    @Test
    void anOpenEventStreamDoesNotHoldUpTheShutdown() throws Exception {
        JcriDaemon daemon = JcriDaemon.start(base);
        try {
            var events = io.jcri.cri.v1.RuntimeServiceGrpc.newBlockingStub(daemon.endpoint().channel())
                    .getContainerEvents(io.jcri.cri.v1.GetEventsRequest.getDefaultInstance());
            io.jcri.e2e.harness.Deadline.await(Duration.ofSeconds(20), "the event subscription",
                    () -> daemon.log().contains("container events: subscriber added"));
            long before = System.nanoTime();
            daemon.process().destroy();
            assertThat(daemon.awaitExit(EXIT_TIMEOUT)).as(daemon.log()).isZero();
            // well inside shutdown_grace_seconds (10): the stream was ended, not waited for
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(8));
            assertThat(events.hasNext()).isFalse();
        } finally {
            daemon.close();
        }
    }

    @Test
    void aSecondDaemonOnTheSameSocketIsRefusedWhileTheFirstKeepsServing() {
        try (JcriDaemon first = JcriDaemon.start(base)) {
            JcriDaemon second = JcriDaemon.launch(base.resolve("second").getParent());
            try {
                int code = second.awaitExit(EXIT_TIMEOUT);
                assertThat(code).isNotZero();
                assertThat(second.log()).contains("already serving " + first.socket());
            } finally {
                second.close();
            }
            assertThat(first.socket()).exists();
            assertThat(first.endpoint().runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName())
                    .isEqualTo("jcri");
        }
    }

    @Test
    void anotherProgramListeningOnTheSocketIsNotDisturbed() throws Exception {
        Path socket = base.resolve("run/jcri.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            JcriDaemon daemon = JcriDaemon.launch(base);
            try {
                assertThat(daemon.awaitExit(EXIT_TIMEOUT)).isNotZero();
                assertThat(daemon.log()).contains("another process is already serving " + socket);
            } finally {
                daemon.close();
            }
            assertThat(socket).exists();
        }
    }

    @Test
    void aStaleSocketLeftByACrashedDaemonIsReplaced() throws Exception {
        Path socket = base.resolve("run/jcri.sock");
        Files.createDirectories(socket.getParent());
        // Closing a bound unix server socket leaves the file behind, as a killed daemon does.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        try (JcriDaemon daemon = JcriDaemon.start(base)) {
            assertThat(daemon.endpoint().runtime().version(VersionRequest.getDefaultInstance()).getVersion())
                    .isEqualTo("0.1.0");
            assertThat(daemon.log()).contains("removing stale socket");
        }
    }

    @Test
    void aKilledDaemonCanBeRestartedOnItsOwnSocket() {
        JcriDaemon killed = JcriDaemon.start(base);
        killed.killAll();
        killed.close();
        assertThat(killed.socket()).exists();
        try (JcriDaemon restarted = JcriDaemon.start(base)) {
            assertThat(restarted.endpoint().runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName())
                    .isEqualTo("jcri");
        }
    }
}
