package io.slotstream.edge.limit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** A bare Boot app with service-edge: the configured limits answer 429 and 413 over HTTP with their headers. */
@SpringBootTest(classes = RequestLimitsHttpTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "slotstream.security.mode=off",
                "slotstream.security.rate-limit.requests-per-second=1", "slotstream.security.rate-limit.burst=2",
                "slotstream.security.max-body-size=64B"})
class RequestLimitsHttpTest {

    @LocalServerPort
    int port;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void writesBeyondTheBurstAre429WithRetryAfterAndTooLargeBodiesAre413() throws Exception {
        HttpResponse<String> tooLarge = post("/fhir/Slot", "{\"resourceType\":\"Slot\",\"comment\":\"" + "x".repeat(100) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
        assertThat(tooLarge.body()).contains("\"code\":\"too-costly\"", "exceeds the limit of 64 bytes");

        // the size check comes first (a refused body uses no token): a burst of 2, then 429 (within 20 quick requests,
        // whatever the machine's load: 1 token per second comes back)
        assertThat(post("/fhir/Slot", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 20 && throttled == null; i++) {
            HttpResponse<String> answer = post("/fhir/Slot", "{}");
            if (answer.statusCode() != 200) {
                throttled = answer;
            }
        }
        assertThat(throttled).as("a 429 within 20 requests").isNotNull();
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(throttled.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+json");
        assertThat(throttled.body()).contains("\"resourceType\":\"OperationOutcome\"", "\"code\":\"throttled\"",
                "Too many requests from client '127.0.0.1'");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootApplication
    @RestController
    static class App {
        @PostMapping("/fhir/Slot")
        String create(@RequestBody String body) {
            return body;
        }
    }
}
