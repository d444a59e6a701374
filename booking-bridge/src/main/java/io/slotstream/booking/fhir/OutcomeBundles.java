package io.slotstream.booking.fhir;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.Referral;
import io.slotstream.booking.command.Outcome;
import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Set;

/**
 * Builds the {@code ihe-sched-avail-bundle} answers of {@code $hold}/{@code $book} from a decision: accepted = the one
 * Appointment (pending, booked or cancelled); rejected = only an OperationOutcome (ITI-116 §2:3.116.4.2.3, ITI-117
 * §2:3.117.4.2.2), HTTP 200 either way (team decision, scheduling-operations.md §7.3: the Bundle carries the result).
 * Hold rejections use {@code not-found} (ITI-116); booking rejections of an unavailable slot {@code conflict}; provider
 * rules {@code business-rule}.
 */
@Component
public class OutcomeBundles {

    private static final Set<String> RULES = Set.of("min-notice", "beyond-horizon", "patient-has-booking",
            "hold-expiry-invalid");
    private static final Set<String> MISSING = Set.of("not-held", "not-booked", "slot-unknown", "no-slots");

    private final AppointmentView view;
    private final AppointmentRenderer renderer;

    public OutcomeBundles(AppointmentView view, AppointmentRenderer renderer) {
        this.view = view;
        this.renderer = renderer;
    }

    /** @return the answer Bundle for a decided request */
    public Bundle render(Outcome outcome) {
        BookingEvent e = outcome.event();
        if (!outcome.accepted()) {
            return searchset(List.of(), rejected(issueType(e), e.getReason(), e.getReasonText()));
        }
        StoredAppointment stored = view.get(outcome.appointmentId()).orElseGet(() -> fromEvent(e));
        return searchset(List.of(renderer.stored(stored)), null);
    }

    /**
     * @return the outcome of a rejected booking decision: severity fatal (ITI-116/117: only an OperationOutcome),
     * the decision point's reason code in details
     */
    static OperationOutcome rejected(OperationOutcome.IssueType code, String reasonCode, String reasonText) {
        OperationOutcome outcome = OperationOutcomes.of(OperationOutcome.IssueSeverity.FATAL, code, reasonText,
                "Appointment.slot");
        OperationOutcomes.reason(outcome.getIssueFirstRep(), SchedulingFhir.REASON_SYSTEM, reasonCode, reasonText);
        return outcome;
    }

    /** @return a searchset Bundle with total = number of Appointments, and the OperationOutcome (if any) last */
    public static Bundle searchset(List<? extends Resource> appointments, OperationOutcome outcome) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(appointments.size());
        bundle.getMeta().addProfile(SchedulingFhir.BUNDLE_PROFILE);
        for (Resource a : appointments) {
            bundle.addEntry().setFullUrl("Appointment/" + a.getIdElement().getIdPart()).setResource(a)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        if (outcome != null) {
            bundle.addEntry().setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return bundle;
    }

    private static OperationOutcome.IssueType issueType(BookingEvent e) {
        if (RULES.contains(e.getReason())) {
            return OperationOutcome.IssueType.BUSINESSRULE;
        }
        if (e.getRequestType() == BookingRequestType.HOLD || MISSING.contains(e.getReason())) {
            return OperationOutcome.IssueType.NOTFOUND;
        }
        return OperationOutcome.IssueType.CONFLICT;
    }

    private static StoredAppointment fromEvent(BookingEvent e) {
        String status = switch (e.getType()) {
            case HOLD_PLACED -> "pending";
            case BOOKED -> "booked";
            default -> "cancelled";
        };
        return new StoredAppointment(e.getAppointmentId(), status, e.getReason(), false, e.getScheduleId(),
                e.getSlotIds(), e.getAppointmentStart(), e.getAppointmentEnd(), e.getPatientReference(), e.getPatientResource(),
                e.getParticipants(), e.getComment(), Referral.of(e), e.getHoldExpiresAt(),
                e.getEventTime());
    }
}
