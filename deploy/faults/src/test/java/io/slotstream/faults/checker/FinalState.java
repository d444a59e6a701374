package io.slotstream.faults.checker;

import java.util.List;
import java.util.Map;

/**
 * What the system ends with, read from its outside: {@code slot.availability.v1} folded to its last value per key,
 * the availability view's search listing, the {@code $bulk-publish} publication, the Appointments of
 * {@code appointment.v1} and the dead-letter topic.
 *
 * @param topic        slot id to its last non-tombstone value on {@code slot.availability.v1}
 * @param view         the availability-service search listing
 * @param publication  the Slot lines of the publication
 * @param appointments Appointment id to its last value on {@code appointment.v1}
 * @param deadLetters  canonical id of the resource each dead-letter record of the checked source names
 */
public record FinalState(Map<String, SlotState> topic, Listing view, Listing publication,
                         Map<String, AppointmentState> appointments, List<String> deadLetters) {

    public FinalState {
        topic = Map.copyOf(topic);
        appointments = Map.copyOf(appointments);
        deadLetters = List.copyOf(deadLetters);
    }

    /**
     * One slot as a reader sees it.
     *
     * @param version       the source version it shows (the load writes it into {@code Slot.comment} as {@code v<N>})
     * @param status        the effective status, a FHIR code ({@code free}, {@code busy}, ...)
     * @param appointmentId the Appointment that booked it, when the reader shows one; else null
     */
    public record SlotState(long version, String status, String appointmentId) {
    }

    /**
     * A listing of slots (a search result or a publication): each id once, plus every id listed more than once.
     *
     * @param repeated ids that were listed more than once (each repeat once)
     */
    public record Listing(Map<String, SlotState> slots, List<String> repeated) {
        public Listing {
            slots = Map.copyOf(slots);
            repeated = List.copyOf(repeated);
        }
    }

    /**
     * An Appointment of {@code appointment.v1}.
     *
     * @param status FHIR code ({@code booked}, {@code cancelled})
     * @param slots  canonical Slot ids
     */
    public record AppointmentState(String status, List<String> slots) {
        public AppointmentState {
            slots = List.copyOf(slots);
        }
    }
}
