package io.slotstream.faults.checker;

import java.util.ArrayList;
import java.util.List;

/**
 * What clients were told, in the order the answers arrived (Jepsen-style history): every ingest write and every
 * booking call with its outcome. Thread-safe; load generators append from many threads.
 */
public final class History {

    /** How a call ended, as the client saw it. */
    public enum Outcome {
        /** a 2xx answer that accepted the change (ingest) or the decision (booking) */
        OK,
        /** a definite refusal: nothing was changed (4xx, 503 "nothing was written", a booking rejection Bundle) */
        FAILED,
        /** no definite answer (timeout, connection reset, booking 202 "outcome not yet known"): it may or may not have happened */
        UNKNOWN
    }

    /** An ingest write. */
    public enum WriteKind { PUT, DELETE }

    /**
     * One ingest call on one resource.
     *
     * @param resource canonical resource id (the key of its topic), e.g. {@code faults.slot-7}
     * @param kind     PUT or DELETE
     * @param version  the {@code meta.versionId} the PUT carried (for a DELETE: the version it was meant to delete)
     * @param invoked  when the call was sent, {@link System#nanoTime()}
     * @param completed when its answer arrived (or it was given up), {@link System#nanoTime()}
     */
    public record Write(String resource, WriteKind kind, long version, Outcome outcome, long invoked, long completed) {
    }

    /** A booking call. */
    public enum BookingAction { HOLD, BOOK, CANCEL }

    /**
     * One booking-bridge call.
     *
     * @param requestId     the {@code X-Request-Id} sent
     * @param appointmentId the Appointment the answer named (for a BOOK or CANCEL: the booked / cancelled one); null when none
     * @param slots         canonical Slot ids the call was about
     */
    public record Booking(String requestId, BookingAction action, String appointmentId, List<String> slots, Outcome outcome,
                          long invoked, long completed) {
        public Booking {
            slots = List.copyOf(slots);
        }
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<Booking> bookings = new ArrayList<>();

    public synchronized void add(Write write) {
        writes.add(write);
    }

    public synchronized void add(Booking booking) {
        bookings.add(booking);
    }

    /** Writes in the order they were recorded. */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** Booking calls in the order they were recorded. */
    public synchronized List<Booking> bookings() {
        return List.copyOf(bookings);
    }
}
