package io.slotstream.schemas.slot;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.booking.BookingDeepLinks;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one Slot renderer bypasses HAPI (design.md "Hot path"; used by the publication and the search API): every line it writes must parse with HAPI to the same
 * resource as HAPI's own encoding of {@link PublishedSlot} (equalsDeep), and in fact be the same bytes.
 */
class SlotJsonWriterEquivalenceTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private final PatientTypeDefault defaults = new PatientTypeDefault("newpt", "Accepting new and existing patients");
    private final SlotJsonWriter writer = new SlotJsonWriter(defaults);
    private final PublishedSlot reference = new PublishedSlot(defaults);

    @Test
    void everyLineParsesWithHapiToTheResourceHapiEncodes() {
        assertEquivalent(writer, reference);
    }

    @Test
    void withSlotstreamDeepLinksToo() {
        BookingDeepLinks links = new BookingDeepLinks("http://127.0.0.1:8084", "0123456789abcdef-test-key");
        assertEquivalent(new SlotJsonWriter(defaults, links), new PublishedSlot(defaults, links));
    }

    @Test
    void freeSlotsWithoutAPortalOfTheirOwnGetTheSignedLinkOthersKeepTheirsOrHaveNone() {
        BookingDeepLinks links = new BookingDeepLinks("http://127.0.0.1:8084/", "0123456789abcdef-test-key");
        SlotJsonWriter linking = new SlotJsonWriter(defaults, links);
        long start = java.time.Instant.parse("2026-09-30T14:00:00Z").toEpochMilli();
        SlotAvailability free = SlotAvailability.newBuilder(SlotFixtures.slot("a.1", "s1",
                io.slotstream.avro.SlotStatus.FREE, start, 0, java.util.List.of("MA"))).setBookingDeepLink(null).build();
        String expected = links.linkFor("a.1", free.getStart(), free.getEnd());
        assertThat(expected).startsWith("http://127.0.0.1:8084/book/a.1?v=").contains("&sig=");
        assertThat(new String(linking.write(free), StandardCharsets.UTF_8))
                .contains("\"valueUrl\":\"" + expected + "\"");
        // busy: no link to a slot nobody can book
        SlotAvailability busy = SlotAvailability.newBuilder(free).setEffectiveStatus(io.slotstream.avro.SlotStatus.BUSY).build();
        assertThat(new String(linking.write(busy), StandardCharsets.UTF_8)).doesNotContain("booking-deep-link");
        // the source's own portal wins
        SlotAvailability own = SlotAvailability.newBuilder(free).setBookingDeepLink("https://portal.example.org/b/1").build();
        assertThat(new String(linking.write(own), StandardCharsets.UTF_8))
                .contains("https://portal.example.org/b/1").doesNotContain("127.0.0.1:8084");
    }

    private static void assertEquivalent(SlotJsonWriter writer, PublishedSlot reference) {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            SlotAvailability view = SlotFixtures.random(random, "slot-" + i);
            String line = new String(writer.write(view), StandardCharsets.UTF_8);
            String hapiLine = FHIR.newJsonParser().encodeResourceToString(reference.toFhir(view));

            Slot fromLine = FHIR.newJsonParser().parseResource(Slot.class, line);
            Slot fromHapi = FHIR.newJsonParser().parseResource(Slot.class, hapiLine);
            assertThat(fromLine.equalsDeep(fromHapi)).as("slot %d:%n%s%n%s", i, line, hapiLine).isTrue();
            assertThat(line).as("slot %d", i).isEqualTo(hapiLine);
        }
    }

    @Test
    void publishesEffectiveStatusLocalOffsetAndDefaultPatientType() {
        SlotAvailability view = SlotFixtures.slot("a1", "s1", io.slotstream.avro.SlotStatus.BUSY,
                java.time.Instant.parse("2026-09-30T14:00:00Z").toEpochMilli(), -4 * 3600, java.util.List.of("MA"));
        String line = new String(writer.write(view), StandardCharsets.UTF_8);
        assertThat(line).contains("\"status\":\"busy\"")
                .contains("\"start\":\"2026-09-30T10:00:00-04:00\"", "\"end\":\"2026-09-30T10:15:00-04:00\"")
                .contains("{\"url\":\"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type\","
                        + "\"valueCoding\":{\"system\":\"http://terminology.hl7.org/CodeSystem/accepting-patients\","
                        + "\"code\":\"newpt\",\"display\":\"Accepting new and existing patients\"}}")
                .contains("\"schedule\":{\"reference\":\"Schedule/s1\"}")
                .doesNotContain("\n");
    }
}
