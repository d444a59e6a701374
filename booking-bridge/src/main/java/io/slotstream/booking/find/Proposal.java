package io.slotstream.booking.find;

import org.hl7.fhir.r4.model.CodeableConcept;

import java.time.Instant;
import java.util.List;

/**
 * A proposed Appointment of {@code $find} (ITI-115): one free slot with what a client needs to show and hold it.
 *
 * @param id             proposal id (Appointment.id of the proposed Appointment), opaque
 * @param scheduleId     canonical Schedule id of the slots
 * @param slotIds        the slots, in time order
 * @param start          Appointment.start (UTC)
 * @param end            Appointment.end (UTC)
 * @param participants   actor references of the Schedule (when known) and the requested participants
 * @param serviceType    the slot's serviceType
 * @param specialty      the slot's specialty
 * @param requestedStart the {@code $find} window start (Appointment.requestedPeriod)
 * @param requestedEnd   the window end
 */
public record Proposal(String id, String scheduleId, List<String> slotIds, Instant start, Instant end,
                       List<String> participants, List<CodeableConcept> serviceType, List<CodeableConcept> specialty,
                       Instant requestedStart, Instant requestedEnd) {

    public Proposal {
        slotIds = List.copyOf(slotIds);
        participants = List.copyOf(participants);
        serviceType = List.copyOf(serviceType);
        specialty = List.copyOf(specialty);
    }
}
