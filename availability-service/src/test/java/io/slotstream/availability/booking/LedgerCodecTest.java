package io.slotstream.availability.booking;

import io.slotstream.avro.SlotStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision point's store formats: format 2 round-trips, format 1 (an earlier release's state) is still read. */
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
    void format1ValuesAreReadWithUnknownTimes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1); // format 1 appointment ledger: no claimedAtMs
        out.writeUTF("appt-1");
        out.writeUTF("src.sched-1");
        out.writeByte(AppointmentLedger.Status.BOOKED.ordinal());
        out.writeInt(1);
        out.writeUTF("src.s1");
        out.writeBoolean(false); // no patient
        out.writeLong(0);
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

    private static <T> T roundTrip(org.apache.kafka.common.serialization.Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }
}
