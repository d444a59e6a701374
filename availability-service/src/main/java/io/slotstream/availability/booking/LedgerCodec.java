package io.slotstream.availability.booking;

import io.slotstream.availability.store.DataCodec;
import io.slotstream.availability.store.DataCodec.Reader;
import io.slotstream.availability.store.DataCodec.Writer;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.common.serialization.Serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.slotstream.availability.store.DataCodec.readList;
import static io.slotstream.availability.store.DataCodec.readString;
import static io.slotstream.availability.store.DataCodec.writeList;
import static io.slotstream.availability.store.DataCodec.writeString;

/**
 * Binary serdes of the decision point's internal types (stores and the slot-fact repartition topic): a format byte,
 * then {@link DataOutputStream} fields; nullable strings behind a presence byte. Not a wire format for other services.
 * Format 2 added {@link SlotFact#sourceChangedMs} and {@link AppointmentLedger#claimedAtMs}; format 1 values (an
 * earlier release's stores, changelogs and repartition records) are still read, with 0 for both. Format 3 (appointment
 * ledgers only) added {@link AppointmentLedger#upstreamPending}; formats 1 and 2 are read with false.
 */
final class LedgerCodec {

    private static final byte FORMAT = 1;
    private static final byte FORMAT_2 = 2;
    private static final byte FORMAT_3 = 3;
    /** Status byte of a deleted / retired slot fact (real statuses are enum ordinals &ge; 0). */
    private static final byte DELETED = -1;
    private static final byte RETIRED = -2;
    private static final AvroBinarySerde<BookingEvent> EVENT = new AvroBinarySerde<>(BookingEvent.class);

    private LedgerCodec() {
    }

    static Serde<SlotFact> slotFactSerde() {
        return versioned(LedgerCodec::writeFact, in -> readFact(in, false), in -> readFact(in, true));
    }

    static Serde<SlotLedger> slotLedgerSerde() {
        return versioned((l, out) -> {
            out.writeBoolean(l.fact() != null);
            if (l.fact() != null) {
                writeFact(l.fact(), out);
            }
            writeString(l.holdAppointmentId(), out);
            out.writeLong(l.holdExpiresAtMs());
            writeString(l.bookedAppointmentId(), out);
        }, in -> readLedger(in, false), in -> readLedger(in, true));
    }

    static Serde<AppointmentLedger> appointmentSerde() {
        return DataCodec.serde(FORMAT_3, "booking state", "", (a, out) -> {
            out.writeUTF(a.appointmentId());
            out.writeUTF(a.scheduleId());
            out.writeByte(a.status().ordinal());
            writeStrings(a.slotIds(), out);
            writeString(a.patient(), out);
            out.writeLong(a.holdExpiresAtMs());
            out.writeLong(a.claimedAtMs());
            out.writeBoolean(a.upstreamPending());
        }, Map.of(FORMAT, in -> readAppointment(in, 1), FORMAT_2, in -> readAppointment(in, 2),
                FORMAT_3, in -> readAppointment(in, 3)));
    }

    private static SlotLedger readLedger(DataInputStream in, boolean v2) throws IOException {
        return new SlotLedger(in.readBoolean() ? readFact(in, v2) : null, readString(in), in.readLong(), readString(in));
    }

    private static AppointmentLedger readAppointment(DataInputStream in, int format) throws IOException {
        return new AppointmentLedger(in.readUTF(), in.readUTF(), AppointmentLedger.Status.values()[in.readByte()],
                readStrings(in), readString(in), in.readLong(), format >= 2 ? in.readLong() : 0,
                format >= 3 && in.readBoolean());
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
        out.writeByte(f.retired() ? RETIRED : f.status() == null ? DELETED : f.status().ordinal());
        out.writeLong(f.startMs());
        out.writeLong(f.endMs());
        out.writeLong(f.sourceChangedMs());
    }

    private static SlotFact readFact(DataInputStream in, boolean v2) throws IOException {
        String slotId = in.readUTF();
        String scheduleId = in.readUTF();
        byte status = in.readByte();
        return new SlotFact(slotId, scheduleId, status < 0 ? null : SlotStatus.values()[status], in.readLong(),
                in.readLong(), status == RETIRED, v2 ? in.readLong() : 0);
    }

    private static void writeStrings(List<String> values, DataOutputStream out) throws IOException {
        writeList(values, out, (v, o) -> o.writeUTF(v));
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        return readList(in, i -> i.readUTF());
    }

    private static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        return DataCodec.serde(FORMAT, "booking state", "", writer, reader);
    }

    /** Writes format 2; reads format 1 (without the fields format 2 added) and 2. */
    private static <T> Serde<T> versioned(Writer<T> writer, Reader<T> format1, Reader<T> format2) {
        return DataCodec.serde(FORMAT_2, "booking state", "", writer, Map.of(FORMAT, format1, FORMAT_2, format2));
    }
}
