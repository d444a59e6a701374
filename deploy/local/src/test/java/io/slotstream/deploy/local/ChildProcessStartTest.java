package io.slotstream.deploy.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What a test stack's child processes are given (ports) and what their failed start reports. */
class ChildProcessStartTest {

    @Test
    void freePortsAreDistinctBindableAndBelowTheKernelsEphemeralRange() throws Exception {
        int ephemeralStart = Ports.ephemeralRangeStart();
        assumeTrue(ephemeralStart > 21000, "the kernel's ephemeral range leaves no room below it (or is unknown)");
        Set<Integer> handedOut = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = Ports.free("127.0.0.1");
            assertThat(handedOut.add(port)).as("port %d handed out twice", port).isTrue();
            assertThat(port).isBetween(20000, ephemeralStart - 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
        }
    }

    @Test
    void aChildThatExitsBeforeItIsReadyIsReportedWithTheRootCauseOfItsLastStackTrace(@TempDir Path dir) {
        String log = "INFO starting\\n"
                + "ERROR [io.qua.run.Application] Failed to start application\\n"
                + "java.lang.RuntimeException: Unable to start HTTP server\\n"
                + "\\tat io.quarkus.Server.start(Server.java:1)\\n"
                + "Caused by: java.net.BindException: Address already in use\\n"
                + "\\tat sun.nio.ch.Net.bind0(Native Method)\\n"
                + "\\t... 4 more\\n";
        ManagedProcess child = ManagedProcess.start("schema registry", List.of("sh", "-c", "printf '" + log + "'; exit 1"),
                Map.of(), dir, dir.resolve("child.log"));
        try (child) {
            assertThatThrownBy(() -> child.awaitHttpOk(URI.create("http://127.0.0.1:" + Ports.free("127.0.0.1") + "/"),
                    Duration.ofSeconds(30)))
                    .isInstanceOf(StackException.class)
                    .hasMessageStartingWith("schema registry exited with status 1 before it was ready: "
                            + "Caused by: java.net.BindException: Address already in use (log: ");
        }
    }
}
