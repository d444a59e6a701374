package io.slotstream.bench.freshness;

import io.slotstream.bench.generator.GeneratedSlot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which changes a {@code _since} client may rightly never see: those that only undo changes it was never shown. */
class ProbeTest {

    private static final GeneratedSlot FREE = slot("free");
    private static final GeneratedSlot BUSY = slot("busy");

    @Test
    void aCancellationOfABookingNoPollShowedUndoesIt() {
        Probe booking = probe(BUSY, "free", null);
        Probe cancellation = probe(FREE, "busy", booking);
        assertThat(cancellation.undoesUnpublishedChanges()).isTrue();
    }

    @Test
    void aCancellationOfABookingAPollShowedIsAChangeOfThePublication() {
        Probe booking = probe(BUSY, "free", null);
        booking.seen(Probe.Where.SINCE, 1);
        Probe cancellation = probe(FREE, "busy", booking);
        assertThat(cancellation.undoesUnpublishedChanges()).isFalse();
    }

    @Test
    void theNetResultOfAChainOfUnshownChangesDecides() {
        Probe booking = probe(BUSY, "free", null);
        Probe cancellation = probe(FREE, "busy", booking);
        Probe rebooking = probe(BUSY, "free", cancellation);
        // free -> busy -> free -> busy, none shown: the publication went from free to busy, which it must list
        assertThat(rebooking.undoesUnpublishedChanges()).isFalse();
        Probe recancellation = probe(FREE, "busy", rebooking);
        assertThat(recancellation.undoesUnpublishedChanges()).isTrue();
    }

    @Test
    void aFirstChangeOrOneOfUnknownKindUndoesNothing() {
        assertThat(probe(BUSY, "free", null).undoesUnpublishedChanges()).isFalse();
        Probe unknown = probe(BUSY, null, null);
        assertThat(probe(FREE, "busy", unknown).undoesUnpublishedChanges()).isFalse();
    }

    private static Probe probe(GeneratedSlot slot, String statusBefore, Probe previous) {
        return new Probe("src.sch-1-20270108-1400", "src.sch-1", slot, false, 0, statusBefore, previous);
    }

    private static GeneratedSlot slot(String status) {
        return new GeneratedSlot("sch-1-20270108-1400", "sch-1", status, "2027-01-08T14:00:00-06:00",
                "2027-01-08T14:20:00-06:00", null, null, null);
    }
}
