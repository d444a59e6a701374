package io.slotstream.booking.command;

import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.BookingBridgeProperties;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Turns booking calls into booking.requests.v1 requests and hands back the future of their outcome. booking-bridge
 * never decides: availability-service's decision point does, and {@link Outcomes} delivers its answer.
 */
@Service
public class BookingService {

    /** Client request ids (X-Request-Id): 1-128 of letters, digits, '-', '.', '_', ':'. */
    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9\\-._:]{1,128}");

    /** A submitted request. */
    public record Submission(String requestId, CompletableFuture<Outcome> outcome) {
    }

    /** What to ask for. Slot ids may be empty for BOOK of a held appointment, RELEASE and CANCEL. */
    public record Command(BookingRequestType type, String scheduleId, String appointmentId, List<String> slotIds,
                          String replacesAppointmentId, String patient, String patientResource,
                          List<String> participants, String comment,
                          Referral referral) {
    }

    private final RequestPublisher publisher;
    private final Outcomes outcomes;
    private final BookingBridgeProperties properties;
    private final Clock clock;

    public BookingService(RequestPublisher publisher, Outcomes outcomes, BookingBridgeProperties properties) {
        this.publisher = publisher;
        this.outcomes = outcomes;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    /** @return a new request id (a random UUID) */
    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    /** @return a new Appointment id (a random UUID, a valid FHIR id) */
    public static String newAppointmentId() {
        return UUID.randomUUID().toString();
    }

    /**
     * Registers for the outcome, then writes the request (unless this instance already knows the outcome of that
     * request id: a retry needs no second write; the decision point would answer it the same way anyway).
     *
     * @throws IllegalStateException when Kafka does not take the request
     */
    public Submission submit(String requestId, Command command) {
        return submit(request(requestId, command));
    }

    /**
     * {@link #submit(String, Command)} of a request built earlier ({@link #request}), e.g. one kept until an upstream
     * EHR accepted the change.
     *
     * @throws IllegalStateException when Kafka does not take the request
     */
    public Submission submit(BookingRequest request) {
        CompletableFuture<Outcome> future = outcomes.expect(request.getRequestId());
        if (!future.isDone()) {
            publisher.send(request);
        }
        return new Submission(request.getRequestId(), future);
    }

    /** @return the booking.requests.v1 record of a command, stamped now (a HOLD lapses after {@code hold-duration}) */
    public BookingRequest request(String requestId, Command command) {
        Instant now = clock.instant();
        return BookingRequest.newBuilder()
                .setRequestId(requestId)
                .setType(command.type())
                .setScheduleId(command.scheduleId())
                .setAppointmentId(command.appointmentId())
                .setSlotIds(command.slotIds())
                .setHoldExpiresAt(command.type() == BookingRequestType.HOLD ? now.plus(properties.holdDuration()) : null)
                .setReplacesAppointmentId(command.replacesAppointmentId())
                .setPatientReference(command.patient())
                .setPatientResource(command.patientResource())
                .setParticipants(command.participants())
                .setComment(command.comment())
                .setBookingSource(command.referral().source())
                .setBookingReferral(command.referral().bookingReferral())
                .setBookingState(command.referral().state())
                .setReturnUrl(command.referral().returnUrl())
                .setRequestTime(now)
                .setRequester(properties.requester())
                .build();
    }
}
