package io.slotstream.ingest.intake;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.avro.FhirSlot;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SlotFastPath} is the Slot intake without HAPI: for every Slot it accepts, its record must equal, field by field
 * and byte for byte in Avro binary, what the full path makes of the same JSON (HAPI strict parse, legacy normalisation,
 * STU1 rules, re-identification, {@code FhirAvroMapper} with its lossless round trip); a Slot the full path refuses must
 * never be accepted by it. Checked over every Slot of the shipped example publications, as a feed delivers them (with
 * the feed's identifier, {@code meta.source} and {@code meta.lastUpdated}), and over random variations of the generator's
 * STU1 shape. {@code bench}'s {@code SlotFastPathGeneratorTest} does the same over the generator's own output.
 */
class SlotFastPathEquivalenceTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STU1 = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/";
    private static final String LEGACY = "http://fhir-registry.smarthealthit.org/StructureDefinition/";
    private static final Instant RECEIVED = Instant.parse("2026-11-30T10:00:00.123456789Z");

    private final ResourcePreparer preparer = preparer("newpt");
    private final SlotFastPath fast = new SlotFastPath("urn:slotstream:source:", "newpt");

    static ResourcePreparer preparer(String defaultPatientType) {
        return new ResourcePreparer(new FhirJsonReader(FHIR), new LegacyNormalizer(defaultPatientType),
                new SchedulingRules(FHIR.getResourceTypes()), new FullValidator(FHIR, false),
                new Reidentifier("urn:slotstream:source:"), new FhirAvroMapper(FHIR));
    }

    @Test
    void everyShippedExampleSlotGivesTheFullPathsRecord() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("..", "deploy", "local", "sample-feeds"))) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".ndjson")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        int slots = 0;
        int fastOnes = 0;
        for (Path file : files) {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || !line.contains("\"Slot\"")) {
                    continue;
                }
                ObjectNode slot = (ObjectNode) JSON.readTree(line);
                if (!"Slot".equals(slot.path("resourceType").asText())) {
                    continue;
                }
                slots++;
                fastOnes += check(slot, file + ": " + line) ? 1 : 0;
                // as the aggregator's feed path hands it over: publisher id kept, meta.source and lastUpdated stamped
                ObjectNode fed = slot.deepCopy();
                fed.putArray("identifier").addObject().put("system", "urn:slotstream:source:a/publisher-id")
                        .put("value", slot.path("id").asText());
                fed.putObject("meta").put("source", "http://127.0.0.1:8085/feed/Slot/" + slot.path("id").asText())
                        .put("lastUpdated", "2026-11-30T09:38:19.684Z");
                fastOnes += check(fed, "fed " + file + ": " + line) ? 1 : 0;
            }
        }
        assertThat(slots).isGreaterThan(100);
        // the 2026 draft's slots (legacy deep link and phone, no patient-type) take the fast path
        assertThat(fastOnes).isGreaterThan(slots / 2);
    }

    @Test
    void randomVariationsOfTheStu1ShapeEitherGiveTheFullPathsRecordOrTakeTheFullPath() {
        List<Consumer<ObjectNode>> changes = changes();
        Random random = new Random(20261130);
        int fastOnes = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            ObjectNode slot = base(i);
            int n = random.nextInt(4);
            for (int c = 0; c < n; c++) {
                changes.get(random.nextInt(changes.size())).accept(slot);
            }
            if (check(slot, "variation " + i + ": " + slot)) {
                fastOnes++;
            } else if (fullPathRefuses(slot)) {
                refused++;
            }
        }
        assertThat(fastOnes).isGreaterThan(500);
        assertThat(refused).isGreaterThan(100);
    }

    @Test
    void withoutADefaultPatientTypeASlotWithoutOneTakesTheFullPathAndIsRefused() {
        SlotFastPath strict = new SlotFastPath("urn:slotstream:source:", "");
        ObjectNode slot = base(1);
        ((ArrayNode) slot.get("extension")).remove(2);
        assertThat(strict.toRecord("a", slot, slot.get("id").asText(), RECEIVED)).isNull();
        assertThat(fast.toRecord("a", slot, slot.get("id").asText(), RECEIVED)).isNotNull();
    }

    /** @return whether the fast path took it (then its record equals the full path's) */
    private boolean check(ObjectNode slot, String what) {
        String id = slot.path("id").asText();
        FhirSlot quick = fast.toRecord("a", slot.deepCopy(), id, RECEIVED);
        PreparedWrite full;
        try {
            full = preparer.upsert("a", slot.deepCopy(), slot.toString(), ResourceKind.SLOT, id, Map.of(), RECEIVED, false);
        } catch (IntakeException e) {
            assertThat(quick).as("the full path refuses %s (%s) but the fast path took it", what, e.issues()).isNull();
            return false;
        }
        if (quick == null) {
            return false;
        }
        assertThat(quick).as(what).isEqualTo(full.record());
        assertThat(avro(quick)).as(what).isEqualTo(avro((FhirSlot) full.record()));
        PreparedWrite viaPreparer = preparer.upsertRecord("a", slot.deepCopy(), slot::toString, 1, ResourceKind.SLOT, id,
                Map.of(), RECEIVED);
        assertThat(viaPreparer.resource()).as("fast-path writes carry no HAPI resource").isNull();
        assertThat(viaPreparer.record()).isEqualTo(full.record());
        return true;
    }

    private boolean fullPathRefuses(ObjectNode slot) {
        try {
            preparer.upsert("a", slot.deepCopy(), slot.toString(), ResourceKind.SLOT, slot.path("id").asText(), Map.of(),
                    RECEIVED, false);
            return false;
        } catch (IntakeException e) {
            return true;
        }
    }

    private static byte[] avro(FhirSlot slot) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(FhirSlot.class).write(slot, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generator's STU1 Slot (bench {@code SlotJson}). */
    private static ObjectNode base(int i) {
        String id = "sch-00012-20261207-" + (1000 + i);
        try {
            return (ObjectNode) JSON.readTree("""
                    {"resourceType":"Slot","id":"%s","extension":[\
                    {"url":"%sbooking-deep-link","valueUrl":"https://portal.example-health.org/schedule?slot=%s"},\
                    {"url":"%sbooking-phone","valueContactPoint":{"system":"phone","value":"+1-907-555-0119"}},\
                    {"url":"%spatient-type","valueCoding":{"system":"http://terminology.hl7.org/CodeSystem/accepting-patients","code":"existptonly"}}],\
                    "schedule":{"reference":"Schedule/sch-00012"},"status":"free",\
                    "start":"2026-12-07T08:00:00-09:00","end":"2026-12-07T08:15:00-09:00"}"""
                    .formatted(id, STU1, id, STU1, STU1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode extensions(ObjectNode slot) {
        return slot.has("extension") && slot.get("extension").isArray() ? (ArrayNode) slot.get("extension") : slot.putArray("extension");
    }

    /** Shapes the fast path takes, shapes it must hand to the full path, and inputs the full path refuses. */
    private static List<Consumer<ObjectNode>> changes() {
        List<Consumer<ObjectNode>> all = new ArrayList<>();
        String[] instants = {"2026-12-07T08:00:00Z", "2026-12-07T08:00:00.000Z", "2026-12-07T08:00:00.5+05:30",
                "2026-12-07T08:00:00.123-04:00", "2026-12-07T08:00:00.1234-04:00", "2026-12-07T08:00:00+00:00",
                "2026-12-07T08:00:00-00:00", "2026-12-07T08:00-04:00", "2026-12-07T08:00:60Z", "2026-02-30T08:00:00Z",
                "2026-12-07T24:00:00Z", "2026-12-07T08:00:00+14:00", "2026-12-07T08:00:00+15:00", "1899-12-07T08:00:00Z",
                "2026-12-07", "2026-12-07T08:00:00.123456789Z", " 2026-12-07T08:00:00Z"};
        for (String instant : instants) {
            all.add(s -> s.put("start", instant));
            all.add(s -> s.put("end", instant));
            all.add(s -> meta(s).put("lastUpdated", instant));
        }
        all.add(s -> s.put("end", "2027-01-07T08:00:00+01:00"));
        for (String status : new String[]{"busy", "busy-unavailable", "busy-tentative", "entered-in-error", "open", "", "FREE"}) {
            all.add(s -> s.put("status", status));
        }
        all.add(s -> s.remove("status"));
        all.add(s -> s.remove("start"));
        all.add(s -> s.remove("schedule"));
        all.add(s -> s.remove("extension"));
        all.add(s -> s.putArray("extension"));
        all.add(s -> s.put("status", 1));
        for (String reference : new String[]{"Schedule/other", "Schedule/..", "Schedule/a/_history/2", "Location/l",
                "urn:uuid:0b7b3b8c-8b0b-4b2a-9b0b-0b7b3b8c8b0b", "https://x.example/Schedule/1", "Schedule/", "Schedule/a b"}) {
            all.add(s -> s.putObject("schedule").put("reference", reference));
        }
        all.add(s -> {
            if (s.get("schedule") instanceof ObjectNode schedule) {
                schedule.put("display", "Dr A");
            }
        });
        all.add(s -> s.put("comment", "walk-ins welcome"));
        all.add(s -> s.put("comment", "<b>bold</b>"));
        all.add(s -> s.put("comment", "javascript:alert(1)"));
        all.add(s -> s.put("comment", ""));
        all.add(s -> s.put("comment", "trailing "));
        all.add(s -> s.put("overbooked", true));
        all.add(s -> s.putArray("serviceType").addObject().put("text", "Primary care"));
        all.add(s -> s.putObject("text").put("status", "generated").put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"));
        all.add(s -> s.put("unknownElement", "x"));
        all.add(s -> s.put("id", "other"));
        all.add(s -> meta(s).put("versionId", "7"));
        all.add(s -> meta(s).put("versionId", "bad id!"));
        all.add(s -> meta(s).put("source", "https://publisher.example/fhir/Slot/1"));
        all.add(s -> meta(s).putArray("tag").addObject().put("code", "x"));
        all.add(s -> identifiers(s).addObject().put("system", "urn:x").put("value", "1"));
        all.add(s -> identifiers(s).addObject().put("system", "urn:slotstream:source:a").put("value", s.path("id").asText()));
        all.add(s -> identifiers(s).addObject().put("system", "urn:x").put("value", "1").put("use", "official"));
        all.add(s -> identifiers(s).addObject().put("value", "1"));
        all.add(s -> extensions(s).remove(0));
        all.add(s -> extensions(s).remove(extensions(s).size() - 1));
        all.add(s -> extensions(s).insert(0, extensions(s).get(extensions(s).size() - 1).deepCopy()));
        all.add(s -> {
            ArrayNode e = extensions(s);
            if (e.size() > 1) {
                JsonNode first = e.remove(0);
                e.add(first);
            }
        });
        all.add(s -> extensions(s).addObject().put("url", LEGACY + "slot-capacity").put("valueInteger", 5));
        all.add(s -> extensions(s).insert(0, JSON.createObjectNode().put("url", LEGACY + "booking-deep-link")
                .put("valueString", "https://legacy.example/book")));
        all.add(s -> extensions(s).insert(0, JSON.createObjectNode().put("url", LEGACY + "booking-phone")
                .put("valueString", "555-0100")));
        all.add(s -> extensions(s).insert(0, JSON.createObjectNode().put("url", STU1 + "booking-deep-link")
                .put("valueUri", "ftp://legacy.example/book")));
        all.add(s -> extensions(s).insert(0, JSON.createObjectNode().put("url", STU1 + "booking-deep-link")
                .put("valueUri", "http://legacy.example/book")));
        all.add(s -> extensions(s).insert(0, JSON.createObjectNode().put("url", STU1 + "booking-phone")
                .put("valueString", "555-0100")));
        all.add(s -> extensions(s).add(JSON.createObjectNode().put("url", STU1 + "patient-type")
                .set("valueCoding", JSON.createObjectNode().put("system", "urn:other").put("code", "x"))));
        all.add(s -> extensions(s).add(JSON.createObjectNode().put("url", STU1 + "patient-type")
                .set("valueCoding", JSON.createObjectNode().put("system", "http://terminology.hl7.org/CodeSystem/accepting-patients")
                        .put("code", "newpt").put("display", "New patients"))));
        all.add(s -> extensions(s).forEach(e -> {
            if (e.has("valueCoding")) {
                ((ObjectNode) e.get("valueCoding")).put("display", "Existing patients only");
            }
        }));
        all.add(s -> extensions(s).forEach(e -> {
            if (e.has("valueContactPoint")) {
                ((ObjectNode) e.get("valueContactPoint")).put("use", "work");
            }
        }));
        all.add(s -> extensions(s).forEach(e -> {
            if (e.has("valueContactPoint")) {
                ((ObjectNode) e.get("valueContactPoint")).put("system", "email");
            }
        }));
        all.add(s -> extensions(s).forEach(e -> {
            if (e.has("valueUrl")) {
                ((ObjectNode) e).put("valueUrl", "not a url");
            }
        }));
        return all;
    }

    private static ObjectNode meta(ObjectNode slot) {
        return slot.has("meta") && slot.get("meta").isObject() ? (ObjectNode) slot.get("meta") : slot.putObject("meta");
    }

    private static ArrayNode identifiers(ObjectNode slot) {
        return slot.has("identifier") && slot.get("identifier").isArray() ? (ArrayNode) slot.get("identifier") : slot.putArray("identifier");
    }
}
