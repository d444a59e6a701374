package io.slotstream.bench.soak;

import io.slotstream.bench.booking.BookingClient;
import io.slotstream.bench.http.HttpCall;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's booking flows: each {@link #once()} {@code $book}s the next Slot of the pool (ITI-117 with an
 * {@code appointment-resource}) and cancels the booking again, so the pool never runs dry. A refusal (the change
 * stream made the Slot busy, or it is not yet known) is counted, not an error; a failed call is.
 */
final class BookingLoad {

    final AtomicLong booked = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private final BookingClient client;
    private final List<String> pool;
    private int next;

    BookingLoad(BookingClient client, List<String> pool) {
        this.client = client;
        this.pool = pool;
    }

    void once() {
        String slot = pool.get(next++ % pool.size());
        HttpCall.Response r = client.bookSlot(slot);
        if (client.isAppointment(r, "booked", "$book of Slot/" + slot)) {
            booked.incrementAndGet();
            client.cancel(client.appointmentId(r));
        } else {
            refused.incrementAndGet();
        }
    }
}
