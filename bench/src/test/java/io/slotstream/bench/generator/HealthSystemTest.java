package io.slotstream.bench.generator;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HealthSystemTest {

    private static final LocalDate MONDAY = LocalDate.of(2026, 3, 2);
    private static final HealthSystem SMALL = new HealthSystem(new GeneratorConfig(SystemSize.SMALL, 7, MONDAY));

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        assertThat(ndjson(new HealthSystem(new GeneratorConfig(SystemSize.SMALL, 7, MONDAY))))
                .isEqualTo(ndjson(SMALL))
                .isNotEqualTo(ndjson(new HealthSystem(new GeneratorConfig(SystemSize.SMALL, 8, MONDAY))));
    }

    @Test
    void smallIsAboutTenThousandSlotsWithUniqueIdsAndSomeBusy() {
        List<GeneratedSlot> all = new ArrayList<>();
        SMALL.forEachSlot(all::add);
        assertThat(all).hasSize((int) SMALL.countSlots());
        assertThat(all.size()).isBetween(8_000, 13_000);
        assertThat(new HashSet<>(all.stream().map(GeneratedSlot::id).toList())).hasSameSizeAs(all);
        long busy = all.stream().filter(s -> s.status().equals("busy")).count();
        assertThat(busy).isBetween(all.size() / 10L, all.size() * 7L / 10);
        assertThat(all).allSatisfy(s -> assertThat(s.id().length() + "bench-ingest-abcdef-12.".length()).isLessThan(64));
    }

    @Test
    void slotsFollowTheTemplateInTheLocationsLocalOffsetWithALunchBreak() {
        for (Provider p : SMALL.providers()) {
            ZoneId zone = p.site().place().zone();
            SlotTemplate t = p.template();
            for (int day = 0; day < SMALL.days(); day++) {
                List<GeneratedSlot> slots = SMALL.slotsOn(p, day);
                for (GeneratedSlot s : slots) {
                    OffsetDateTime start = OffsetDateTime.parse(s.start());
                    OffsetDateTime end = OffsetDateTime.parse(s.end());
                    assertThat(Duration.between(start, end).toMinutes()).isEqualTo(t.slotMinutes()).isIn(15L, 20L, 30L);
                    assertThat(start.getOffset()).isEqualTo(zone.getRules().getOffset(start.toInstant()));
                    boolean inLunch = !start.toLocalTime().isBefore(t.lunchStart())
                            && start.toLocalTime().isBefore(t.lunchStart().plusMinutes(t.lunchMinutes()));
                    assertThat(inLunch).as("slot %s in lunch", s.id()).isFalse();
                }
                if (SMALL.date(day).getDayOfWeek() == java.time.DayOfWeek.SUNDAY) {
                    assertThat(slots).isEmpty();
                }
            }
        }
        Set<String> zones = new HashSet<>();
        SMALL.sites().forEach(s -> zones.add(s.place().zone().getId()));
        assertThat(zones).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void npisAreTenDigitLuhnValidAndUnique() {
        assertThat(Npi.checkDigit("123456789")).isEqualTo(3); // CMS example NPI 1234567893
        assertThat(Npi.isValid("1234567893")).isTrue();
        Set<String> npis = new HashSet<>();
        SMALL.providers().forEach(p -> {
            assertThat(Npi.isValid(p.npi())).as(p.npi()).isTrue();
            npis.add(p.npi());
        });
        assertThat(npis).hasSize(SMALL.providers().size());
    }

    @Test
    void everyResourceParsesWithHapiStrictlyAndIsStu1Shaped() throws IOException {
        IParser parser = FhirContext.forR4Cached().newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        Provider p = SMALL.providers().get(4);

        Location location = parser.parseResource(Location.class, ResourceJson.location(p.site()).toString());
        assertThat(location.getName()).isNotBlank();
        assertThat(location.getTelecom()).isNotEmpty();
        assertThat(location.getAddress().getState()).hasSize(2);
        assertThat(location.getPosition().getLatitude()).isNotNull();
        assertThat(location.getExtensionByUrl(ResourceJson.TIMEZONE).getValue().primitiveValue())
                .isEqualTo(p.site().place().zone().getId());

        Practitioner practitioner = parser.parseResource(Practitioner.class, ResourceJson.practitioner(p).toString());
        assertThat(practitioner.getIdentifierFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/sid/us-npi");

        PractitionerRole role = parser.parseResource(PractitionerRole.class, ResourceJson.practitionerRole(p).toString());
        Identifier npi = role.getIdentifier().stream().filter(i -> i.getSystem().equals("http://hl7.org/fhir/sid/us-npi")).findFirst().orElseThrow();
        assertThat(npi.getValue()).matches("[12][0-9]{9}");
        assertThat(role.getSpecialtyFirstRep().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(role.getLocationFirstRep().getReference()).isEqualTo("Location/" + p.site().id());

        HealthcareService service = parser.parseResource(HealthcareService.class,
                ResourceJson.healthcareService(p.site(), p.serviceIndex()).toString());
        assertThat(service.getTypeFirstRep().getCodingFirstRep().getCode()).isNotBlank();
        assertThat(service.getSpecialty()).hasSize(1);
        assertThat(service.getLocation()).hasSize(1);

        Schedule schedule = parser.parseResource(Schedule.class, ResourceJson.schedule(p, SMALL).toString());
        assertThat(schedule.getActor()).extracting(r -> r.getReference())
                .containsExactly("PractitionerRole/" + p.roleId(), "Location/" + p.site().id());
        assertThat(schedule.getServiceType()).isNotEmpty();
        assertThat(schedule.getExtensionByUrl(ResourceJson.SCHEDULE_SPECIALTY)).isNotNull();

        GeneratedSlot generated = SMALL.slotsOn(p, 0).isEmpty() ? SMALL.slotsOn(p, 1).get(0) : SMALL.slotsOn(p, 0).get(0);
        Slot slot = parser.parseResource(Slot.class, slotJson(generated));
        assertThat(slot.getSchedule().getReference()).isEqualTo("Schedule/" + p.scheduleId());
        assertThat(slot.getExtensionByUrl(SlotJson.BOOKING_DEEP_LINK).getValue().primitiveValue()).startsWith("https://");
        assertThat(slot.getExtensionByUrl(SlotJson.BOOKING_PHONE).getValue())
                .isInstanceOfSatisfying(org.hl7.fhir.r4.model.ContactPoint.class, c -> assertThat(c.getSystem().toCode()).isEqualTo("phone"));
        assertThat(slot.getExtensionByUrl(SlotJson.PATIENT_TYPE).getValue())
                .isInstanceOfSatisfying(org.hl7.fhir.r4.model.Coding.class, c -> assertThat(c.getSystem()).isEqualTo(SlotJson.ACCEPTING_PATIENTS));
        assertThat(slot.getStartElement().getValueAsString()).isEqualTo(generated.start());
    }

    @Test
    void theChangeStreamIsDeterministicAndHasEveryKind() {
        ChangeStream a = new ChangeStream(SMALL, 1, new ChangeStream.Mix(0.05, 100));
        ChangeStream b = new ChangeStream(SMALL, 1, new ChangeStream.Mix(0.05, 100));
        Set<Change.Kind> kinds = new HashSet<>();
        boolean rebuildDeleted = false;
        for (int i = 0; i < 400; i++) {
            Change x = a.next();
            assertThat(x).isEqualTo(b.next());
            kinds.add(x.kind());
            if (x.kind() == Change.Kind.TEMPLATE_REBUILD) {
                assertThat(x.entries().size()).isGreaterThan(10);
                rebuildDeleted |= x.entries().stream().anyMatch(Change.Entry::delete);
            } else {
                assertThat(x.entries()).hasSize(1);
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(Change.Kind.values());
        assertThat(rebuildDeleted).as("some rebuild deletes the old template's slots").isTrue();
        JsonNode bundle = json(TransactionBundles.change(a.next()));
        assertThat(bundle.path("type").asText()).isEqualTo("transaction");
        assertThat(bundle.path("entry").path(0).path("request").path("url").asText()).startsWith("Slot/");
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String slotJson(GeneratedSlot slot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            SlotJson.write(slot, json);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] ndjson(HealthSystem system) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<GeneratedSlot> first = new ArrayList<>();
        system.forEachSlot(s -> {
            if (first.size() < 2000) {
                first.add(s);
            }
        });
        for (GeneratedSlot slot : first) {
            out.write(slotJson(slot).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.write(ResourceJson.location(system.sites().get(0)).toString().getBytes());
        out.write(ResourceJson.practitionerRole(system.providers().get(0)).toString().getBytes());
        return out.toByteArray();
    }
}
