package io.slotstream.availability.store;

import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Binary serdes of the internal state types {@link SlotState} and {@link EffectiveSlot}. Layout: a format byte
 * ({@value #FORMAT}), then the fields with {@link DataOutputStream} encoding (nullable values behind a presence
 * byte), the FhirSlot as length-prefixed plain Avro binary ({@link AvroBinarySerde}). Deterministic (the
 * foreign-key join hashes these bytes).
 */
public final class StateCodec {

    private static final byte FORMAT = 1;
    private static final AvroBinarySerde<FhirSlot> SLOT = new AvroBinarySerde<>(FhirSlot.class);

    private StateCodec() {
    }

    /** @return the serde of {@link SlotState} values */
    public static Serde<SlotState> slotStateSerde() {
        return serde(StateCodec::writeSlotState, StateCodec::readSlotState);
    }

    /** @return the serde of {@link EffectiveSlot} values */
    public static Serde<EffectiveSlot> effectiveSlotSerde() {
        return serde(StateCodec::writeEffective, StateCodec::readEffective);
    }

    private static void writeSlotState(SlotState s, DataOutputStream out) throws IOException {
        writeSlot(s.source(), out);
        writeBooking(s.booking(), out);
    }

    private static SlotState readSlotState(DataInputStream in) throws IOException {
        return new SlotState(readSlot(in), readBooking(in));
    }

    private static void writeEffective(EffectiveSlot e, DataOutputStream out) throws IOException {
        writeSlot(e.source(), out);
        writeBooking(e.booking(), out);
        out.writeLong(e.causeTimeMs());
    }

    private static EffectiveSlot readEffective(DataInputStream in) throws IOException {
        return new EffectiveSlot(readSlot(in), readBooking(in), in.readLong());
    }

    private static void writeSlot(FhirSlot slot, DataOutputStream out) throws IOException {
        byte[] bytes = SLOT.toBytes(slot);
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static FhirSlot readSlot(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : SLOT.fromBytes(in.readNBytes(length));
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

    private static void writeString(String s, DataOutputStream out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeLong(Long v, DataOutputStream out) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeLong(v);
        }
    }

    private static Long readLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }

    private interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        Serializer<T> serializer = (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(FORMAT);
                writer.write(value, out);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode state " + value.getClass().getSimpleName(), e);
            }
        };
        Deserializer<T> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte format = in.readByte();
                if (format != FORMAT) {
                    throw new SerializationException("unknown state format " + format + " (expected " + FORMAT + ")");
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode state", e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
