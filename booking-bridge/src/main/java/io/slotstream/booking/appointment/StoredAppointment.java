package io.slotstream.booking.appointment;

import io.slotstream.booking.command.Referral;

import java.time.Instant;
import java.util.List;

/**
 * One Appointment as booking.events.v1 decided it (ITI-118 view). Immutable; {@link AppointmentView} replaces it.
 *
 * @param id              Appointment id
 * @param status          FHIR Appointment.status: pending (held), booked, cancelled
 * @param statusReason    why it ended or is flagged (a decision reason code: hold-expired, source-busy, ...), or null
 * @param conflict        whether the source contradicted the booking (CONFLICT event)
 * @param scheduleId      canonical Schedule id of its slots
 * @param slotIds         its slots
 * @param start           Appointment.start (UTC), or null when unknown
 * @param end             Appointment.end (UTC), or null
 * @param patient         patient reference, or null
 * @param patientResource the patient's reduced details as FHIR R4 Patient JSON when the source does not know the
 *                        patient (io.slotstream.booking.fhir.PatientDetails), or null
 * @param participants    other participants' references
 * @param comment         ITI-117 comment
 * @param referral        deep-link source, booking-referral, state, returnUrl; never null
 * @param holdExpiresAt   hold expiry while pending, or null
 * @param lastUpdated     time of the newest applied decision (UTC)
 */
public record StoredAppointment(String id, String status, String statusReason, boolean conflict, String scheduleId,
                                List<String> slotIds, Instant start, Instant end, String patient, String patientResource,
                                List<String> participants, String comment, Referral referral, Instant holdExpiresAt, Instant lastUpdated) {

    public StoredAppointment {
        slotIds = slotIds == null ? List.of() : List.copyOf(slotIds);
        participants = participants == null ? List.of() : List.copyOf(participants);
        referral = referral == null ? Referral.NONE : referral;
    }
}
