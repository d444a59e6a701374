package io.slotstream.booking.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With availability-service unreachable, {@code $find} is a 503 the client can retry, not an internal error. */
class AvailabilityDownTest {

    private static InProcessFhirServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessFhirServer.start();
        server.stopAvailability();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void findIs503WithRetryAfterAndATransientOperationOutcome() throws Exception {
        // a window in the future: a past one is answered empty without asking availability-service
        Instant start = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        InProcessFhirServer.Answer answer = server.post("Appointment/$find?_count=5", ("{\"resourceType\":\"Parameters\","
                + "\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"" + start + "\"},{\"name\":\"end\","
                + "\"valueDateTime\":\"" + start.plus(1, ChronoUnit.DAYS) + "\"}]}").getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers()).containsEntry("Retry-After", "5");
        JsonNode outcome = new ObjectMapper().readTree(answer.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").path(0).path("code").asText()).isEqualTo("transient");
        assertThat(answer.body()).contains("retry").doesNotContain("127.0.0.1").doesNotContain("Exception");
    }
}
