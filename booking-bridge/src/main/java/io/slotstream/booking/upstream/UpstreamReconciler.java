package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Outcome;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.booking.fhir.AppointmentRenderer;
import io.slotstream.edge.tls.ServiceTls;
import jakarta.annotation.PreDestroy;
import org.hl7.fhir.r4.model.Appointment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code $book} for a source with an upstream EHR (issue 11 deliverable 4a): the slots are held by the decision point,
 * the Appointment is forwarded to the EHR ({@link EhrForwarder}, conditional create on its identifier), and only when
 * the EHR accepts is the BOOK request written, so Slotstream confirms exactly what the EHR accepted. A refusal releases
 * the hold (RELEASE, the EHR's reason in the comment) and answers the call with the EHR's reason (reason code
 * {@value #REFUSED}). No answer in time leaves the hold in place and the call pending (202, status URL); the forward is
 * retried every {@code upstream-retry-interval} with the same identifier until the EHR answers or the hold is about to
 * lapse (then the hold is released, reason {@value #NO_ANSWER}).
 */
@Service
public class UpstreamReconciler {

    /** Reason code of an EHR refusal. */
    public static final String REFUSED = "upstream-refused";
    /** Reason code when the EHR never answered while the hold lasted. */
    public static final String NO_ANSWER = "upstream-no-answer";

    private static final Logger log = LoggerFactory.getLogger(UpstreamReconciler.class);

    private final UpstreamProperties properties;
    private final BookingBridgeProperties bridge;
    private final BookingService bookings;
    private final Outcomes outcomes;
    private final AppointmentRenderer renderer;
    private final FhirContext fhir;
    private final ServiceTls tls;
    private final Clock clock = Clock.systemUTC();
    private final Map<URI, EhrForwarder> forwarders = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("upstream-retry").factory());

    public UpstreamReconciler(UpstreamProperties properties, BookingBridgeProperties bridge, BookingService bookings,
                              Outcomes outcomes, AppointmentRenderer renderer, FhirContext fhir, ServiceTls tls) {
        this.tls = tls;
        this.properties = properties;
        this.bridge = bridge;
        this.bookings = bookings;
        this.outcomes = outcomes;
        this.renderer = renderer;
        this.fhir = fhir;
    }

    /** @return whether bookings on this Schedule (canonical id) must be accepted by an upstream EHR first */
    public boolean handles(String scheduleId) {
        return properties.upstreamOf(scheduleId) != null;
    }

    /**
     * Books through the EHR. {@code command} is a BOOK of a held appointment (no slot ids) or of given slots.
     *
     * @param heldSlots the slots of the held appointment when {@code command} books one by reference, else empty
     * @return the outcome of {@code requestId}: BOOKED/REJECTED from the decision point, or REJECTED
     * ({@value #REFUSED}) for an EHR refusal; it stays incomplete while the EHR has not answered
     */
    public CompletableFuture<Outcome> book(String requestId, BookingService.Command command, List<String> heldSlots) {
        CompletableFuture<Outcome> result = outcomes.expect(requestId);
        if (result.isDone()) {
            return result;
        }
        Thread.ofVirtual().name("upstream-book").start(() -> {
            try {
                start(requestId, command, heldSlots);
            } catch (RuntimeException e) {
                log.warn("upstream booking {} failed: {}", requestId, e.toString());
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void start(String requestId, BookingService.Command command, List<String> heldSlots) {
        List<String> slots = heldSlots;
        if (!command.slotIds().isEmpty()) {
            BookingService.Command hold = new BookingService.Command(BookingRequestType.HOLD, command.scheduleId(),
                    command.appointmentId(), command.slotIds(), null, command.patient(), command.patientResource(),
                    command.participants(),
                    command.comment(), command.referral());
            Outcome held = outcomes.await(bookings.submit(requestId + ":hold", hold).outcome(), bridge.outcomeTimeout())
                    .orElse(null);
            if (held == null || !held.accepted()) {
                settle(requestId, held != null ? held.event() : null, command, REFUSED,
                        "the slots could not be held for the EHR's confirmation");
                return;
            }
            slots = command.slotIds();
        }
        Instant giveUpAt = clock.instant().plus(bridge.holdDuration()).minus(properties.upstreamRetryInterval());
        attempt(requestId, command, slots, giveUpAt);
    }

    private void attempt(String requestId, BookingService.Command command, List<String> slots, Instant giveUpAt) {
        URI upstream = properties.upstreamOf(command.scheduleId());
        EhrForwarder forwarder = forwarders.computeIfAbsent(upstream,
                u -> new EhrForwarder(u, properties.upstreamTimeout(), fhir, tls));
        EhrForwarder.Result answer = forwarder.forward(toEhr(command, slots));
        switch (answer) {
            case EhrForwarder.Result.Accepted accepted -> bookings.submit(requestId, new BookingService.Command(
                    BookingRequestType.BOOK, command.scheduleId(), command.appointmentId(), List.of(), null,
                    command.patient(), command.patientResource(), command.participants(), command.comment(),
                    command.referral()));
            case EhrForwarder.Result.Refused(int status, String reason) -> {
                release(requestId, command, "the EHR refused the booking (" + status + "): " + reason);
                settle(requestId, null, command, REFUSED, "the EHR refused the booking: " + reason);
            }
            case EhrForwarder.Result.Pending(String reason) -> {
                if (clock.instant().isAfter(giveUpAt)) {
                    release(requestId, command, "the EHR did not confirm the booking: " + reason);
                    settle(requestId, null, command, NO_ANSWER, "the EHR did not confirm the booking in time: " + reason);
                    return;
                }
                log.info("booking {} pending at the EHR ({}); retrying", command.appointmentId(), reason);
                retries.schedule(() -> attempt(requestId, command, slots, giveUpAt),
                        properties.upstreamRetryInterval().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The Appointment as the EHR gets it: the one renderer's booked Appointment with its identifier. */
    private Appointment toEhr(BookingService.Command command, List<String> slots) {
        return renderer.stored(new StoredAppointment(command.appointmentId(), "booked", null, false,
                command.scheduleId(), slots, null, null, command.patient(), command.patientResource(),
                command.participants(), command.comment(), command.referral(), null, null));
    }

    private void release(String requestId, BookingService.Command command, String why) {
        bookings.submit(requestId + ":release", new BookingService.Command(BookingRequestType.RELEASE,
                command.scheduleId(), command.appointmentId(), List.of(), null, command.patient(), null,
                command.participants(), why, command.referral()));
    }

    /** Completes the call with a local REJECTED outcome (the EHR, not the decision point, refused). */
    private void settle(String requestId, BookingEvent decided, BookingService.Command command, String reason,
                        String text) {
        if (decided != null) {
            outcomes.settle(requestId, new Outcome(decided));
            return;
        }
        outcomes.settle(requestId, new Outcome(BookingEvent.newBuilder()
                .setEventId("upstream:" + command.appointmentId() + ":" + reason)
                .setSlotId(command.slotIds().isEmpty() ? command.appointmentId() : command.slotIds().get(0))
                .setType(BookingEventType.REJECTED).setAppointmentId(command.appointmentId())
                .setEventTime(clock.instant()).setSource("booking-bridge").setScheduleId(command.scheduleId())
                .setRequestId(requestId).setPatientReference(command.patient())
                .setSlotIds(command.slotIds()).setRequestType(BookingRequestType.BOOK)
                .setReason(reason).setReasonText(text).build()));
    }

    @PreDestroy
    void close() {
        retries.shutdownNow();
        forwarders.values().forEach(EhrForwarder::close);
    }
}
