package io.slotstream.ingest.intake;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Value rules of the intake that R4's own patterns let through (found by the bad-input corpus, issue 15): WGS84
 * coordinates, instants finer than a nanosecond, and references or Bundle URLs that climb out of the base with
 * {@code ..} segments. Runs the real {@link ResourcePreparer} and {@link BundleReader}; nothing is written.
 */
class IntakeValueRulesTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final FhirJsonReader READER = new FhirJsonReader(FHIR);
    private static final ResourcePreparer PREPARER = new ResourcePreparer(READER, new LegacyNormalizer("new-patients"),
            new SchedulingRules(FHIR.getResourceTypes()), new FullValidator(FHIR, false), new Reidentifier("urn:test"),
            new FhirAvroMapper(FHIR));
    private static final String SLOT = "{\"resourceType\":\"Slot\",\"id\":\"s\",\"schedule\":{\"reference\":\"%s\"},"
            + "\"status\":\"free\",\"start\":\"%s\",\"end\":\"2026-10-01T09:15:00-04:00\"%s}";
    private static final String LOCATION = "{\"resourceType\":\"Location\",\"id\":\"l\",\"position\":{%s},"
            + "\"name\":\"Clinic l\",\"telecom\":[{\"system\":\"phone\",\"value\":\"555-0100\"}]}";

    @Test
    void coordinatesOutsideWgs84AreRefusedNamingTheElement() {
        assertRefused("Location", LOCATION.formatted("\"latitude\":123.5,\"longitude\":1"), 400,
                "Location.position.latitude", "-90 to 90");
        assertRefused("Location", LOCATION.formatted("\"latitude\":-90.0001,\"longitude\":1"), 400,
                "Location.position.latitude", "-90 to 90");
        assertRefused("Location", LOCATION.formatted("\"latitude\":12.5,\"longitude\":-180.5"), 400,
                "Location.position.longitude", "-180 to 180");
        assertRefused("Location", LOCATION.formatted("\"longitude\":1"), 400, "Location.position.latitude", "1..1");
        assertAccepted("Location", LOCATION.formatted("\"latitude\":-90,\"longitude\":180"));
        assertAccepted("Location", LOCATION.formatted("\"latitude\":42.36,\"longitude\":-71.06"));
    }

    @Test
    void instantsFinerThanANanosecondAreRefused() {
        assertRefused("Slot", SLOT.formatted("Schedule/x", "2026-10-01T09:00:00.1234567890123-04:00", ""), 400,
                "Slot.start", "9 fractional-second digits");
        assertRefused("Slot", SLOT.formatted("Schedule/x", "2026-10-01T09:00:00-04:00",
                ",\"meta\":{\"lastUpdated\":\"2026-10-01T09:00:00.1234567890Z\"}"), 400, "Slot.meta.lastUpdated",
                "9 fractional-second digits");
        assertAccepted("Slot", SLOT.formatted("Schedule/x", "2026-10-01T09:00:00.123456789-04:00",
                ",\"meta\":{\"lastUpdated\":\"2026-10-01T09:00:00.5Z\"}"));
    }

    @Test
    void referencesWithDotSegmentsAreRefused() {
        assertRefused("Slot", SLOT.formatted("Schedule/..", "2026-10-01T09:00:00-04:00", ""), 400,
                "Slot.schedule.reference", "Type/id");
        assertRefused("Slot", SLOT.formatted("../../Slot/s", "2026-10-01T09:00:00-04:00", ""), 400,
                "Slot.schedule.reference", "Type/id");
        assertRefused("Slot", SLOT.formatted("https://ehr.example/fhir/../../Schedule/x", "2026-10-01T09:00:00-04:00",
                ""), 400, "Slot.schedule.reference", "Type/id");
    }

    @Test
    void bundleUrlsWithDotSegmentsAreRefused() {
        BundleReader reader = new BundleReader(READER, 100);
        String entry = "{\"fullUrl\":\"%s\",\"request\":{\"method\":\"PUT\",\"url\":\"%s\"},\"resource\":"
                + SLOT.formatted("Schedule/x", "2026-10-01T09:00:00-04:00", "") + "}";
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entry + "]}";
        BundleReader.Envelope traversal = reader.read(READER.readTree(
                bundle.formatted("urn:uuid:0b0e5a5e-8f0a-4d3e-9d7a-2f6d1c1f0a01", "../../Slot/s").getBytes(StandardCharsets.UTF_8)));
        assertThat(traversal.entries()).isEmpty();
        assertThat(traversal.problems().get(0)).extracting(Issue::expression).containsExactly("Bundle.entry[0].request.url");
        BundleReader.Envelope fullUrl = reader.read(READER.readTree(
                bundle.formatted("../../Slot/s", "Slot/s").getBytes(StandardCharsets.UTF_8)));
        assertThat(fullUrl.problems().get(0)).extracting(Issue::expression).containsExactly("Bundle.entry[0].fullUrl");
        BundleReader.Envelope fine = reader.read(READER.readTree(
                bundle.formatted("https://ehr.example/fhir/Slot/s", "https://ehr.example/fhir/Slot/s")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(fine.problems()).isEmpty();
        assertThat(fine.entries()).extracting(BundleEntryRequest::id).containsExactly("s");
    }

    private static void assertRefused(String type, String json, int status, String expression, String rule) {
        IntakeException e = catchThrowableOfType(IntakeException.class, () -> prepare(type, json));
        assertThat(e).as(json).isNotNull();
        assertThat(e.status()).isEqualTo(status);
        List<Issue> named = e.issues().stream().filter(i -> expression.equals(i.expression())).toList();
        assertThat(named).as(e.issues().toString()).isNotEmpty();
        assertThat(named).anyMatch(i -> (i.rule() + " " + i.message()).contains(rule));
    }

    private static void assertAccepted(String type, String json) {
        assertThat(prepare(type, json).record()).isNotNull();
    }

    private static PreparedWrite prepare(String type, String json) {
        return PREPARER.upsert("src", READER.readTree(json.getBytes(StandardCharsets.UTF_8)), json,
                ResourceKind.of(type).orElseThrow(), type.equals("Slot") ? "s" : "l", Map.of(), Instant.now(), false);
    }
}
