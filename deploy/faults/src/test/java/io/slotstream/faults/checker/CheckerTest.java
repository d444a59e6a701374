package io.slotstream.faults.checker;

import io.slotstream.faults.checker.FinalState.AppointmentState;
import io.slotstream.faults.checker.FinalState.Listing;
import io.slotstream.faults.checker.FinalState.SlotState;
import io.slotstream.faults.checker.History.Booking;
import io.slotstream.faults.checker.History.BookingAction;
import io.slotstream.faults.checker.History.Outcome;
import io.slotstream.faults.checker.History.Write;
import io.slotstream.faults.checker.History.WriteKind;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-built histories, each with one anomaly (or a legal ambiguity), so every report category can fail. */
class CheckerTest {

    private final Checker checker = new Checker();
    private long clock;

    @Test
    void aConsistentHistoryIsClean() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        put(history, "s.1", 2, Outcome.OK);
        put(history, "s.2", 1, Outcome.OK);
        delete(history, "s.2", 1, Outcome.OK);
        book(history, "s.1", "a1", Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(2, "busy", "a1")),
                Map.of("a1", new AppointmentState("booked", List.of("s.1")))));
        assertThat(report.isClean()).as(report.toString()).isTrue();
        assertThat(report.figures()).isEqualTo("writes=4 bookings=1 lost=0 duplicated=0 resurrected=0 divergent=0 doubleBookings=0 deadLetters=0");
    }

    @Test
    void anAcknowledgedPutMissingOrOlderIsLost() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        put(history, "s.1", 2, Outcome.OK);
        put(history, "s.2", 1, Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(1, "free", null)), Map.of()));
        assertThat(report.lost()).hasSize(2).anySatisfy(l -> assertThat(l).startsWith("s.1: acknowledged PUT v2, topic holds v1"))
                .anySatisfy(l -> assertThat(l).startsWith("s.2: acknowledged PUT v1, topic holds nothing"));
        assertThat(report.isClean()).isFalse();
    }

    @Test
    void aWriteWithoutAnswerMayOrMayNotHaveHappened() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        put(history, "s.1", 2, Outcome.UNKNOWN);
        delete(history, "s.2", 0, Outcome.UNKNOWN);
        put(history, "s.3", 1, Outcome.OK);
        put(history, "s.3", 2, Outcome.FAILED);
        FinalState applied = everywhere(Map.of("s.1", new SlotState(2, "free", null), "s.3", new SlotState(1, "free", null)), Map.of());
        FinalState notApplied = everywhere(Map.of("s.1", new SlotState(1, "free", null), "s.3", new SlotState(1, "free", null)), Map.of());
        assertThat(checker.check(history, applied).isClean()).isTrue();
        assertThat(checker.check(history, notApplied).isClean()).isTrue();
        // a refused write that took effect anyway is something no answer explains
        FinalState refusedApplied = everywhere(Map.of("s.1", new SlotState(1, "free", null), "s.3", new SlotState(2, "free", null)), Map.of());
        assertThat(checker.check(history, refusedApplied).divergent()).singleElement().asString().contains("s.3").contains("no write explains");
    }

    @Test
    void aResourceBackAfterAnAcknowledgedDeleteIsResurrected() {
        History history = new History();
        put(history, "s.1", 3, Outcome.OK);
        delete(history, "s.1", 3, Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(3, "free", null)), Map.of()));
        assertThat(report.resurrected()).singleElement().asString().isEqualTo("s.1: acknowledged DELETE v3, topic holds v3");
        assertThat(report.lost()).isEmpty();
    }

    @Test
    void readersThatDisagreeAreDivergent() {
        History history = new History();
        put(history, "s.1", 2, Outcome.OK);
        put(history, "s.2", 1, Outcome.OK);
        Map<String, SlotState> topic = Map.of("s.1", new SlotState(2, "free", null), "s.2", new SlotState(1, "free", null));
        Map<String, SlotState> view = Map.of("s.1", new SlotState(2, "busy", null), "s.2", new SlotState(1, "free", null));
        Map<String, SlotState> published = Map.of("s.1", new SlotState(2, "free", null));
        Report report = checker.check(history, new FinalState(topic, new Listing(view, List.of()), new Listing(published, List.of()),
                Map.of(), List.of()));
        assertThat(report.divergent()).containsExactly(
                "s.1: topic v2 free, view v2 busy, publication v2 free",
                "s.2: topic v1 free, view v1 free, publication absent");
        assertThat(report.lost()).isEmpty();
    }

    @Test
    void anIdListedTwiceIsDuplicated() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        Map<String, SlotState> topic = Map.of("s.1", new SlotState(1, "free", null));
        Report report = checker.check(history, new FinalState(topic, new Listing(topic, List.of("s.1")),
                new Listing(topic, List.of("s.1")), Map.of(), List.of()));
        assertThat(report.duplicated()).containsExactly("s.1 listed more than once by the view search",
                "s.1 listed more than once in the publication");
    }

    @Test
    void twoAcceptedBookingsOfOneSlotAreADoubleBooking() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        book(history, "s.1", "a1", Outcome.OK);
        book(history, "s.1", "a2", Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(1, "busy", "a2")),
                Map.of("a1", new AppointmentState("booked", List.of("s.1")), "a2", new AppointmentState("booked", List.of("s.1")))));
        assertThat(report.doubleBookings()).singleElement().asString().startsWith("s.1: clients were told Appointment/a1 and Appointment/a2");
    }

    @Test
    void aBookingAfterACancelIsNoDoubleBookingButTheTopicAloneCanShowOne() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        book(history, "s.1", "a1", Outcome.OK);
        cancel(history, "a1", Outcome.OK);
        book(history, "s.1", "a2", Outcome.OK);
        Map<String, AppointmentState> consistent = Map.of("a1", new AppointmentState("cancelled", List.of("s.1")),
                "a2", new AppointmentState("booked", List.of("s.1")));
        assertThat(checker.check(history, everywhere(Map.of("s.1", new SlotState(1, "busy", "a2")), consistent)).isClean()).isTrue();

        History told = new History();
        put(told, "s.1", 1, Outcome.OK);
        book(told, "s.1", "a2", Outcome.OK);
        Report report = checker.check(told, everywhere(Map.of("s.1", new SlotState(1, "busy", "a2")),
                Map.of("a1", new AppointmentState("booked", List.of("s.1")), "a2", new AppointmentState("booked", List.of("s.1")))));
        assertThat(report.doubleBookings()).singleElement().asString().startsWith("s.1: appointment.v1 holds 2 booked Appointments");
    }

    @Test
    void anAcceptedBookingMissingIsLostAndAnAcceptedCancelBookedAgainIsResurrected() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        put(history, "s.2", 1, Outcome.OK);
        book(history, "s.1", "a1", Outcome.OK);
        book(history, "s.2", "a2", Outcome.OK);
        cancel(history, "a2", Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(1, "free", null), "s.2", new SlotState(1, "busy", "a2")),
                Map.of("a2", new AppointmentState("booked", List.of("s.2")))));
        assertThat(report.lost()).singleElement().asString().startsWith("Appointment/a1: booking of [s.1] accepted, appointment.v1 shows nothing");
        assertThat(report.resurrected()).singleElement().asString().startsWith("Appointment/a2: cancel accepted");
    }

    @Test
    void aBookedSlotTheTopicShowsFreeIsDivergent() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        book(history, "s.1", "a1", Outcome.OK);
        Report report = checker.check(history, everywhere(Map.of("s.1", new SlotState(1, "free", null)),
                Map.of("a1", new AppointmentState("booked", List.of("s.1")))));
        assertThat(report.divergent()).singleElement().asString()
                .isEqualTo("s.1: Appointment/a1 booked it, slot.availability.v1 shows free with Appointment null");
    }

    @Test
    void anAcknowledgedWriteThatWasDeadLetteredIsLostAndEveryDeadLetterIsCounted() {
        History history = new History();
        put(history, "s.1", 1, Outcome.OK);
        Map<String, SlotState> topic = Map.of("s.1", new SlotState(1, "free", null));
        Report report = checker.check(history, new FinalState(topic, new Listing(topic, List.of()), new Listing(topic, List.of()),
                Map.of(), List.of("s.1", "s.9")));
        assertThat(report.lost()).containsExactly("s.1: acknowledged, and dead-lettered");
        assertThat(report.deadLetters()).isEqualTo(2);
        assertThat(report.isClean()).isFalse();
    }

    /** The same slots in the topic, the view and the publication. */
    private static FinalState everywhere(Map<String, SlotState> slots, Map<String, AppointmentState> appointments) {
        Map<String, SlotState> copy = new HashMap<>(slots);
        return new FinalState(copy, new Listing(copy, List.of()), new Listing(copy, List.of()), appointments, List.of());
    }

    private void put(History history, String resource, long version, Outcome outcome) {
        history.add(new Write(resource, WriteKind.PUT, version, outcome, ++clock, ++clock));
    }

    private void delete(History history, String resource, long version, Outcome outcome) {
        history.add(new Write(resource, WriteKind.DELETE, version, outcome, ++clock, ++clock));
    }

    private void book(History history, String slot, String appointment, Outcome outcome) {
        history.add(new Booking("book-" + appointment, BookingAction.BOOK, appointment, List.of(slot), outcome, ++clock, ++clock));
    }

    private void cancel(History history, String appointment, Outcome outcome) {
        history.add(new Booking("cancel-" + appointment, BookingAction.CANCEL, appointment, List.of(), outcome, ++clock, ++clock));
    }
}
