package io.slotstream.availability.store;

import io.slotstream.availability.testing.Fixtures;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotStatus;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State survives upgrades (issue 10, deliverable 6): stored values name their writer schema, and a build with a
 * BACKWARD-compatible newer schema reads values written with the older one, without a reset.
 */
class VersionedStateTest {

    /** FhirLocation as it would have been before {@code timeZone} and {@code description} were added. */
    private static final Schema OLDER_LOCATION = withoutFields(FhirLocation.getClassSchema(), "timeZone", "description");

    @Test
    void valueWrittenWithAnOlderSchemaIsReadByTheCurrentOne() throws IOException {
        GenericRecord old = new GenericData.Record(OLDER_LOCATION);
        FhirLocation current = Fixtures.location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06);
        for (Schema.Field f : OLDER_LOCATION.getFields()) {
            old.put(f.name(), current.get(f.name()));
        }
        FhirLocation read = new AvroBinarySerde<>(FhirLocation.class, List.of(OLDER_LOCATION)).fromBytes(encode(old));

        assertThat(read.getId()).isEqualTo("loc1");
        assertThat(read.getName()).isEqualTo("Main St Clinic");
        assertThat(read.getAddress().getState()).isEqualTo("MA");
        assertThat(read.getPosition().getLatitude()).isEqualTo(42.35);
        assertThat(read.getTimeZone()).isNull();
        assertThat(read.getDescription()).isNull();
    }

    @Test
    void valueOfAnUnknownSchemaIsAClearError() throws IOException {
        GenericRecord old = new GenericData.Record(OLDER_LOCATION);
        FhirLocation current = Fixtures.location("loc1", "Main St Clinic", "Boston", "MA", "02110", 42.35, -71.06);
        OLDER_LOCATION.getFields().forEach(f -> old.put(f.name(), current.get(f.name())));
        byte[] bytes = encode(old);

        assertThatThrownBy(() -> new AvroBinarySerde<>(FhirLocation.class).fromBytes(bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("FhirLocation").hasMessageContaining("unknown writer schema");
    }

    @Test
    void storedValuesCarryTheWriterSchemaFingerprint() {
        FhirSlot slot = Fixtures.slot("s1", "sch1", SlotStatus.FREE, 1_000_000L, 10);
        byte[] bytes = new AvroBinarySerde<>(FhirSlot.class).toBytes(slot);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        SlotState state = new SlotState(slot, BookingState.NONE);
        assertThat(StateCodec.slotStateSerde().deserializer().deserialize("t",
                StateCodec.slotStateSerde().serializer().serialize("t", state))).isEqualTo(state);
    }

    @Test
    void releasedVersionsOfNestedTypesAreKnownFromTheRecordsThatCarryThem() {
        assertThat(KnownSchemas.releasedWriters(Reference.getClassSchema()))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.getFullName()).isEqualTo(Reference.getClassSchema().getFullName()));
        assertThat(KnownSchemas.releasedWriters(FhirSlot.getClassSchema()))
                .allSatisfy(s -> assertThat(s.getName()).isEqualTo("FhirSlot")).isNotEmpty();
    }

    /** Single-object encoding with the older schema, as an older build would have stored it. */
    private static byte[] encode(GenericRecord old) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(SpecificData.getForClass(FhirLocation.class), OLDER_LOCATION)
                .encode(old, bytes);
        return bytes.toByteArray();
    }

    private static Schema withoutFields(Schema schema, String... names) {
        List<String> drop = List.of(names);
        List<Schema.Field> fields = schema.getFields().stream().filter(f -> !drop.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
