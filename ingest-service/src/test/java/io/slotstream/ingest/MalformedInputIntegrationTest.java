package io.slotstream.ingest;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.slotstream.ingest.Fixtures.bundle;
import static io.slotstream.ingest.Fixtures.location;
import static io.slotstream.ingest.Fixtures.schedule;
import static io.slotstream.ingest.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input of every kind gets the documented status (ingest-service/README.md, "Errors") and an OperationOutcome
 * naming the element, never a 500 or a stack trace, and the service stays up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedInputIntegrationTest extends IntakeTestSupport {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String SLOT = slot("s", "Schedule/x");

    /**
     * @param expression expected FHIRPath of one issue; null when the input as a whole is bad
     */
    record Case(String name, String method, String path, String contentType, String body, int status, String expression) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case put(String name, String body, int status, String expression) {
        return new Case(name, "PUT", "/fhir/Slot/s", FHIR_JSON, body, status, expression);
    }

    static List<Case> cases() {
        String big = "{\"resourceType\":\"Slot\",\"id\":\"s\",\"comment\":\"" + "x".repeat(2 * 1024 * 1024 + 10) + "\"}";
        return List.of(
                put("truncated JSON", "{\"resourceType\":\"Slot\",", 400, null),
                put("JSON array, not an object", "[1,2]", 400, null),
                put("empty body", "", 400, null),
                put("trailing garbage", SLOT + " x", 400, null),
                put("duplicate key", SLOT.replace("\"status\":\"free\"", "\"status\":\"free\",\"status\":\"busy\""), 400, null),
                put("number where a code belongs", SLOT.replace("\"status\":\"free\"", "\"status\":5"), 400, "Slot.status"),
                put("unknown element", SLOT.replace("\"status\":\"free\"", "\"status\":\"free\",\"colour\":\"red\""), 400, "Slot.colour"),
                put("array for a singleton", SLOT.replace("\"status\":\"free\"", "\"status\":[\"free\"]"), 400, "Slot.status"),
                put("status not in the value set", SLOT.replace("\"status\":\"free\"", "\"status\":\"open\""), 400, "Slot.status"),
                put("missing schedule", SLOT.replace("\"schedule\":{\"reference\":\"Schedule/x\"},", ""), 400, "Slot.schedule"),
                put("missing status", SLOT.replace("\"status\":\"free\",", ""), 400, "Slot.status"),
                put("missing start", SLOT.replace("\"start\":\"2026-10-01T09:00:00-04:00\",", ""), 400, "Slot.start"),
                put("missing end", SLOT.replace(",\"end\":\"2026-10-01T09:15:00-04:00\"", ""), 400, "Slot.end"),
                put("instant without seconds", SLOT.replace("2026-10-01T09:00:00-04:00", "2026-10-01T09:00-04:00"), 400, "Slot.start"),
                put("offset without minutes (the 2021 example bug)", SLOT.replace("2026-10-01T09:00:00-04:00", "2021-03-10T15:00:00-05"), 400, "Slot.start"),
                put("date where an instant belongs", SLOT.replace("2026-10-01T09:15:00-04:00", "2026-10-01"), 400, "Slot.end"),
                put("end before start", slot("s", "Schedule/x", "2026-10-01T10:00:00Z", "2026-10-01T09:00:00Z"), 422, "Slot.end"),
                put("end equals start", slot("s", "Schedule/x", "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z"), 422, "Slot.end"),
                new Case("id with a forbidden character", "PUT", "/fhir/Slot/bad_id", FHIR_JSON, slot("bad_id", "Schedule/x"), 400, "Slot.id"),
                new Case("id longer than 64", "PUT", "/fhir/Slot/" + "a".repeat(65), FHIR_JSON, slot("a".repeat(65), "Schedule/x"), 400, "Slot.id"),
                put("body id differs from the URL", slot("other", "Schedule/x"), 400, "Slot.id"),
                put("no id in the body", SLOT.replace("\"id\":\"s\",", ""), 400, "Slot.id"),
                put("Location body at a Slot URL", location("s"), 400, null),
                put("no resourceType", SLOT.replace("\"resourceType\":\"Slot\",", ""), 400, null),
                new Case("unknown resource type", "PUT", "/fhir/Patient/1", FHIR_JSON, "{\"resourceType\":\"Patient\",\"id\":\"1\"}", 404, null),
                new Case("text/plain", "PUT", "/fhir/Slot/s", "text/plain", SLOT, 415, null),
                new Case("no content type", "PUT", "/fhir/Slot/s", null, SLOT, 415, null),
                new Case("FHIR XML", "PUT", "/fhir/Slot/s", "application/fhir+xml", "<Slot xmlns=\"http://hl7.org/fhir\"/>", 415, null),
                put("body over the size limit", big, 413, null),
                put("schedule points at a Location", slot("s", "Location/x"), 422, "Slot.schedule.reference"),
                put("reference to nothing (unresolvable urn:uuid)", slot("s", "urn:uuid:0b3a7a4e-0000-4000-8000-000000000000"), 400, "Slot.schedule.reference"),
                put("malformed reference", slot("s", "Schedule/"), 400, "Slot.schedule.reference"),
                put("empty reference object", SLOT.replace("{\"reference\":\"Schedule/x\"}", "{}"), 400, "Slot.schedule"),
                put("script in a string", SLOT.replace("\"status\":\"free\"", "\"status\":\"free\",\"comment\":\"<script>alert(1)</script>\""), 422, "Slot.comment"),
                put("javascript: booking link", SLOT.replace("https://ehr.example.org/book/s", "javascript:alert(1)"), 422, "Slot.extension[0]"),
                put("booking-phone that is an email", SLOT.replace("{\"system\":\"phone\",\"value\":\"555-0101\"}", "{\"system\":\"email\",\"value\":\"a@b.c\"}"), 422, "Slot.extension[1]"),
                put("patient-type from another code system", SLOT.replace("http://terminology.hl7.org/CodeSystem/accepting-patients", "http://example.org/cs"), 422, "Slot.extension[2]"),
                put("meta.lastUpdated without offset", SLOT.replace("\"id\":\"s\",", "\"id\":\"s\",\"meta\":{\"lastUpdated\":\"2026-09-01T10:00:00\"},"), 400, "Slot.meta.lastUpdated"),
                new Case("Location without name", "PUT", "/fhir/Location/l", FHIR_JSON, location("l").replace("\"name\":\"Clinic l\",", ""), 422, "Location.name"),
                new Case("Location without telecom", "PUT", "/fhir/Location/l", FHIR_JSON, location("l").replace("\"telecom\":[{\"system\":\"phone\",\"value\":\"555-0100\"}],", ""), 422, "Location.telecom"),
                new Case("latitude that is not a number", "PUT", "/fhir/Location/l", FHIR_JSON, location("l").replace("\"name\"", "\"position\":{\"latitude\":\"north\",\"longitude\":1},\"name\""), 400, "Location.position.latitude"),
                new Case("Schedule without actor", "PUT", "/fhir/Schedule/c", FHIR_JSON, schedule("c", "Location/l").replace(",\n \"actor\":[{\"reference\":\"Location/l\",\"display\":\"Clinic\"}]", ""), 400, "Schedule.actor"),
                new Case("Schedule actor is a Slot", "PUT", "/fhir/Schedule/c", FHIR_JSON, schedule("c", "Slot/1"), 422, "Schedule.actor[0].reference"),
                new Case("Schedule actor outside the publication", "PUT", "/fhir/Schedule/c", FHIR_JSON, schedule("c", "https://elsewhere.example/Location/1"), 422, "Schedule.actor[0].reference"),
                new Case("Bundle of type collection", "POST", "/fhir", FHIR_JSON, bundle("collection", "|PUT|Slot/s|" + SLOT), 422, "Bundle.type"),
                new Case("GET inside a transaction", "POST", "/fhir", FHIR_JSON, bundle("transaction", "|GET|Slot/s|"), 422, "Bundle.entry[0].request.method"),
                new Case("entry without request", "POST", "/fhir", FHIR_JSON, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + SLOT + "}]}", 400, "Bundle.entry[0].request"),
                new Case("same resource twice in a transaction", "POST", "/fhir", FHIR_JSON, bundle("transaction", "|PUT|Slot/s|" + SLOT, "|PUT|Slot/s|" + SLOT), 400, "Bundle.entry[1].request.url"),
                new Case("invalid entry in a transaction", "POST", "/fhir", FHIR_JSON, bundle("transaction", "|PUT|Slot/s|" + SLOT.replace("\"free\"", "\"nope\"")), 400, "Bundle.entry[0].resource.status"),
                new Case("a Slot POSTed to the base", "POST", "/fhir", FHIR_JSON, SLOT, 400, null),
                new Case("PATCH is not supported", "PATCH", "/fhir/Slot/s", FHIR_JSON, SLOT, 405, null),
                new Case("history is not served", "GET", "/fhir/Slot/s/_history/1", null, null, 404, null),
                new Case("create at the type level is not supported", "POST", "/fhir/Slot", FHIR_JSON, SLOT, 405, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void getsTheDocumentedStatusAndAnOperationOutcome(Case c) throws Exception {
        HttpResponse<String> response = send(c.method(), c.path(), c.body(), c.contentType(), newSource());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssue()).isNotEmpty().allSatisfy(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(issue.getDiagnostics()).isNotBlank();
        });
        if (c.expression() != null) {
            assertThat(outcome.getIssue()).flatExtracting(OperationOutcome.OperationOutcomeIssueComponent::getExpression)
                    .extracting(StringType::getValue).contains(c.expression());
        }
        assertThat(get("/actuator/health/liveness", null).body()).contains("\"status\":\"UP\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void documentedAcceptances(String name, String path, String body) throws Exception {
        HttpResponse<String> response = put(path, body, newSource());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    /** Not errors, by decision (README): dangling references are accepted; legacy string booking-phone is normalised. */
    static List<org.junit.jupiter.params.provider.Arguments> accepted() {
        return List.of(
                org.junit.jupiter.params.provider.Arguments.of("reference to a Schedule never sent", "/fhir/Slot/s", slot("s", "Schedule/never-sent")),
                org.junit.jupiter.params.provider.Arguments.of("Slot without patient-type gets the default", "/fhir/Slot/s",
                        SLOT.replaceAll(",\\s*\\{\"url\":\"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type\"[^]]*\\}\\}", "")));
    }
}
