package io.slotstream.booking.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** HAPI's answers to URL parameters it cannot convert are 400 OperationOutcomes naming the parameter. */
class ParameterErrorsTest {

    private static InProcessFhirServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessFhirServer.shared();
    }

    @Test
    void countThatIsNoNumberIs400NamingCount() throws Exception {
        assertNames(server.get("Appointment/$find?start=2026-10-01T00:00:00Z&end=2026-10-02T00:00:00Z&_count=abc"),
                "_count");
    }

    @Test
    void startThatIsNoDateIs400NamingStart() throws Exception {
        assertNames(server.get("Appointment/$find?start=notadate&end=2026-10-02T00:00:00Z"), "start");
        assertNames(server.get("Appointment/$find?start=2026-10-01T00:00:00Z&end=2026-13-45"), "end");
    }

    @Test
    void searchDateThatIsNoDateIs400NamingDate() throws Exception {
        assertNames(server.get("Appointment?date=%27%20OR%201%3D1--"), "date");
    }

    @Test
    void aValidFindIsStillAnswered() throws Exception {
        InProcessFhirServer.Answer answer = server.post("Appointment/$find?_count=5", ("{\"resourceType\":\"Parameters\","
                + "\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"2026-10-01T00:00:00Z\"},{\"name\":\"end\","
                + "\"valueDateTime\":\"2026-10-02T00:00:00Z\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(answer.body()).path("resourceType").asText()).isEqualTo("Bundle");
    }

    private static void assertNames(InProcessFhirServer.Answer answer, String parameter) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode issue = new ObjectMapper().readTree(answer.body()).path("issue").path(0);
        assertThat(issue.path("severity").asText()).isEqualTo("error");
        assertThat(issue.path("expression").path(0).asText()).as(answer.body()).isEqualTo(parameter);
        assertThat(answer.body()).doesNotContain("Exception");
    }
}
