package io.slotstream.availability.store;

import io.slotstream.availability.store.DataCodec.Reader;
import io.slotstream.availability.store.DataCodec.Writer;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Position;
import io.slotstream.avro.Reference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static io.slotstream.availability.store.DataCodec.readList;
import static io.slotstream.availability.store.DataCodec.readLong;
import static io.slotstream.availability.store.DataCodec.readString;
import static io.slotstream.availability.store.DataCodec.writeList;
import static io.slotstream.availability.store.DataCodec.writeLong;
import static io.slotstream.availability.store.DataCodec.writeString;

/**
 * Binary serdes of the internal state types ({@link SlotState}, {@link ScheduleContext},
 * {@link ScheduleContextState}) and of reference records. Layout: a format byte ({@value #FORMAT}), then the fields
 * with {@link DataOutputStream} encoding (nullable values behind a presence byte, lists behind their size), Avro
 * records length-prefixed in single-object encoding ({@link AvroBinarySerde}: each names its writer schema, so a
 * BACKWARD-compatible change of FhirSlot, FhirSchedule or a nested type needs no reset). A change of the layout
 * itself takes a new format byte, with the reader of the old one kept. Deterministic (equal values give equal
 * bytes).
 */
public final class StateCodec {

    private static final byte FORMAT = 2;
    private static final AvroBinarySerde<FhirSlot> SLOT = new AvroBinarySerde<>(FhirSlot.class);
    private static final AvroBinarySerde<FhirSchedule> SCHEDULE = new AvroBinarySerde<>(FhirSchedule.class);
    private static final AvroBinarySerde<Reference> REFERENCE = new AvroBinarySerde<>(Reference.class);
    private static final AvroBinarySerde<CodeableConcept> CONCEPT = new AvroBinarySerde<>(CodeableConcept.class);
    private static final AvroBinarySerde<Coding> CODING = new AvroBinarySerde<>(Coding.class);
    private static final AvroBinarySerde<Position> POSITION = new AvroBinarySerde<>(Position.class);
    /** Reference record types by their tag byte (the index); append only. */
    private static final List<AvroBinarySerde<? extends SpecificRecord>> REFERENCE_TYPES = List.of(
            new AvroBinarySerde<>(FhirLocation.class), new AvroBinarySerde<>(FhirPractitionerRole.class),
            new AvroBinarySerde<>(FhirHealthcareService.class), new AvroBinarySerde<>(FhirPractitioner.class));
    private static final List<Class<? extends SpecificRecord>> REFERENCE_CLASSES = List.of(
            FhirLocation.class, FhirPractitionerRole.class, FhirHealthcareService.class, FhirPractitioner.class);

    private StateCodec() {
    }

    /** @return the serde of {@link SlotState} values */
    public static Serde<SlotState> slotStateSerde() {
        return serde(StateCodec::writeSlotState, StateCodec::readSlotState);
    }

    /** @return the serde of {@link ScheduleContext} values */
    public static Serde<ScheduleContext> scheduleContextSerde() {
        return serde(StateCodec::writeContext, StateCodec::readContext);
    }

    /** @return the serde of {@link ScheduleContextState} values */
    public static Serde<ScheduleContextState> scheduleContextStateSerde() {
        return serde((v, out) -> {
            writeRecord(SCHEDULE, v.schedule(), out);
            writeList(v.dependencies(), out, DataCodec::writeString);
            writeContext(v.context(), out);
        }, in -> new ScheduleContextState(readRecord(SCHEDULE, in), readList(in, DataCodec::readString), readContext(in)));
    }

    /**
     * @return the serde of a reference record (FhirLocation, FhirPractitionerRole, FhirHealthcareService or
     * FhirPractitioner): a tag byte naming the type, then the record
     * @throws SerializationException on writing a record of another type
     */
    public static Serde<SpecificRecord> referenceSerde() {
        return serde((v, out) -> {
            int tag = REFERENCE_CLASSES.indexOf(v.getClass());
            if (tag < 0) {
                throw new SerializationException("not a reference record: " + v.getClass().getName());
            }
            out.writeByte(tag);
            writeRecord(reference(tag), v, out);
        }, in -> readRecord(reference(in.readByte()), in));
    }

    @SuppressWarnings("unchecked")
    private static AvroBinarySerde<SpecificRecord> reference(int tag) {
        if (tag < 0 || tag >= REFERENCE_TYPES.size()) {
            throw new SerializationException("unknown reference record tag " + tag);
        }
        return (AvroBinarySerde<SpecificRecord>) REFERENCE_TYPES.get(tag);
    }

    private static void writeContext(ScheduleContext c, DataOutputStream out) throws IOException {
        writeString(c.scheduleId(), out);
        writeList(c.actors(), out, (v, o) -> writeRecord(REFERENCE, v, o));
        writeList(c.locationIds(), out, DataCodec::writeString);
        writeList(c.practitionerRoleIds(), out, DataCodec::writeString);
        writeList(c.healthcareServiceIds(), out, DataCodec::writeString);
        writeList(c.serviceType(), out, (v, o) -> writeRecord(CONCEPT, v, o));
        writeList(c.specialty(), out, (v, o) -> writeRecord(CODING, v, o));
        writeList(c.states(), out, DataCodec::writeString);
        writeList(c.positions(), out, (v, o) -> writeRecord(POSITION, v, o));
        writeString(c.timeZone(), out);
    }

    private static ScheduleContext readContext(DataInputStream in) throws IOException {
        return new ScheduleContext(readString(in), readList(in, i -> readRecord(REFERENCE, i)),
                readList(in, DataCodec::readString), readList(in, DataCodec::readString),
                readList(in, DataCodec::readString), readList(in, i -> readRecord(CONCEPT, i)),
                readList(in, i -> readRecord(CODING, i)), readList(in, DataCodec::readString),
                readList(in, i -> readRecord(POSITION, i)), readString(in));
    }

    private static <T extends SpecificRecord> void writeRecord(AvroBinarySerde<T> serde, T value, DataOutputStream out)
            throws IOException {
        byte[] bytes = serde.toBytes(value);
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static <T extends SpecificRecord> T readRecord(AvroBinarySerde<T> serde, DataInputStream in)
            throws IOException {
        int length = in.readInt();
        return length < 0 ? null : serde.fromBytes(in.readNBytes(length));
    }

    private static void writeSlotState(SlotState s, DataOutputStream out) throws IOException {
        writeSlot(s.source(), out);
        writeBooking(s.booking(), out);
    }

    private static SlotState readSlotState(DataInputStream in) throws IOException {
        return new SlotState(readSlot(in), readBooking(in));
    }

    private static void writeSlot(FhirSlot slot, DataOutputStream out) throws IOException {
        writeRecord(SLOT, slot, out);
    }

    private static FhirSlot readSlot(DataInputStream in) throws IOException {
        return readRecord(SLOT, in);
    }

    private static void writeBooking(BookingState b, DataOutputStream out) throws IOException {
        writeString(b.holdId(), out);
        writeLong(b.holdExpiresAt(), out);
        out.writeBoolean(b.booked());
        writeString(b.appointmentId(), out);
        out.writeLong(b.lastEventTime());
        writeString(b.lastEventId(), out);
    }

    private static BookingState readBooking(DataInputStream in) throws IOException {
        return new BookingState(readString(in), readLong(in), in.readBoolean(), readString(in), in.readLong(),
                readString(in));
    }

    private static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        return DataCodec.serde(FORMAT, "state", "; format 1, plain Avro without writer schema, predates versioned"
                + " state: reset the application once", writer, reader);
    }
}
