package io.slotstream.schemas.mapping;

import io.slotstream.avro.Extension;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.slotstream.schemas.mapping.Fixtures.MAPPER;
import static io.slotstream.schemas.mapping.Fixtures.classpathJson;
import static io.slotstream.schemas.mapping.Fixtures.json;
import static io.slotstream.schemas.mapping.Fixtures.parse;
import static io.slotstream.schemas.mapping.Fixtures.provenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The lossless rule on real data: every resource of the example feeds and every STU1 example goes FHIR -> Avro ->
 * Avro binary -> Avro -> FHIR and must {@code equalsDeep} the input. One dynamic test per file (not per line); a
 * failing file reports every failing line with both JSONs. Plus hand-picked checks that the typed fields, not only
 * the residual, carry the data.
 */
class MappingRoundTripTest {

    /** Feed folders under shared/examples. */
    private static final List<String> FEEDS = List.of("ssl-2021-smart-on-fhir", "ssl-2026-culby-draft");
    /** devices.ndjson holds Device resources: Device has no Avro mapping (not a Slotstream topic type). */
    private static final String SKIPPED_FILE = "devices.ndjson";
    /** Resource lines in the feed files above, without devices.ndjson; guards against silently reading nothing. */
    private static final int FEED_RESOURCE_COUNT = 11_938;
    /** At most this many failing lines are printed per file (all are counted). */
    private static final int FAILURES_SHOWN = 5;

    @TestFactory
    Stream<DynamicTest> everyResourceOfTheExampleFeedsRoundTrips() throws IOException {
        List<Path> files = feedFiles();
        assertThat(files).as("NDJSON files in %s", FEEDS).hasSizeGreaterThanOrEqualTo(14);
        return files.stream().map(file -> dynamicTest(file.getParent().getFileName() + "/" + file.getFileName(),
                () -> assertFileRoundTrips(file)));
    }

    @Test
    void theFeedsHoldAllTheirResources() throws IOException {
        int lines = 0;
        for (Path file : feedFiles()) {
            lines += resourceLines(file).size();
        }
        assertThat(lines).isEqualTo(FEED_RESOURCE_COUNT);
    }

    @TestFactory
    Stream<DynamicTest> everyStu1ExampleRoundTrips() throws IOException, URISyntaxException {
        List<Path> files = new ArrayList<>(jsonFiles("/stu1-examples"));
        assertThat(files).as("one JSON file per FSH instance in ssl-stu1-hl7-fsh").hasSize(12);
        files.addAll(jsonFiles("/spec-examples"));
        return files.stream().map(file -> dynamicTest(file.getParent().getFileName() + "/" + file.getFileName(), () -> {
            String failure = roundTripFailure(Files.readString(file));
            assertThat(failure).as(file.toString()).isNull();
        }));
    }

    @Test
    void stu1SlotCarriesPatientTypeAndLocalOffsetInTypedFields() {
        Slot slot = parse(Slot.class, classpathJson("/stu1-examples/AcceptNewAndExistingPatients.json"));

        FhirSlot avro = MAPPER.toAvro(slot, provenance("AcceptNewAndExistingPatients"));

        assertThat(avro.getId()).isEqualTo("AcceptNewAndExistingPatients");
        assertThat(avro.getStatus()).isEqualTo(SlotStatus.FREE);
        assertThat(avro.getSchedule().getReference()).isEqualTo("Schedule/ExampleSchedule");
        assertThat(avro.getStart()).isEqualTo(Instant.parse("2026-03-21T14:45:00Z"));
        assertThat(avro.getStartOffsetSeconds()).isEqualTo(-4 * 3600);
        assertThat(avro.getEnd()).isEqualTo(Instant.parse("2026-03-21T15:15:00Z"));
        assertThat(avro.getEndOffsetSeconds()).isEqualTo(-4 * 3600);
        assertThat(avro.getPatientType().getSystem()).isEqualTo(SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM);
        assertThat(avro.getPatientType().getCode()).isEqualTo("newpt");
        assertThat(avro.getExtensions()).isEmpty();
        assertThat(avro.getResidualJson()).isNull();
        // Published times keep the source's local offset.
        Slot back = MAPPER.toFhir(avro);
        assertThat(back.getStartElement().getValueAsString()).isEqualTo("2026-03-21T10:45:00-04:00");
    }

    @Test
    void stu1SlotFromTheSpecCarriesAllThreeExtensionsTyped() {
        Slot slot = parse(Slot.class, classpathJson("/spec-examples/ExampleSlot-stu1-section-5.3.json"));

        FhirSlot avro = MAPPER.toAvro(slot, provenance("ExampleSlot"));

        assertThat(avro.getBookingDeepLink()).isEqualTo("https://ehr.example.org/booking/slots/123");
        assertThat(avro.getBookingPhone().getSystem()).isEqualTo("phone");
        assertThat(avro.getBookingPhone().getValue()).isEqualTo("+1-555-123-4567");
        assertThat(avro.getPatientType().getCode()).isEqualTo("newpt");
        assertThat(avro.getExtensions()).isEmpty();
        assertThat(avro.getResidualJson()).isNull();
    }

