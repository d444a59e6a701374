package io.slotstream.availability.booking;

import java.util.List;

/**
 * The decision point's state of one appointment (store {@link BookingStores#APPOINTMENTS}): which slots it holds or
 * booked, so that release, cancel and reschedule need only the appointment id.
 *
 * @param appointmentId   the Appointment id
 * @param scheduleId      the Schedule of its slots
 * @param status          where it stands
 * @param slotIds         its slots, in request order
 * @param patient         patient reference, or null
 * @param holdExpiresAtMs hold expiry, UTC epoch ms (only meaningful while HELD)
 * @param claimedAtMs     when its slots became Slotstream's, UTC epoch ms: the decision that placed its hold, kept when
 *                        that hold is booked; the decision that booked it directly otherwise. The EHR can only have
 *                        learnt of the appointment after this (see the echo rule of {@link BookingDecisionProcessor})
 * @param upstreamPending while HELD: booking-bridge is sending the appointment to the source's upstream EHR and its
 *                        answer is pending (a HOLD with {@code upstreamPending}), so the EHR's busy echo keeps the hold
 */
public record AppointmentLedger(String appointmentId, String scheduleId, Status status, List<String> slotIds,
                                String patient, long holdExpiresAtMs, long claimedAtMs, boolean upstreamPending) {

    /** Life cycle as the decision point sees it. */
    public enum Status { HELD, BOOKED, RELEASED, EXPIRED, CANCELLED }

    public AppointmentLedger {
        slotIds = List.copyOf(slotIds);
    }

    /** An appointment whose EHR answer is not pending (every one but a forwarded hold). */
    public AppointmentLedger(String appointmentId, String scheduleId, Status status, List<String> slotIds,
                             String patient, long holdExpiresAtMs, long claimedAtMs) {
        this(appointmentId, scheduleId, status, slotIds, patient, holdExpiresAtMs, claimedAtMs, false);
    }

    AppointmentLedger with(Status next) {
        return new AppointmentLedger(appointmentId, scheduleId, next, slotIds, patient, holdExpiresAtMs, claimedAtMs,
                upstreamPending);
    }

    /** @return this hold, marked as sent to the upstream EHR with the answer pending */
    AppointmentLedger forwardedUpstream() {
        return new AppointmentLedger(appointmentId, scheduleId, status, slotIds, patient, holdExpiresAtMs, claimedAtMs,
                true);
    }
}
