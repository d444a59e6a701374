package io.slotstream.bench.kafka;

import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.ndjson.HapiSlots;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The size of a {@code fhir.slot.v1} record value as ingest-service writes it: the generated Slot re-identified
 * under a source ({@link CanonicalId}), mapped with {@link FhirAvroMapper}, Avro binary, plus the 5-byte Confluent
 * wire header (magic byte + 4-byte schema id).
 */
public final class RecordSize {

    /** Magic byte and 4-byte content id in front of every value (design.md "Wire format"). */
    public static final int WIRE_HEADER_BYTES = 5;

    private RecordSize() {
    }

    /** @return the mean value size in bytes over the first {@code sample} Slots of the system, rounded */
    public static int meanSlotValueBytes(HealthSystem system, String sourceId, int sample) {
        List<GeneratedSlot> slots = new ArrayList<>(sample);
        for (int day = 0; slots.size() < sample && day < system.days(); day++) {
            for (var p : system.providers()) {
                for (GeneratedSlot s : system.slotsOn(p, day)) {
                    if (slots.size() < sample) {
                        slots.add(s);
                    }
                }
            }
        }
        FhirAvroMapper mapper = new FhirAvroMapper();
        SpecificDatumWriter<FhirSlot> writer = new SpecificDatumWriter<>(FhirSlot.class);
        long total = 0;
        java.time.Instant now = java.time.Instant.now();
        for (GeneratedSlot g : slots) {
            var slot = HapiSlots.toHapi(g, CanonicalId.of(sourceId, g.id()),
                    "Schedule/" + CanonicalId.of(sourceId, g.scheduleId()));
            Provenance provenance = Provenance.newBuilder().setSource(sourceId).setSourceResourceId(g.id())
                    .setEventTime(now).setIngestTime(now).build();
            FhirSlot record = mapper.toAvro(slot, provenance);
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            try {
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            total += out.size() + WIRE_HEADER_BYTES;
        }
        return slots.isEmpty() ? 0 : (int) Math.round((double) total / slots.size());
    }
}