    @Test
    void plainStu1SlotsNeedNoResidual() {
        for (String name : List.of("AcceptNewAndExistingPatients", "AcceptOnlyExistingPatients", "ExampleSlot",
                "ExampleSlotWithCharacteristic")) {
            FhirSlot avro = MAPPER.toAvro(parse(Slot.class, classpathJson("/stu1-examples/" + name + ".json")),
                    provenance(name));
            assertThat(avro.getResidualJson()).as(name).isNull();
        }
    }

    @Test
    void legacyExtensionsStayVerbatimAndUntyped() {
        Slot slot = parse(Slot.class, classpathJson("/stu1-examples/ExampleSlot.json"));

        FhirSlot avro = MAPPER.toAvro(slot, provenance("ExampleSlot"));

        assertThat(avro.getBookingDeepLink()).as("2021 URL is not the STU1 extension").isNull();
        assertThat(avro.getBookingPhone()).isNull();
        assertThat(avro.getExtensions()).extracting(Extension::getUrl).containsExactly(
                SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK, SchedulingExtensions.LEGACY_BOOKING_PHONE);
        assertThat(avro.getExtensions().get(1).getJson())
                .isEqualTo("{\"url\":\"" + SchedulingExtensions.LEGACY_BOOKING_PHONE + "\",\"valueString\":\"+1-555-123-4567\"}");
    }

    @Test
    void scheduleCarriesActorsServiceTypeAndScheduleSpecialty() {
        Schedule schedule = parse(Schedule.class, classpathJson("/stu1-examples/ScheduleWithVirtualAndPhysicalLocations.json"));

        FhirSchedule avro = MAPPER.toAvro(schedule, provenance(schedule.getIdPart()));

        assertThat(avro.getActor()).extracting(r -> r.getReference()).containsExactly("Location/ExampleLocation",
                "Location/44981b4a-8eae-48f7-bb7f-bf008bbe05ad", "PractitionerRole/ExamplePractitionerRole");
        assertThat(avro.getActor().get(2).getDisplay()).isEqualTo("Dr. John Robert Smith");
        assertThat(avro.getServiceType().getFirst().getCoding().getFirst().getCode()).isEqualTo("124");
        assertThat(avro.getScheduleSpecialty()).singleElement().satisfies(c -> {
            assertThat(c.getSystem()).isEqualTo("http://snomed.info/sct");
            assertThat(c.getCode()).isEqualTo("394802001");
            assertThat(c.getDisplay()).isEqualTo("General medicine");
        });
        assertThat(avro.getExtensions()).isEmpty();
        assertThat(avro.getResidualJson()).isNull();
    }

    @Test
    void locationCarriesProfileElementsTyped() {
        Location location = parse(Location.class, classpathJson("/stu1-examples/ExampleVirtualandPhysicalLocation.json"));

        FhirLocation avro = MAPPER.toAvro(location, provenance(location.getIdPart()));

        assertThat(avro.getId()).isEqualTo("44981b4a-8eae-48f7-bb7f-bf008bbe35af");
        assertThat(avro.getName()).isEqualTo("Virtual and Physical Telemedicine Clinic");
        assertThat(avro.getStatus()).isEqualTo("active");
        assertThat(avro.getTelecom()).extracting(c -> c.getSystem() + ":" + c.getValue() + ":" + c.getUse())
                .containsExactly("phone:+1-813-555-0100:work", "email:contact@smart.com:work");
        assertThat(avro.getAddress().getLine()).containsExactly("123 Main St");
        assertThat(avro.getAddress().getState()).isEqualTo("FL");
        assertThat(avro.getAddress().getDistrict()).isEqualTo("Hillsborough");
        assertThat(avro.getPhysicalType().getCoding().getFirst().getCode()).isEqualTo("phvi");
        assertThat(avro.getIdentifier().getFirst().getValue()).isEqualTo("FAC-PITT-001");
        assertThat(avro.getExtensions()).extracting(Extension::getUrl)
                .containsExactly(SchedulingExtensions.LICENSED_STATES_PROPOSAL, SchedulingExtensions.LICENSED_STATES_PROPOSAL);
        assertThat(avro.getTimeZone()).isNull();
        assertThat(avro.getResidualJson()).isNull();
    }

