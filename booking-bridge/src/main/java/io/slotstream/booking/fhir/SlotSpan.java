package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;

import java.time.Instant;
import java.util.List;

/**
 * The slots of one Appointment as availability-service's Slot read gives them: their Schedule and the period they
 * cover, which is the Appointment's {@code start}/{@code end} (ITI-117 {@code ihe-sched-appt}: start and end 1..1).
 *
 * @param scheduleId the canonical id of the Schedule every slot belongs to
 * @param start      the earliest {@code Slot.start} (an instant; UTC in Slotstream's records)
 * @param end        the latest {@code Slot.end}
 */
public record SlotSpan(String scheduleId, Instant start, Instant end) {

    /**
     * @param slots at least one Slot, each with {@code schedule}, {@code start} and {@code end} (1..1 in FHIR R4)
     * @throws UnprocessableEntityException 422 when the slots are on different Schedules: one Appointment is decided
     *                                      by its Schedule's owner as a whole
     */
    public static SlotSpan of(List<Slot> slots) {
        String schedule = null;
        Instant start = null;
        Instant end = null;
        for (Slot slot : slots) {
            String s = new Reference(slot.getSchedule().getReference()).getReferenceElement().getIdPart();
            if (schedule != null && !schedule.equals(s)) {
                throw new UnprocessableEntityException("all slots of one appointment must belong to one Schedule (Slot/"
                        + slot.getIdElement().getIdPart() + " is on Schedule/" + s + ", not Schedule/" + schedule + ")");
            }
            schedule = s;
            Instant slotStart = slot.getStart() == null ? null : slot.getStart().toInstant();
            Instant slotEnd = slot.getEnd() == null ? null : slot.getEnd().toInstant();
            start = start == null || slotStart != null && slotStart.isBefore(start) ? slotStart : start;
            end = end == null || slotEnd != null && slotEnd.isAfter(end) ? slotEnd : end;
        }
        return new SlotSpan(schedule, start, end);
    }
}
