package io.slotstream.availability.booking;

import io.slotstream.avro.BookingRequest;

/** One record for the decision point: a slot fact (source change) or a booking request, both keyed by Schedule id. */
sealed interface BookingInput {

    record Fact(SlotFact fact) implements BookingInput {
    }

    record Request(BookingRequest request) implements BookingInput {
    }
}
