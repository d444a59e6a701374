package io.slotstream.availability.booking;

import io.slotstream.avro.SlotStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision point's store formats: the current one round-trips, formats 1 and 2 (earlier releases' state) are still read. */
class LedgerCodecTest {

    @Test
    void format2RoundTripsTheSourceChangeTimeAndTheClaimTime() {
        SlotFact fact = new SlotFact("src.s1", "src.sched-1", SlotStatus.BUSY, 1_000, 2_000, 1_500);
        SlotLedger ledger = new SlotLedger(fact, null, 0, "appt-1");
        AppointmentLedger appointment = new AppointmentLedger("appt-1", "src.sched-1", AppointmentLedger.Status.BOOKED,
                List.of("src.s1"), "Patient/p", 0, 900);

        assertThat(roundTrip(LedgerCodec.slotFactSerde(), fact)).isEqualTo(fact);
        assertThat(roundTrip(LedgerCodec.slotLedgerSerde(), ledger)).isEqualTo(ledger);
        assertThat(roundTrip(LedgerCodec.appointmentSerde(), appointment)).isEqualTo(appointment);
    }

    @Test
    void format3RoundTripsTheUpstreamPendingMarkAndReadsFormat2WithoutIt() throws IOException {
        AppointmentLedger forwarded = new AppointmentLedger("appt-1", "src.sched-1", AppointmentLedger.Status.HELD,
                List.of("src.s1"), null, 5_000, 900, true);
        assertThat(roundTrip(LedgerCodec.appointmentSerde(), forwarded)).isEqualTo(forwarded);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writeAppointmentPrefix(2, AppointmentLedger.Status.HELD, 5_000, out); // format 2: no upstreamPending
        out.writeLong(900);
        assertThat(LedgerCodec.appointmentSerde().deserializer().deserialize("t", bytes.toByteArray()))
                .isEqualTo(new AppointmentLedger("appt-1", "src.sched-1", AppointmentLedger.Status.HELD,
                        List.of("src.s1"), null, 5_000, 900, false));
    }

    @Test
    void format1ValuesAreReadWithUnknownTimes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writeAppointmentPrefix(1, AppointmentLedger.Status.BOOKED, 0, out); // format 1: no claimedAtMs
        AppointmentLedger read = LedgerCodec.appointmentSerde().deserializer().deserialize("t", bytes.toByteArray());
        assertThat(read).isEqualTo(new AppointmentLedger("appt-1", "src.sched-1", AppointmentLedger.Status.BOOKED,
                List.of("src.s1"), null, 0, 0));

        bytes.reset();
        out.writeByte(1); // format 1 slot fact: no sourceChangedMs
        out.writeUTF("src.s1");
        out.writeUTF("src.sched-1");
        out.writeByte(SlotStatus.FREE.ordinal());
        out.writeLong(1_000);
        out.writeLong(2_000);
        assertThat(LedgerCodec.slotFactSerde().deserializer().deserialize("t", bytes.toByteArray()))
                .isEqualTo(new SlotFact("src.s1", "src.sched-1", SlotStatus.FREE, 1_000, 2_000, 0));
    }

    /** The fields every format of an appointment ledger starts with: appt-1 of src.sched-1 on src.s1, no patient. */
    private static void writeAppointmentPrefix(int format, AppointmentLedger.Status status, long holdExpiresAtMs,
                                               DataOutputStream out) throws IOException {
        out.writeByte(format);
        out.writeUTF("appt-1");
        out.writeUTF("src.sched-1");
        out.writeByte(status.ordinal());
        out.writeInt(1);
        out.writeUTF("src.s1");
        out.writeBoolean(false);
        out.writeLong(holdExpiresAtMs);
    }

    private static <T> T roundTrip(org.apache.kafka.common.serialization.Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }
}
