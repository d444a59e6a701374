package io.slotstream.booking.command;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decision on one booking request, as booking.events.v1 reported it.
 *
 * @param event the event that decides the request (for a reschedule: the BOOKED or REJECTED one)
 */
public record Outcome(BookingEvent event) {

    /** Reason code of a booking, cancel or modify the source's upstream EHR refused (issue 11 deliverable 4a). */
    public static final String UPSTREAM_REFUSED = "upstream-refused";
    /** Reason code of a booking the upstream EHR never answered while the hold lasted. */
    public static final String UPSTREAM_NO_ANSWER = "upstream-no-answer";

    private static final Pattern UPSTREAM_RELEASE = Pattern.compile("(.+):(" + UPSTREAM_REFUSED + "|"
            + UPSTREAM_NO_ANSWER + ")");

    /**
     * @return the request id of the RELEASE that records why the upstream EHR did not take the change of call
     * {@code requestId}: for a booking it ends the hold (the EHR refused it or never answered); for a cancel or modify
     * (refused) the booked Appointment has no hold and the decision point rejects it, changing nothing. Either way the
     * release's decision, which every instance reads, answers that call ({@link #answeredByRelease}) with
     * {@code reason} and the release's comment as the text
     */
    public static String upstreamReleaseId(String requestId, String reason) {
        return requestId + ":" + reason;
    }

    /**
     * @return the REJECTED outcome of the call a {@link #upstreamReleaseId} release answers, if {@code event} is one.
     * Its request type is BOOK when the release ended a hold (only a booking's release does); when the release was
     * rejected (a booking whose hold had ended, or a cancel or modify) the decision does not say which: null
     */
    static Optional<Outcome> answeredByRelease(BookingEvent event) {
        // released, or rejected because there was no hold (any more): either way the call is refused for that reason
        if (event.getRequestType() != BookingRequestType.RELEASE || event.getRequestId() == null
                || event.getType() != BookingEventType.HOLD_RELEASED && event.getType() != BookingEventType.REJECTED) {
            return Optional.empty();
        }
        Matcher m = UPSTREAM_RELEASE.matcher(event.getRequestId());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Outcome(BookingEvent.newBuilder(event).setType(BookingEventType.REJECTED)
                .setRequestId(m.group(1))
                .setRequestType(event.getType() == BookingEventType.HOLD_RELEASED ? BookingRequestType.BOOK : null)
                .setReason(m.group(2))
                .setReasonText(event.getComment()).build()));
    }

    /** @return whether the request was accepted */
    public boolean accepted() {
        return event.getType() != BookingEventType.REJECTED;
    }

    /** @return the Appointment id the decision is about */
    public String appointmentId() {
        return event.getAppointmentId();
    }

    /** @return the rejection reason code, or null */
    public String reason() {
        return event.getReason();
    }

    /** @return the rejection reason text, or null */
    public String reasonText() {
        return event.getReasonText();
    }

    /** @return whether this event decides its request (a reschedule's CANCELLED events only accompany the decision) */
    static boolean decides(BookingEvent event) {
        return event.getRequestId() != null && !(event.getRequestType() == BookingRequestType.RESCHEDULE
                && event.getType() == BookingEventType.CANCELLED);
    }
}
