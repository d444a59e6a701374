package io.slotstream.availability;

import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The service starts against the real local stack (broker + registry) and reports ready, live and metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AvailabilityServiceApplicationIntegrationTest {

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        LocalStack stack = SharedStack.get();
        registry.add("slotstream.kafka.bootstrap-servers", stack::bootstrapServers);
        registry.add("slotstream.registry.url", stack::registryApiUrl);
        // own consumer group and state: other test classes in this JVM run their own instances
        String id = "availability-it-" + UUID.randomUUID();
        registry.add("slotstream.streams.application-id", () -> id);
        registry.add("slotstream.streams.state-dir", () -> System.getProperty("java.io.tmpdir") + "/" + id);
        registry.add("slotstream.streams.application-server", () -> "127.0.0.1:1");
    }

    @LocalServerPort
    int port;

    @Autowired
    List<StreamsBuilderFactoryBean> streams;

    @Test
    void theDecisionPointCommitsEvery20MsAndPollsEvery10WhileTheViewCommitsEvery500Ms() {
        assertThat(streams).hasSize(2);
        Properties booking = streams.stream().map(StreamsBuilderFactoryBean::getStreamsConfiguration)
                .filter(c -> "slotstream-booking".equals(c.getProperty("application.id"))).findFirst().orElseThrow();
        Properties view = streams.stream().map(StreamsBuilderFactoryBean::getStreamsConfiguration)
                .filter(c -> c != booking).findFirst().orElseThrow();

        assertThat(String.valueOf(booking.get("commit.interval.ms"))).isEqualTo("20");
        assertThat(String.valueOf(booking.get("poll.ms"))).isEqualTo("10");
        assertThat(String.valueOf(view.get("commit.interval.ms"))).isEqualTo("500");
        assertThat(view.get("poll.ms")).as("the view keeps Kafka Streams' default").isNull();
    }

    @Test
    void reportsReadyLiveAndPrometheusMetrics() throws Exception {
        // readiness waits for Kafka Streams RUNNING with queryable stores; a first start creates the internal topics
        // and initialises every stateful task (the view and the booking decision point), over a minute on a busy
        // 2-core machine
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/actuator/health/readiness").statusCode() == 200);
        assertThat(get("/actuator/health/readiness")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"status\":\"UP\"");
        });
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"availability-service\"")
                .contains("slotstream_availability_view_size").contains("slotstream_availability_hold_expiries_total");
        // the health requests above went through the security filter chain: timed per request, not per filter
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").doesNotContain("spring_security_");
        // every RocksDB store of both applications opened with the one bounded cache of application.yml (256MB)
        assertThat(metrics.body()).containsPattern("slotstream_rocksdb_cache_capacity_bytes\\{[^}]*} 2\\.68435456E8");
    }

    private HttpResponse<String> get(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
