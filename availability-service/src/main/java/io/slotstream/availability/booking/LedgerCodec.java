package io.slotstream.availability.booking;

import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary serdes of the decision point's internal types (stores and the slot-fact repartition topic): a format byte,
 * then {@link DataOutputStream} fields; nullable strings behind a presence byte. Not a wire format for other services.
 */
final class LedgerCodec {

    private static final byte FORMAT = 1;
    private static final AvroBinarySerde<BookingEvent> EVENT = new AvroBinarySerde<>(BookingEvent.class);

    private LedgerCodec() {
    }

    static Serde<SlotFact> slotFactSerde() {
        return serde(LedgerCodec::writeFact, LedgerCodec::readFact);
    }

    static Serde<SlotLedger> slotLedgerSerde() {
        return serde((l, out) -> {
            out.writeBoolean(l.fact() != null);
            if (l.fact() != null) {
                writeFact(l.fact(), out);
            }
            writeString(l.holdAppointmentId(), out);
            out.writeLong(l.holdExpiresAtMs());
            writeString(l.bookedAppointmentId(), out);
        }, in -> new SlotLedger(in.readBoolean() ? readFact(in) : null, readString(in), in.readLong(), readString(in)));
    }

    static Serde<AppointmentLedger> appointmentSerde() {
        return serde((a, out) -> {
            out.writeUTF(a.appointmentId());
            out.writeUTF(a.scheduleId());
            out.writeByte(a.status().ordinal());
            writeStrings(a.slotIds(), out);
            writeString(a.patient(), out);
            out.writeLong(a.holdExpiresAtMs());
        }, in -> new AppointmentLedger(in.readUTF(), in.readUTF(), AppointmentLedger.Status.values()[in.readByte()],
                readStrings(in), readString(in), in.readLong()));
    }

    static Serde<List<BookingEvent>> eventsSerde() {
        return serde((events, out) -> {
            out.writeInt(events.size());
            for (BookingEvent e : events) {
                byte[] bytes = EVENT.toBytes(e);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }, in -> {
            int n = in.readInt();
            List<BookingEvent> events = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                events.add(EVENT.fromBytes(in.readNBytes(in.readInt())));
            }
            return events;
        });
    }

    private static void writeFact(SlotFact f, DataOutputStream out) throws IOException {
        out.writeUTF(f.slotId());
        out.writeUTF(f.scheduleId());
        out.writeByte(f.status() == null ? -1 : f.status().ordinal());
        out.writeLong(f.startMs());
        out.writeLong(f.endMs());
    }

    private static SlotFact readFact(DataInputStream in) throws IOException {
        String slotId = in.readUTF();
        String scheduleId = in.readUTF();
        byte status = in.readByte();
        return new SlotFact(slotId, scheduleId, status < 0 ? null : SlotStatus.values()[status], in.readLong(),
                in.readLong());
    }

    private static void writeStrings(List<String> values, DataOutputStream out) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readUTF());
        }
        return values;
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

    private interface Writer<T> {
        void write(T value, DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeByte(FORMAT);
                writer.write(value, out);
                out.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new SerializationException("cannot encode booking state " + value.getClass().getSimpleName(), e);
            }
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
                byte format = in.readByte();
                if (format != FORMAT) {
                    throw new SerializationException("unknown booking state format " + format);
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException("cannot decode booking state", e);
            }
        });
    }
}
