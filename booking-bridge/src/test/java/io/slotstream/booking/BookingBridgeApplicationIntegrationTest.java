package io.slotstream.booking;

import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The service starts against the real local stack (broker + registry) and reports ready, live and metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BookingBridgeApplicationIntegrationTest {

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        LocalStack stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
    }

    @LocalServerPort
    int port;

    @Test
    void reportsReadyLiveAndPrometheusMetrics() throws Exception {
        assertThat(get("/actuator/health/readiness")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"UP\"");
        });
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"booking-bridge\"");
        // the health requests above went through the security filter chain: timed per request, not per filter
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").doesNotContain("spring_security_");
    }

    private HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
