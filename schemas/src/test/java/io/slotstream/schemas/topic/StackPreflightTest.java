package io.slotstream.schemas.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackPreflightTest {

    @Test
    @Timeout(30)
    void anUnreachableBrokerFailsWithOneLineNamingIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> settings = Map.of(
                "slotstream.kafka.bootstrap-servers", "127.0.0.1:" + closedPort,
                "slotstream.registry.url", "http://127.0.0.1:" + closedPort + "/apis/registry/v3",
                "slotstream.startup.stack-timeout", "1s");
        assertThatThrownBy(() -> StackPreflight.fromSettings(settings::get).verify())
                .isInstanceOf(StackPreflight.StackUnavailableException.class)
                .hasMessage("Kafka broker unreachable at 127.0.0.1:" + closedPort + " (gave up after 1 s)");
    }

    @Test
    void missingOrMalformedSettingsAreNamed() {
        assertThatThrownBy(() -> StackPreflight.fromSettings(Map.of("slotstream.registry.url", "http://x")::get))
                .hasMessage("setting slotstream.kafka.bootstrap-servers is missing");
        Map<String, String> badTimeout = Map.of("slotstream.kafka.bootstrap-servers", "b:1",
                "slotstream.registry.url", "http://x", "slotstream.startup.stack-timeout", "soon");
        assertThatThrownBy(() -> StackPreflight.fromSettings(badTimeout::get))
                .hasMessage("slotstream.startup.stack-timeout must be a duration such as 30s, got 'soon'");
    }
}
