package io.slotstream.publish.conformance;

import ca.uhn.fhir.context.FhirContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker finds each kind of violation (so a clean report means something). */
class PublicationConformanceTest {

    private static final String PT = "{\"url\":\"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type\","
            + "\"valueCoding\":{\"system\":\"http://terminology.hl7.org/CodeSystem/accepting-patients\",\"code\":\"newpt\"}}";

    private final PublicationConformance checker = new PublicationConformance(FhirContext.forR4Cached());

    private ConformanceReport check(String manifest, Map<String, String> files) {
        return checker.checkManifest(manifest, url -> {
            String body = files.get(url);
            if (body == null) {
                throw new FileNotFoundException(url);
            }
            return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String manifest(String transactionTime, String request) {
        return "{\"transactionTime\":\"" + transactionTime + "\",\"request\":\"" + request + "\",\"output\":["
                + "{\"type\":\"Location\",\"url\":\"https://x.org/l.ndjson\",\"extension\":{\"state\":[\"MA\"]}},"
                + "{\"type\":\"Schedule\",\"url\":\"https://x.org/s.ndjson\",\"extension\":{\"state\":[\"MA\"]}},"
                + "{\"type\":\"Slot\",\"url\":\"https://x.org/t.ndjson\"}],\"error\":[]}";
    }

    @Test
    void aConformantPublicationHasNoViolations() {
        ConformanceReport report = check(manifest("2026-01-01T00:00:00Z", "https://x.org/$bulk-publish").replace(
                "{\"type\":\"Slot\",\"url\":\"https://x.org/t.ndjson\"}",
                "{\"type\":\"Slot\",\"url\":\"https://x.org/t.ndjson\",\"extension\":{\"state\":[\"MA\"]}}"), Map.of(
                "https://x.org/l.ndjson", "{\"resourceType\":\"Location\",\"id\":\"l1\",\"name\":\"L\",\"telecom\":[{\"system\":\"phone\",\"value\":\"1\"}]}\n",
                "https://x.org/s.ndjson", "{\"resourceType\":\"Schedule\",\"id\":\"s1\",\"serviceType\":[{\"text\":\"x\"}],"
                        + "\"actor\":[{\"reference\":\"Location/l1\"},{\"reference\":\"Device/d\"}]}\n",
                "https://x.org/t.ndjson", "{\"resourceType\":\"Slot\",\"id\":\"t1\",\"extension\":[" + PT + "],"
                        + "\"schedule\":{\"reference\":\"Schedule/s1\"},\"status\":\"busy\",\"start\":\"2026-01-01T10:00:00-05:00\",\"end\":\"2026-01-01T10:15:00-05:00\"}\n"));
        assertThat(report.violations()).isEmpty();
        assertThat(report.slotsByStatus()).containsEntry("busy", 1);
    }

    @Test
    void findsEachKindOfViolation() {
        ConformanceReport report = check(manifest("2026-01-01T00:00Z", "https://x.org/$bulk-publish?x=1"), Map.of(
                "https://x.org/l.ndjson", "{\"resourceType\":\"Location\",\"id\":\"l_1\",\"name\":\"L\"}\n",
                "https://x.org/s.ndjson", "{\"resourceType\":\"Schedule\",\"id\":\"s1\",\"actor\":[{\"reference\":\"Location/nope\"}]}\n"
                        + "{\"resourceType\":\"Schedule\",\"id\":\"s1\",\"serviceType\":[{\"text\":\"x\"}],\"actor\":[{\"reference\":\"Location/l_1\"}]}\n",
                "https://x.org/t.ndjson", "{\"resourceType\":\"Slot\",\"id\":\"t1\",\"extension\":[{\"url\":\"http://fhir-registry.smarthealthit.org/StructureDefinition/booking-phone\",\"valueString\":\"1\"}],"
                        + "\"schedule\":{\"reference\":\"Schedule/gone\"},\"status\":\"free\",\"start\":\"2026-01-01T10:00:00\",\"end\":\"2026-01-01T10:15:00Z\"}\n"
                        + "{\"resourceType\":\"Slot\",\"id\":\"t2\",\"bogus\":1}\n"
                        + "{\"resourceType\":\"Location\",\"id\":\"l9\",\"name\":\"L\"}\n"));
        assertThat(report.violations()).extracting(Violation::rule).contains(
                "sched-1", "checklist-1", "sched-4", "checklist-17", "checklist-20", "checklist-27", "checklist-18",
                "checklist-31", "checklist-32", "checklist-33", "checklist-16");
        assertThat(report.violations()).anySatisfy(v -> assertThat(v.message()).contains("Schedule/gone"));
        assertThat(report.violations()).anySatisfy(v -> assertThat(v.message()).contains("duplicate Schedule id s1"));
        assertThat(report.violations()).anySatisfy(v -> assertThat(v.where()).isEqualTo("https://x.org/t.ndjson#L3"));
    }
}