    @Test
    void practitionerRoleKeepsDateOnlyPeriodWithoutResidual() {
        PractitionerRole role = parse(PractitionerRole.class, classpathJson("/stu1-examples/jane-smith-md.json"));

        FhirPractitionerRole avro = MAPPER.toAvro(role, provenance("jane-smith-md"));

        assertThat(avro.getPeriod().getStart()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(avro.getIdentifier()).singleElement().satisfies(i -> {
            assertThat(i.getSystem()).isEqualTo("http://hl7.org/fhir/sid/us-npi");
            assertThat(i.getValue()).isEqualTo("1234567811");
        });
        assertThat(avro.getActive()).isTrue();
        assertThat(avro.getLocation()).hasSize(3);
        assertThat(avro.getSpecialty().getFirst().getCoding().getFirst().getCode()).isEqualTo("394802001");
        assertThat(avro.getResidualJson()).isNull();
        assertThat(MAPPER.toFhir(avro).getPeriod().getStartElement().getValueAsString()).isEqualTo("2020-01-01");
    }

    @Test
    void practitionerCarriesNamesTelecomAndAddress() {
        Practitioner practitioner = parse(Practitioner.class, classpathJson("/stu1-examples/JaneSmithMD.json"));

        FhirPractitioner avro = MAPPER.toAvro(practitioner, provenance("JaneSmithMD"));

        assertThat(avro.getName()).singleElement().satisfies(n -> {
            assertThat(n.getUse()).isEqualTo("nickname");
            assertThat(n.getFamily()).isEqualTo("Smith");
            assertThat(n.getGiven()).containsExactly("Jane");
            assertThat(n.getPrefix()).containsExactly("Dr.");
        });
        assertThat(avro.getIdentifier().getFirst().getUse()).isEqualTo("usual");
        assertThat(avro.getTelecom()).extracting(c -> c.getUse()).containsExactly("mobile", "work");
        assertThat(avro.getAddress().getFirst().getCity()).isEqualTo("Miami");
        assertThat(avro.getResidualJson()).isNull();
    }

    @Test
    void legacy2021SlotIsUtcAndFullyTyped() throws IOException {
        Path file = SharedDir.locate().resolve("examples/ssl-2021-smart-on-fhir/slots-2021-W09.ndjson");
        Slot slot = parse(Slot.class, resourceLines(file).getFirst());

        FhirSlot avro = MAPPER.toAvro(slot, provenance("20"));

        assertThat(avro.getStart()).isEqualTo(Instant.parse("2021-03-01T14:00:00Z"));
        assertThat(avro.getStartOffsetSeconds()).isZero();
        assertThat(avro.getExtensions()).extracting(Extension::getUrl).containsExactly(
                SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK, SchedulingExtensions.LEGACY_BOOKING_PHONE,
                SchedulingExtensions.LEGACY_SLOT_CAPACITY);
        assertThat(avro.getResidualJson()).isNull();
    }

    // ---- helpers

    private static void assertFileRoundTrips(Path file) throws IOException {
        List<String> lines = resourceLines(file);
        assertThat(lines).as("resources in %s", file).isNotEmpty();
        List<String> failures = new ArrayList<>();
        List<String> withResidual = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String failure = roundTripFailure(lines.get(i));
            if (failure != null) {
                failures.add("line " + (i + 1) + ": " + failure);
            } else if (residualOf(lines.get(i)) != null) {
                withResidual.add("line " + (i + 1) + ": " + residualOf(lines.get(i)));
            }
        }
        assertThat(failures).as("%d of %d resources in %s do not round-trip; first ones:%n%s", failures.size(),
                lines.size(), file, String.join("\n", failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))))
                .isEmpty();
        // These feeds use only elements with typed fields, so everything must be typed (nothing hidden in residuals).
        assertThat(withResidual).as("resources needing a residual in %s", file).isEmpty();
    }

    /** @return null when the trip gives back an equalsDeep resource, else a description with both JSONs */
    private static String roundTripFailure(String json) {
        Resource in = parse(json);
        Resource out;
        try {
            out = Fixtures.roundTrip(in);
        } catch (RuntimeException e) {
            return "threw " + e + " for " + json;
        }
        return in.equalsDeep(out) ? null : "expected " + json(in) + "\n      but got " + json(out);
    }

    private static String residualOf(String json) {
        Resource in = parse(json);
        SpecificRecord avro = MAPPER.toAvro(in, provenance(in.getIdPart()));
        return (String) ((SpecificRecordBase) avro).get("residualJson");
    }

    private static List<Path> feedFiles() throws IOException {
        Path examples = SharedDir.locate().resolve("examples");
        List<Path> files = new ArrayList<>();
        for (String feed : FEEDS) {
            try (Stream<Path> listing = Files.list(examples.resolve(feed))) {
                listing.filter(p -> p.getFileName().toString().endsWith(".ndjson"))
                        .filter(p -> !p.getFileName().toString().equals(SKIPPED_FILE))
                        .sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }

    private static List<String> resourceLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
    }

    private static List<Path> jsonFiles(String classpathFolder) throws IOException, URISyntaxException {
        Path folder = Path.of(MappingRoundTripTest.class.getResource(classpathFolder).toURI());
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }
}
