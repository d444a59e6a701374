package io.slotstream.schemas.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @Timeout(30)
    void clientSettingsKafkaRejectsFailAtOnceWithKafkasReason(@TempDir Path dir) throws Exception {
        // a client certificate key in PKCS#1 form (Kafka's PEM key store reads PKCS#8 only)
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SSL
                ssl.keystore.type=PEM
                ssl.keystore.certificate.chain=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----
                ssl.keystore.key=-----BEGIN RSA PRIVATE KEY-----\\nMIIE\\n-----END RSA PRIVATE KEY-----
                """);
        Map<String, String> settings = Map.of(
                "slotstream.kafka.bootstrap-servers", "127.0.0.1:9",
                "slotstream.kafka.config", config.toString(),
                "slotstream.registry.url", "http://127.0.0.1:9/apis/registry/v3",
                "slotstream.startup.stack-timeout", "10m");
        assertThatThrownBy(() -> StackPreflight.fromSettings(settings::get).verify())
                .isInstanceOf(StackPreflight.StackUnavailableException.class)
                .hasMessageStartingWith("the Kafka client settings are invalid (SSL, check slotstream.kafka.config): ")
                .hasMessageContaining("Invalid PEM keystore configs")
                .hasMessageNotContaining("gave up");
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
