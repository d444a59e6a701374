package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.UpstreamForward;
import io.slotstream.avro.UpstreamOperation;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Outcome;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.booking.command.Referral;
import io.slotstream.booking.fhir.AppointmentRenderer;
import io.slotstream.booking.fhir.SchedulingFhir;
import io.slotstream.booking.fhir.SlotSpan;
import io.slotstream.edge.tls.ServiceTls;
import jakarta.annotation.PreDestroy;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Appointment changes of a source with an upstream EHR (issue 11 deliverable 4a). The EHR accepts first, then
 * Slotstream's decision point decides, for every change:
 * <ul>
 *   <li>{@code $book}: the slots are held, or the earlier {@code $hold} is marked, with {@code upstreamPending} (decision
 *       point: the EHR's busy echo then keeps the hold until the BOOK), the Appointment is sent as a conditional create
 *       ({@link EhrForwarder#create}), and only when the EHR accepts is the BOOK written. A refusal releases the hold
 *       (reason {@value Outcome#UPSTREAM_REFUSED}); no answer until one retry interval before the hold lapses releases
 *       it too (reason {@value Outcome#UPSTREAM_NO_ANSWER}). A booking Slotstream does not make although the EHR may
 *       have it (the hold ended while the EHR's answer was unknown, or the decision point rejected the BOOK the EHR
 *       had accepted) is withdrawn: cancelled in the EHR by conditional update, retried until the EHR answers.</li>
 *   <li>Cancel of a booked Appointment and modify (reschedule): the changed Appointment is sent as a conditional update
 *       on its identifier ({@link EhrForwarder#update}); only when the EHR accepts is the CANCEL or RESCHEDULE written.
 *       A refusal leaves the Appointment as it was (reason {@value Outcome#UPSTREAM_REFUSED}). When the decision point
 *       then rejects a RESCHEDULE the EHR accepted (the new slots were lost meanwhile), the Appointment as Slotstream
 *       still has it is put back in the EHR the same way.</li>
 * </ul>
 * Every change is written to the {@link ForwardLog} (booking.upstream-forwards.v1) before the EHR is called and
 * removed when the EHR answers, so one the EHR did not answer (timeout, 5xx, untrusted TLS) outlives this instance:
 * the instance that took the call makes the first attempt, the replica that owns the Appointment's partition
 * ({@link ForwardRetrier}) every later one ({@link #retry}), with the same identifier, so the EHR gets it once.
 * The outcome of every change is on booking.events.v1 (the BOOK, CANCEL or RESCHEDULE, or the RELEASE named by
 * {@link Outcome#upstreamReleaseId} that records a refusal), so the caller's status URL answers on every instance.
 */
@Service
public class UpstreamReconciler {

    /** Reason code of an EHR refusal. */
    public static final String REFUSED = Outcome.UPSTREAM_REFUSED;
    /** Reason code when the EHR never answered while the hold lasted. */
    public static final String NO_ANSWER = Outcome.UPSTREAM_NO_ANSWER;

    private static final Logger log = LoggerFactory.getLogger(UpstreamReconciler.class);

    private final UpstreamProperties properties;
    private final BookingBridgeProperties bridge;
    private final BookingService bookings;
    private final Outcomes outcomes;
    private final AppointmentRenderer renderer;
    private final AppointmentView view;
    private final ForwardLog forwards;
    private final FhirContext fhir;
    private final ServiceTls tls;
    private final Clock clock = Clock.systemUTC();
    private final Map<URI, EhrForwarder> forwarders = new ConcurrentHashMap<>();

    public UpstreamReconciler(UpstreamProperties properties, BookingBridgeProperties bridge, BookingService bookings,
                              Outcomes outcomes, AppointmentRenderer renderer, AppointmentView view, ForwardLog forwards,
                              FhirContext fhir, ServiceTls tls) {
        this.properties = properties;
        this.bridge = bridge;
        this.bookings = bookings;
        this.outcomes = outcomes;
        this.renderer = renderer;
        this.view = view;
        this.forwards = forwards;
        this.fhir = fhir;
        this.tls = tls;
    }

    /** @return whether changes on this Schedule (canonical id) must be accepted by an upstream EHR first */
    public boolean handles(String scheduleId) {
        return properties.upstreamOf(scheduleId) != null;
    }

    /**
     * Books through the EHR. {@code command} is a BOOK of a held appointment (no slot ids) or of given slots.
     *
     * @param heldSlots the slots of the held appointment when {@code command} books one by reference, else empty
     * @return the outcome of {@code requestId}: BOOKED/REJECTED from the decision point, or REJECTED
     * ({@value #REFUSED}, {@value #NO_ANSWER}); it stays incomplete while the EHR has not answered
     */
    public CompletableFuture<Outcome> book(String requestId, BookingService.Command command, List<String> heldSlots) {
        return async(requestId, () -> startBook(requestId, command, heldSlots));
    }

    /**
     * Cancels a booked Appointment or moves it to other slots (RESCHEDULE keeping its id) through the EHR.
     *
     * @param command  CANCEL or RESCHEDULE of {@code current}
     * @param current  the booked Appointment as the view has it
     * @param newSlots RESCHEDULE: the new slots as availability-service's Slot read gives them; their period is the
     *                 moved Appointment's {@code start}/{@code end} in the EHR (ITI-117 {@code ihe-sched-appt}, 1..1).
     *                 Null for a CANCEL
     * @return the outcome of {@code requestId}: CANCELLED/BOOKED/REJECTED from the decision point, or REJECTED
     * ({@value #REFUSED}); it stays incomplete while the EHR has not answered
     */
    public CompletableFuture<Outcome> change(String requestId, BookingService.Command command, StoredAppointment current,
                                             SlotSpan newSlots) {
        return async(requestId, () -> {
            StoredAppointment changed = command.type() == BookingRequestType.CANCEL
                    ? with(current, "cancelled", current.slotIds(), current.start(), current.end(), current.patient(),
                    current.participants(), current.comment())
                    : with(current, "booked", command.slotIds(), newSlots.start(), newSlots.end(), command.patient(),
                    command.participants(), command.comment() == null ? current.comment() : command.comment());
            first(forward(requestId, command.scheduleId(), UpstreamOperation.UPDATE, renderer.stored(changed),
                    bookings.request(requestId, command), null));
        });
    }

    private CompletableFuture<Outcome> async(String requestId, Runnable start) {
        CompletableFuture<Outcome> result = outcomes.expect(requestId);
        if (result.isDone()) {
            return result;
        }
        Thread.ofVirtual().name("upstream-" + requestId).start(() -> {
            try {
                start.run();
            } catch (RuntimeException e) {
                log.warn("upstream change {} failed: {}", requestId, e.toString());
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private void startBook(String requestId, BookingService.Command command, List<String> heldSlots) {
        // The hold is marked upstreamPending before the EHR is called: the EHR's busy echo of the Appointment may reach
        // the decision point before the BOOK below, and only a marked hold survives it (BookingDecisionProcessor).
        boolean byReference = command.slotIds().isEmpty();
        BookingRequest.Builder marked = BookingRequest.newBuilder(bookings.request(requestId + ":hold",
                new BookingService.Command(BookingRequestType.HOLD, command.scheduleId(), command.appointmentId(),
                        command.slotIds(), null, command.patient(), command.patientResource(), command.participants(),
                        command.comment(), command.referral()))).setUpstreamPending(true);
        if (byReference) {
            marked.setHoldExpiresAt(null); // marking the earlier $hold keeps its slots and expiry
        }
        BookingRequest hold = marked.build();
        Outcome held = outcomes.await(bookings.submit(hold).outcome(), bridge.outcomeTimeout()).orElse(null);
        if (held == null || !held.accepted()) {
            if (held != null) {
                outcomes.settle(requestId, held);
            } else {
                settle(requestId, command.appointmentId(), command.scheduleId(), command.slotIds(), command.patient(),
                        BookingRequestType.BOOK, REFUSED, "the slots could not be held for the EHR's confirmation");
            }
            return;
        }
        List<String> slots = byReference ? heldSlots : command.slotIds();
        Instant holdExpiresAt = held.event().getHoldExpiresAt() != null ? held.event().getHoldExpiresAt()
                : hold.getHoldExpiresAt() != null ? hold.getHoldExpiresAt()
                : view.get(command.appointmentId()).map(StoredAppointment::holdExpiresAt)
                .orElse(clock.instant().plus(bridge.holdDuration()));
        BookingRequest book = bookings.request(requestId, new BookingService.Command(BookingRequestType.BOOK,
                command.scheduleId(), command.appointmentId(), List.of(), null, command.patient(),
                command.patientResource(), command.participants(), command.comment(), command.referral()));
        // the hold's decision carries the slots' period (availability-service's setPeriod): Appointment.start/end
        Optional<StoredAppointment> inView = view.get(command.appointmentId());
        Instant start = held.event().getAppointmentStart() != null ? held.event().getAppointmentStart()
                : inView.map(StoredAppointment::start).orElse(null);
        Instant end = held.event().getAppointmentEnd() != null ? held.event().getAppointmentEnd()
                : inView.map(StoredAppointment::end).orElse(null);
        Appointment appointment = renderer.stored(new StoredAppointment(command.appointmentId(), "booked", null, false,
                command.scheduleId(), slots, start, end, command.patient(), command.patientResource(),
                command.participants(), command.comment(), command.referral(), null, null));
        first(forward(requestId, command.scheduleId(), UpstreamOperation.CREATE, appointment, book, holdExpiresAt));
    }

    /**
     * The durable record of a change, due for its first retry only after the first attempt has had its time (connect
     * and answer may each take {@code upstream-timeout}), so that the owner never calls the EHR beside it.
     */
    private UpstreamForward forward(String requestId, String scheduleId, UpstreamOperation operation,
                                    Appointment appointment, BookingRequest followUp, Instant holdExpiresAt) {
        Instant now = clock.instant();
        return UpstreamForward.newBuilder().setAppointmentId(appointment.getIdPart()).setRequestId(requestId)
                .setSourceId(scheduleId.substring(0, scheduleId.indexOf('.'))).setScheduleId(scheduleId)
                .setOperation(operation).setAppointmentJson(fhir.newJsonParser().encodeResourceToString(appointment))
                .setFollowUp(followUp).setHoldExpiresAt(holdExpiresAt).setAttempts(0).setLastReason(null)
                .setNextAttemptAt(now.plus(properties.upstreamTimeout().multipliedBy(2))
                        .plus(properties.upstreamRetryInterval()))
                .setCreatedAt(now).build();
    }

    /** Writes the forward, then makes the first attempt here (the caller is waiting on this instance). */
    private void first(UpstreamForward forward) {
        forwards.put(forward);
        attempt(forward);
    }

    /**
     * A later attempt of a pending forward, by the replica that owns its partition. A CREATE whose hold already ended
     * (released, expired, cancelled) is not sent any more; one already booked is done.
     *
     * @return the forward still pending after this attempt, or empty when it is settled (and removed from the log)
     */
    public Optional<UpstreamForward> retry(UpstreamForward forward) {
        if (forward.getOperation() == UpstreamOperation.CREATE) {
            String status = view.get(forward.getAppointmentId()).map(StoredAppointment::status).orElse("pending");
            if ("booked".equals(status)) {
                forwards.remove(forward.getAppointmentId());
                return Optional.empty();
            }
            if (!"pending".equals(status)) {
                return unconfirmed(forward, "the hold ended before the EHR confirmed the booking"
                        + (forward.getLastReason() == null ? "" : ": " + forward.getLastReason()));
            }
        }
        return attempt(forward);
    }

    private Optional<UpstreamForward> attempt(UpstreamForward forward) {
        URI upstream = properties.upstreamOf(forward.getScheduleId());
        if (upstream == null) {
            // a replica configured otherwise (or a test's second stack) must not settle what it cannot send: kept as is
            log.warn("not retrying the EHR forward of Appointment {}: source {} has no upstream-url on this replica",
                    forward.getAppointmentId(), forward.getSourceId());
            return Optional.of(UpstreamForward.newBuilder(forward)
                    .setNextAttemptAt(clock.instant().plus(properties.upstreamRetryInterval())).build());
        }
        EhrForwarder forwarder = forwarders.computeIfAbsent(upstream,
                u -> new EhrForwarder(u, properties.upstreamTimeout(), fhir, tls));
        Appointment appointment = fhir.newJsonParser().parseResource(Appointment.class, forward.getAppointmentJson());
        EhrForwarder.Result answer = forward.getOperation() == UpstreamOperation.CREATE
                ? forwarder.create(appointment) : forwarder.update(appointment);
        switch (answer) {
            case EhrForwarder.Result.Accepted accepted -> {
                forwards.remove(forward.getAppointmentId());
                accepted(forward);
                return Optional.empty();
            }
            case EhrForwarder.Result.Refused(int status, String reason) -> {
                forwards.remove(forward.getAppointmentId());
                fail(forward, REFUSED, "the EHR refused the " + what(forward) + " (" + status + "): " + reason);
                return Optional.empty();
            }
            case EhrForwarder.Result.Pending(String reason) -> {
                Instant now = clock.instant();
                if (forward.getHoldExpiresAt() != null
                        && now.isAfter(forward.getHoldExpiresAt().minus(properties.upstreamRetryInterval()))) {
                    return unconfirmed(forward, "the EHR did not confirm the booking before the hold lapsed: " + reason);
                }
                log.info("{} of Appointment {} pending at the EHR ({}); retrying", what(forward),
                        forward.getAppointmentId(), reason);
                UpstreamForward next = UpstreamForward.newBuilder(forward).setAttempts(forward.getAttempts() + 1)
                        .setLastReason(reason).setNextAttemptAt(now.plus(properties.upstreamRetryInterval())).build();
                forwards.put(next);
                return Optional.of(next);
            }
        }
    }

    /**
     * The EHR has the change: Slotstream's decision follows. A lost RESCHEDULE is put back in the EHR; a BOOK the
     * decision point rejects (the hold ended meanwhile) is withdrawn from it, unless the Appointment is booked in
     * Slotstream all the same (another call of the same hold booked it). Either runs off the decision listener's
     * thread, which must not wait for the EHR.
     */
    private void accepted(UpstreamForward forward) {
        BookingRequest followUp = forward.getFollowUp();
        if (followUp == null) {
            return;
        }
        BookingService.Submission submission = bookings.submit(followUp);
        if (followUp.getType() == BookingRequestType.RESCHEDULE) {
            submission.outcome().thenAcceptAsync(o -> {
                if (!o.accepted()) {
                    putBack(forward, o.reasonText());
                }
            }, Thread::startVirtualThread).exceptionally(e -> logFailed(forward, e));
        } else if (forward.getOperation() == UpstreamOperation.CREATE) {
            submission.outcome().thenAcceptAsync(o -> {
                if (!o.accepted() && !"booked".equals(view.get(forward.getAppointmentId())
                        .map(StoredAppointment::status).orElse(null))) {
                    withdraw(forward, o.reason(), "the EHR accepted the booking but Slotstream rejected it ("
                            + o.reason() + "): " + o.reasonText());
                }
            }, Thread::startVirtualThread).exceptionally(e -> logFailed(forward, e));
        }
    }

    private static Void logFailed(UpstreamForward forward, Throwable e) {
        log.error("Appointment {} differs between Slotstream and the EHR and could not be corrected: {}",
                forward.getAppointmentId(), e.toString());
        return null;
    }

    /**
     * A CREATE that ends without the EHR's confirmation (its hold ended, or is about to lapse, while the EHR's answer
     * is unknown): the hold is released and the call answered ({@value #NO_ANSWER}), and the Appointment is withdrawn
     * from the EHR, which may have created it without our learning so.
     *
     * @return the withdrawal, while the EHR has not confirmed it
     */
    private Optional<UpstreamForward> unconfirmed(UpstreamForward create, String text) {
        UpstreamForward withdrawal = withdrawal(create, NO_ANSWER);
        forwards.put(withdrawal); // replaces the CREATE: the log is never without the Appointment's pending change
        fail(create, NO_ANSWER, text);
        return attempt(withdrawal);
    }

    /** {@link #unconfirmed}'s withdrawal alone, as a durable forward of its own (the call is answered already). */
    private void withdraw(UpstreamForward create, String reason, String why) {
        log.warn("withdrawing Appointment {} from the EHR: {}", create.getAppointmentId(), why);
        first(withdrawal(create, reason));
    }

    /**
     * The cancellation in the EHR of a booking Slotstream did not make: FHIR conditional update on the Appointment's
     * identifier ({@link EhrForwarder#update}) of the Appointment as it was sent, with status {@code cancelled},
     * participants {@code declined} and the IHE status reason {@code reason} (system {@code urn:slotstream:booking-reason}).
     * Nothing follows in Slotstream; it is retried until the EHR answers. An EHR that never had the Appointment gets
     * it cancelled (a conditional update creates what it does not find), so the identifier is taken there either way.
     */
    private UpstreamForward withdrawal(UpstreamForward create, String reason) {
        Appointment cancelled = fhir.newJsonParser().parseResource(Appointment.class, create.getAppointmentJson());
        cancelled.setStatus(Appointment.AppointmentStatus.CANCELLED);
        cancelled.getParticipant().forEach(p -> p.setStatus(Appointment.ParticipationStatus.DECLINED));
        cancelled.getExtension().removeIf(e -> SchedulingFhir.STATUS_REASON.equals(e.getUrl()));
        cancelled.addExtension(SchedulingFhir.STATUS_REASON,
                new CodeableConcept(new Coding(SchedulingFhir.REASON_SYSTEM, reason, null)));
        return forward(create.getRequestId() + ":withdraw", create.getScheduleId(), UpstreamOperation.UPDATE, cancelled,
                null, null);
    }

    /** Puts the Appointment as Slotstream has it back in the EHR (a durable forward of its own, nothing follows). */
    private void putBack(UpstreamForward moved, String why) {
        Optional<StoredAppointment> current = view.get(moved.getAppointmentId());
        if (current.isEmpty()) {
            return;
        }
        log.warn("the EHR accepted the move of Appointment {} but the decision point rejected it ({}); putting it back",
                moved.getAppointmentId(), why);
        first(forward(moved.getRequestId() + ":put-back", moved.getScheduleId(), UpstreamOperation.UPDATE,
                renderer.stored(current.get()), null, null));
    }

    /**
     * The change is refused or ended unconfirmed: recorded for every instance, then answered here. The record is a
     * RELEASE with request id {@link Outcome#upstreamReleaseId} ({@code <call's request id>:<reason>}) and the reason
     * text as comment, whose decision every instance reads as the call's REJECTED outcome (the status URL answers
     * anywhere, also when a retry by another replica met the refusal). For a book it ends the hold; for a cancel or
     * modify the Appointment is booked, has no hold, and the decision point answers {@code REJECTED not-held},
     * changing nothing.
     */
    private void fail(UpstreamForward forward, String reason, String text) {
        BookingRequest followUp = forward.getFollowUp();
        if (followUp == null) {
            log.warn("the EHR did not take Appointment {} as Slotstream has it: {}", forward.getAppointmentId(), text);
            return;
        }
        bookings.submit(Outcome.upstreamReleaseId(forward.getRequestId(), reason), new BookingService.Command(
                BookingRequestType.RELEASE, forward.getScheduleId(), forward.getAppointmentId(), List.of(), null,
                followUp.getPatientReference(), null, followUp.getParticipants(), text, new Referral(
                followUp.getBookingSource(), followUp.getBookingReferral(), followUp.getBookingState(),
                followUp.getReturnUrl())));
        settle(forward.getRequestId(), forward.getAppointmentId(), forward.getScheduleId(), followUp.getSlotIds(),
                followUp.getPatientReference(), followUp.getType(), reason, text);
    }

    private static String what(UpstreamForward forward) {
        BookingRequest followUp = forward.getFollowUp();
        if (followUp == null) {
            return forward.getRequestId().endsWith(":withdraw") ? "withdrawal" : "restore";
        }
        return switch (followUp.getType()) {
            case CANCEL -> "cancellation";
            case RESCHEDULE -> "reschedule";
            default -> "booking";
        };
    }

    private static StoredAppointment with(StoredAppointment a, String status, List<String> slots, Instant start,
                                          Instant end, String patient, List<String> participants, String comment) {
        return new StoredAppointment(a.id(), status, null, a.conflict(), a.scheduleId(), slots, start, end,
                patient == null ? a.patient() : patient, a.patientResource(),
                participants.isEmpty() ? a.participants() : participants, comment, a.referral(), null, null);
    }

    /** Completes the call with a local REJECTED outcome (the EHR, not the decision point, refused). */
    private void settle(String requestId, String appointmentId, String scheduleId, List<String> slotIds, String patient,
                        BookingRequestType type, String reason, String text) {
        outcomes.settle(requestId, new Outcome(BookingEvent.newBuilder()
                .setEventId("upstream:" + appointmentId + ":" + reason)
                .setSlotId(slotIds.isEmpty() ? appointmentId : slotIds.get(0))
                .setType(BookingEventType.REJECTED).setAppointmentId(appointmentId)
                .setEventTime(clock.instant()).setSource("booking-bridge").setScheduleId(scheduleId)
                .setRequestId(requestId).setPatientReference(patient)
                .setSlotIds(slotIds).setRequestType(type)
                .setReason(reason).setReasonText(text).build()));
    }

    @PreDestroy
    void close() {
        forwarders.values().forEach(EhrForwarder::close);
    }
}
