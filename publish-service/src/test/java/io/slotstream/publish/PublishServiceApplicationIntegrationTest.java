package io.slotstream.publish;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The service starts against the real local stack (broker + registry) and reports ready, live and metrics. */
class PublishServiceApplicationIntegrationTest extends StackTestSupport {

    @Test
    void reportsReadyLiveAndPrometheusMetrics() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        while (readiness.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            readiness = get("/actuator/health/readiness");
        }
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        // Readiness includes the publication indicator (UP = caught up and published); its details are for
        // authorised callers only.
        assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"").doesNotContain("caughtUp");
        HttpResponse<String> metrics = get("/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"publish-service\"")
                .contains("slotstream_publish_snapshot_duration_seconds_count")
                .contains("slotstream_publish_snapshot_bytes")
                .contains("slotstream_publish_snapshot_resources{application=\"publish-service\",type=\"Slot\"}");
        // the health requests above went through the security filter chain: timed per request, not per filter
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").doesNotContain("spring_security_");
    }
}
