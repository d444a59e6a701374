package io.slotstream.bench.generator;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.intake.PreparedWrite;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.intake.SlotFastPath;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ingest-service's Slot fast path over the generator's own output (the feed and ingest benchmarks' data): every
 * generated Slot takes it, and its record equals the full HAPI path's, field by field ({@code SlotFastPathEquivalenceTest}
 * in ingest-service covers the shipped sample feeds and random variations).
 */
class SlotFastPathGeneratorTest {

    @Test
    void everyGeneratedSlotTakesTheFastPathWithTheFullPathsRecord() {
        FhirContext fhir = FhirContext.forR4Cached();
        ResourcePreparer preparer = new ResourcePreparer(new FhirJsonReader(fhir), new LegacyNormalizer("newpt"),
                new SchedulingRules(fhir.getResourceTypes()), new FullValidator(fhir, false),
                new Reidentifier("urn:slotstream:source:"), new FhirAvroMapper(fhir));
        SlotFastPath fast = new SlotFastPath("urn:slotstream:source:", "newpt");
        ObjectMapper json = new ObjectMapper();
        JsonFactory factory = new JsonFactory();
        Instant received = Instant.parse("2026-11-30T10:00:00.5Z");
        long[] slots = {0};
        new HealthSystem(GeneratorConfig.fromNextMonday(SystemSize.SMALL, 20260301L)).forEachSlot(slot -> {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
                try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
                    SlotJson.write(slot, generator);
                }
                String line = out.toString(StandardCharsets.UTF_8);
                JsonNode node = json.readTree(line);
                String id = node.get("id").asText();
                PreparedWrite full = preparer.upsert("gen", node.deepCopy(), line, ResourceKind.SLOT, id, Map.of(), received, false);
                assertThat(fast.toRecord("gen", node, id, received)).as(line).isEqualTo(full.record());
                slots[0]++;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(slots[0]).isGreaterThan(10_000);
    }
}
