package io.slotstream.bench.ndjson;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.SystemSize;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Both sides of the NDJSON microbenchmark write the same resources, so the ratio compares like with like. */
class JacksonSlotNdjsonWriterTest {

    @Test
    void everyLineParsesWithHapiToTheResourceHapiEncodes() throws IOException {
        HealthSystem system = new HealthSystem(new GeneratorConfig(SystemSize.SMALL, 1, LocalDate.of(2026, 3, 2)));
        List<GeneratedSlot> slots = new ArrayList<>();
        system.forEachSlot(s -> {
            if (slots.size() < 300) {
                slots.add(s);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JacksonSlotNdjsonWriter().write(slots, out);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(slots.size());
        IParser hapi = FhirContext.forR4Cached().newJsonParser();
        for (int i = 0; i < lines.length; i++) {
            Slot parsed = hapi.parseResource(Slot.class, lines[i]);
            Slot expected = HapiSlots.toHapi(slots.get(i));
            assertThat(lines[i]).isEqualTo(hapi.encodeResourceToString(expected)); // byte-identical to HAPI's output
            assertThat(hapi.encodeResourceToString(parsed)).isEqualTo(lines[i]); // and HAPI reads it back losslessly
        }
    }
}
