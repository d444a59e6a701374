package io.slotstream.edge.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With no broker to send to, an audited write still answers at once and the lost event is counted as failed (the
 * content of sent events: booking-bridge's BookingEndToEndIntegrationTest against the real broker and registry).
 */
@SpringBootTest(classes = AuditFilterHttpTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "slotstream.security.mode=off",
                "slotstream.registry.url=http://127.0.0.1:9/apis/registry/v3",
                "slotstream.audit.routes[0].paths[0]=/fhir/{type}/{id}"})
class AuditFilterHttpTest {

    static {
        System.setProperty("slotstream.kafka.bootstrap-servers", "127.0.0.1:" + closedPort());
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    @Test
    void aFailedAuditSendNeverFailsTheWriteAndIsCounted() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/fhir/Slot/s1")).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("written");
        await().atMost(Duration.ofSeconds(30)).until(() -> meters.counter(AuditEventSender.METRIC, "outcome", "failed").count() == 1);
        assertThat(meters.counter(AuditEventSender.METRIC, "outcome", "sent").count()).isZero();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootApplication
    @RestController
    static class App {
        @PutMapping("/fhir/Slot/s1")
        String write() {
            return "written";
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }
}
