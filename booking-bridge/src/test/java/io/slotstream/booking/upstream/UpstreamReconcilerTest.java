package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation with an upstream EHR against a test EHR endpoint (a real HTTP server speaking FHIR: conditional
 * create and conditional update on the Appointment identifier, each Appointment stored once): book, cancel and
 * reschedule forwarded, refused and timing out, with the pending state kept in a {@link ForwardLog} and the later
 * attempts made through {@link UpstreamReconciler#retry}, as the partition's owner does. The decision point is stood
 * in for by a BookingService that accepts every request (its own behaviour is BookingDecisionTopologyTest's); the
 * durable log on Kafka and the owner's retries across instances are UpstreamForwardIntegrationTest's.
 */
class UpstreamReconcilerTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String ID_SYSTEM = SchedulingFhir.IDENTIFIER_SYSTEM;
    /** acme.s1, where every test Appointment starts, and acme.s2, where a reschedule moves it (Slot read times) */
    static final SlotSpan S1 = new SlotSpan("acme.sched", Instant.parse("2026-12-07T09:00:00Z"),
            Instant.parse("2026-12-07T09:15:00Z"));
    static final SlotSpan S2 = new SlotSpan("acme.sched", Instant.parse("2026-12-07T10:00:00Z"),
            Instant.parse("2026-12-07T10:15:00Z"));

    enum Mode { ACCEPT, REFUSE, SLOW_FIRST, DOWN }

    volatile Mode mode = Mode.ACCEPT;
    /** the test EHR's Appointments by identifier value */
    final Map<String, Appointment> ehrStore = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger creates = new AtomicInteger();
    HttpServer ehr;

    final Outcomes outcomes = new Outcomes();
    final AppointmentView view = new AppointmentView();
    final BookingBridgeProperties bridge = new BookingBridgeProperties(null, Duration.ofMinutes(10), Duration.ofSeconds(5),
            null, null, 0);
    final List<BookingRequest> decided = new CopyOnWriteArrayList<>();
    volatile boolean rejectReschedules;
    volatile boolean rejectBooks;
    /** Accepts every request at once, as the decision point would for free slots (a RESCHEDULE or BOOK when told to reject it). */
    final BookingService decisionPoint = new BookingService(null, outcomes, bridge) {
        @Override
        public Submission submit(BookingRequest request) {
            decided.add(request);
            BookingEventType type = switch (request.getType()) {
                case HOLD -> BookingEventType.HOLD_PLACED;
                case BOOK -> rejectBooks ? BookingEventType.REJECTED : BookingEventType.BOOKED;
                case CANCEL -> BookingEventType.CANCELLED;
                case RESCHEDULE -> rejectReschedules ? BookingEventType.REJECTED : BookingEventType.BOOKED;
                // a booked Appointment has no hold to release: the record of a refused cancel or modify
                case RELEASE -> view.get(request.getAppointmentId()).filter(a -> "booked".equals(a.status())).isPresent()
                        ? BookingEventType.REJECTED : BookingEventType.HOLD_RELEASED;
                default -> BookingEventType.HOLD_RELEASED;
            };
            String reason = request.getType() == BookingRequestType.RELEASE ? "not-held" : "slot-taken";
            outcomes.settle(request.getRequestId(), new Outcome(BookingEvent.newBuilder()
                    .setEventId(request.getRequestId()).setSlotId("acme.s1").setType(type)
                    .setAppointmentId(request.getAppointmentId()).setEventTime(Instant.now()).setSource("test")
                    .setRequestId(request.getRequestId()).setRequestType(request.getType())
                    .setReason(type == BookingEventType.REJECTED ? reason : null)
                    // as the decision point does (setPeriod): a hold's decision carries its slots' period
                    .setAppointmentStart(type == BookingEventType.HOLD_PLACED ? S1.start() : null)
                    .setAppointmentEnd(type == BookingEventType.HOLD_PLACED ? S1.end() : null).build()));
            return new Submission(request.getRequestId(), outcomes.expect(request.getRequestId()));
        }
    };
    /** The log as the topic would hold it (last value per Appointment id) and every write to it. */
    final Map<String, UpstreamForward> log = new ConcurrentHashMap<>();
    final List<String> logWrites = new CopyOnWriteArrayList<>();
    final ForwardLog forwardLog = new ForwardLog() {
        @Override
        public void put(UpstreamForward forward) {
            logWrites.add("put " + forward.getAppointmentId() + " " + forward.getAttempts());
            log.put(forward.getAppointmentId(), forward);
        }

        @Override
        public void remove(String appointmentId) {
            logWrites.add("remove " + appointmentId);
            log.remove(appointmentId);
        }
    };
    UpstreamReconciler reconciler;

    @BeforeEach
    void start() throws IOException {
        ehr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ehr.createContext("/fhir/Appointment", this::handle);
        ehr.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        ehr.start();
        URI base = URI.create("http://127.0.0.1:" + ehr.getAddress().getPort() + "/fhir");
        reconciler = new UpstreamReconciler(new UpstreamProperties(Duration.ofSeconds(2), Duration.ofMillis(200),
                Map.of("acme", new UpstreamProperties.Source(base))), bridge, decisionPoint, outcomes,
                new AppointmentRenderer(), view, forwardLog, FHIR, io.slotstream.edge.tls.ServiceTls.jvmDefault(false));
    }

    @AfterEach
    void stop() {
        reconciler.close();
        ehr.stop(0);
    }

    /** FHIR conditional create (POST + If-None-Exist) and conditional update (PUT ?identifier=) on one identifier. */
    void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String condition = "POST".equals(method) ? exchange.getRequestHeaders().getFirst("If-None-Exist")
                : URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
        int call = calls.size() + 1;
        calls.add(method + " " + condition);
        Appointment a = FHIR.newJsonParser().parseResource(Appointment.class,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (mode == Mode.DOWN) {
            respond(exchange, 503, "{\"resourceType\":\"OperationOutcome\"}");
            return;
        }
        if (mode == Mode.REFUSE) {
            OperationOutcome refusal = new OperationOutcome();
            refusal.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.CONFLICT).setDiagnostics("slot already booked in the EHR");
            respond(exchange, 409, FHIR.newJsonParser().encodeResourceToString(refusal));
            return;
        }
        String key = condition.substring(condition.indexOf('|') + 1);
        boolean existed = ehrStore.containsKey(key);
        if ("POST".equals(method) && existed) {
            respond(exchange, 200, FHIR.newJsonParser().encodeResourceToString(ehrStore.get(key)));
            return;
        }
        if (!existed) {
            creates.incrementAndGet();
        }
        ehrStore.put(key, a); // applied even when the answer comes too late for the caller
        if (mode == Mode.SLOW_FIRST && call == 1) {
            sleep(4000); // longer than the 2 s timeout
        }
        respond(exchange, existed ? 200 : 201, FHIR.newJsonParser().encodeResourceToString(a));
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the forwarder timed out and closed the connection
        }
        exchange.close();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    BookingService.Command book(String appointmentId) {
        return new BookingService.Command(BookingRequestType.BOOK, "acme.sched", appointmentId, List.of("acme.s1"), null,
                "Patient/p1", null, List.of("PractitionerRole/acme.r1"), "first visit",
                new Referral("agg.example", "ref-1", null, null));
    }

    static String condition(String appointmentId) {
        return "identifier=" + ID_SYSTEM + "|urn:uuid:" + appointmentId;
    }

    List<BookingRequestType> decidedTypes() {
        return decided.stream().map(BookingRequest::getType).toList();
    }

    /** A booked Appointment of the view (as booking.events.v1 would have made it). */
    StoredAppointment booked(String id, String slot) {
        view.apply(BookingEvent.newBuilder().setEventId("e-" + id).setSlotId(slot).setType(BookingEventType.BOOKED)
                .setAppointmentId(id).setEventTime(Instant.now()).setSource("test").setRequestId("r-" + id)
                .setRequestType(BookingRequestType.BOOK).setScheduleId("acme.sched").setSlotIds(List.of(slot))
                .setPatientReference("Patient/p1").setParticipants(List.of("PractitionerRole/acme.r1"))
                .setAppointmentStart(S1.start()).setAppointmentEnd(S1.end()).build());
        return view.get(id).orElseThrow();
    }

    BookingService.Command cancel(StoredAppointment a) {
        return new BookingService.Command(BookingRequestType.CANCEL, a.scheduleId(), a.id(), List.of(), null,
                a.patient(), null, a.participants(), null, a.referral());
    }

    BookingService.Command reschedule(StoredAppointment a, String slot) {
        return new BookingService.Command(BookingRequestType.RESCHEDULE, a.scheduleId(), a.id(), List.of(slot), a.id(),
                a.patient(), null, a.participants(), null, a.referral());
    }

    @Test
    void aBookingIsForwardedAsAConditionalCreateAndConfirmedOnlyWhenTheEhrAccepts() throws Exception {
        Outcome outcome = reconciler.book("req-1", book("appt-1"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.event().getType()).isEqualTo(BookingEventType.BOOKED);
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
        // the hold says the EHR is being asked, so the EHR's busy echo cannot end it before the BOOK
        assertThat(decided.get(0).getUpstreamPending()).isTrue();
        assertThat(decided.get(0).getSlotIds()).containsExactly("acme.s1");
        assertThat(decided.get(1).getRequestId()).isEqualTo("req-1");
        assertThat(decided.get(1).getUpstreamPending()).isFalse();
        assertThat(calls).containsExactly("POST " + condition("appt-1"));
        assertThat(ehrStore.get("urn:uuid:appt-1")).satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
            assertThat(a.getSlotFirstRep().getReference()).isEqualTo("Slot/acme.s1");
            assertThat(a.getParticipant()).extracting(p -> p.getActor().getReference())
                    .contains("PractitionerRole/acme.r1", "Patient/p1");
            assertThat(a.getComment()).isEqualTo("first visit");
            assertPeriod(a, S1); // from the hold's decision
        });
        // durable before the EHR is called, ended when it answered
        assertThat(logWrites).containsExactly("put appt-1 0", "remove appt-1");
    }

    @Test
    void bookingAnEarlierHoldMarksThatHoldAsForwardedBeforeTheEhrIsCalled() throws Exception {
        Instant expires = Instant.now().plus(Duration.ofMinutes(7));
        view.apply(BookingEvent.newBuilder().setEventId("h").setSlotId("acme.s1").setType(BookingEventType.HOLD_PLACED)
                .setHoldId("appt-6").setHoldExpiresAt(expires).setAppointmentId("appt-6").setEventTime(Instant.now())
                .setSource("test").setRequestId("iti-116").setRequestType(BookingRequestType.HOLD)
                .setScheduleId("acme.sched").setSlotIds(List.of("acme.s1")).build());
        BookingService.Command byReference = new BookingService.Command(BookingRequestType.BOOK, "acme.sched", "appt-6",
                List.of(), null, "Patient/p1", null, List.of(), null, Referral.NONE);

        Outcome outcome = reconciler.book("req-6", byReference, List.of("acme.s1")).get(30, TimeUnit.SECONDS);

        assertThat(outcome.event().getType()).isEqualTo(BookingEventType.BOOKED);
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
        assertThat(decided.get(0)).satisfies(mark -> {
            assertThat(mark.getRequestId()).isEqualTo("req-6:hold");
            assertThat(mark.getUpstreamPending()).isTrue();
            assertThat(mark.getSlotIds()).as("the held slots stay as they are").isEmpty();
            assertThat(mark.getHoldExpiresAt()).as("and so does the expiry").isNull();
        });
        assertThat(ehrStore.get("urn:uuid:appt-6").getSlotFirstRep().getReference()).isEqualTo("Slot/acme.s1");
    }

    @Test
    void aRefusalReleasesTheHoldAndAnswersWithTheEhrsReasonOnEveryInstance() throws Exception {
        mode = Mode.REFUSE;

        Outcome outcome = reconciler.book("req-2", book("appt-2"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).isEqualTo(UpstreamReconciler.REFUSED);
        assertThat(outcome.reasonText()).contains("slot already booked in the EHR");
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.RELEASE);
        // the release's own request id names the booking and the reason: its decision answers the call anywhere
        assertThat(decided.get(1).getRequestId()).isEqualTo("req-2:" + UpstreamReconciler.REFUSED);
        assertThat(decided.get(1).getComment()).contains("409").contains("slot already booked in the EHR")
                .isEqualTo(outcome.reasonText());
        assertThat(outcomes.known("req-2")).contains(outcome);
        assertThat(log).isEmpty();
    }

    @Test
    void aTimeoutLeavesADurablePendingForwardThatTheOwnersRetryFinishesWithOneCreate() throws Exception {
        mode = Mode.SLOW_FIRST;

        var future = reconciler.book("req-3", book("appt-3"), List.of());

        // no answer within the EHR timeout: still held, nothing confirmed, the forward pending in the log
        awaitFirstAttemptPending("appt-3");
        UpstreamForward pending = log.get("appt-3");
        assertThat(pending.getOperation()).isEqualTo(UpstreamOperation.CREATE);
        assertThat(pending.getLastReason()).isEqualTo("the EHR did not answer in time");
        assertThat(pending.getFollowUp().getType()).isEqualTo(BookingRequestType.BOOK);
        assertThat(pending.getFollowUp().getRequestId()).isEqualTo("req-3");
        assertThat(pending.getHoldExpiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD);
        assertThat(future).isNotDone();

        // the partition's owner retries (the hold is in its view): same identifier, the EHR already has it (200)
        view.apply(BookingEvent.newBuilder().setEventId("h").setSlotId("acme.s1").setType(BookingEventType.HOLD_PLACED)
                .setAppointmentId("appt-3").setEventTime(Instant.now()).setSource("test").setRequestId("req-3:hold")
                .setRequestType(BookingRequestType.HOLD).setScheduleId("acme.sched").setSlotIds(List.of("acme.s1")).build());
        assertThat(reconciler.retry(pending)).isEmpty();

        assertThat(future.get(10, TimeUnit.SECONDS).event().getType()).isEqualTo(BookingEventType.BOOKED);
        assertThat(calls).containsExactly("POST " + condition("appt-3"), "POST " + condition("appt-3"));
        assertThat(creates).hasValue(1);
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
        assertThat(log).isEmpty();
    }

    @Test
    void aForwardWhoseHoldEndedIsNotSentButWithdrawnAndTheBookingIsAnsweredUnconfirmed() {
        UpstreamForward pending = pendingCreate("appt-4", "req-4", Instant.now().plus(Duration.ofMinutes(5)));
        log.put("appt-4", pending);
        holdExpired("appt-4");

        assertThat(reconciler.retry(pending)).isEmpty();

        // no create any more; the cancellation covers an earlier attempt the EHR may have taken unanswered
        assertThat(calls).containsExactly("PUT " + condition("appt-4"));
        assertWithdrawn("appt-4", UpstreamReconciler.NO_ANSWER);
        assertThat(log).isEmpty();
        assertThat(decided).singleElement().satisfies(r -> {
            assertThat(r.getType()).isEqualTo(BookingRequestType.RELEASE);
            assertThat(r.getRequestId()).isEqualTo("req-4:" + UpstreamReconciler.NO_ANSWER);
        });
        assertThat(outcomes.known("req-4")).hasValueSatisfying(o -> {
            assertThat(o.accepted()).isFalse();
            assertThat(o.reason()).isEqualTo(UpstreamReconciler.NO_ANSWER);
            assertThat(o.reasonText()).contains("hold ended").contains("did not answer in time");
        });
    }

    @Test
    void anEhrStillDownWhenTheHoldIsAboutToLapseReleasesItUnconfirmed() {
        mode = Mode.DOWN;
        UpstreamForward pending = pendingCreate("appt-5", "req-5", Instant.now().plusMillis(100));

        UpstreamForward withdrawal = reconciler.retry(pending).orElseThrow();

        assertThat(decided).singleElement().extracting(BookingRequest::getRequestId)
                .isEqualTo("req-5:" + UpstreamReconciler.NO_ANSWER);
        assertThat(outcomes.known("req-5")).hasValueSatisfying(o -> assertThat(o.reasonText()).contains("503"));
        // the EHR may hold the booking from an unanswered attempt: its cancellation is pending in the log, no deadline
        assertThat(calls).containsExactly("POST " + condition("appt-5"), "PUT " + condition("appt-5"));
        assertThat(withdrawal.getOperation()).isEqualTo(UpstreamOperation.UPDATE);
        assertThat(withdrawal.getFollowUp()).isNull();
        assertThat(withdrawal.getHoldExpiresAt()).isNull();
        assertThat(withdrawal.getAttempts()).isEqualTo(1);
        assertThat(log).containsEntry("appt-5", withdrawal);

        mode = Mode.ACCEPT;
        assertThat(reconciler.retry(withdrawal)).isEmpty();

        assertThat(calls).hasSize(3).last().isEqualTo("PUT " + condition("appt-5"));
        assertWithdrawn("appt-5", UpstreamReconciler.NO_ANSWER);
        assertThat(log).isEmpty();
        assertThat(decided).hasSize(1);
    }

    @Test
    void aBookingWhoseHoldEndsWhileTheEhrsAnswerIsUnknownIsCancelledInTheEhr() throws Exception {
        mode = Mode.SLOW_FIRST;

        var future = reconciler.book("req-14", book("appt-14"), List.of());

        // the EHR created it, but its answer came too late: Slotstream does not know
        awaitFirstAttemptPending("appt-14");
        assertThat(ehrStore.get("urn:uuid:appt-14").getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        // the hold expires before the partition's owner retries
        holdExpired("appt-14");

        assertThat(reconciler.retry(log.get("appt-14"))).isEmpty();

        assertThat(calls).containsExactly("POST " + condition("appt-14"), "PUT " + condition("appt-14"));
        assertThat(creates).hasValue(1);
        assertWithdrawn("appt-14", UpstreamReconciler.NO_ANSWER);
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.RELEASE);
        assertThat(decided.get(1).getRequestId()).isEqualTo("req-14:" + UpstreamReconciler.NO_ANSWER);
        assertThat(future.get(10, TimeUnit.SECONDS)).satisfies(o -> {
            assertThat(o.accepted()).isFalse();
            assertThat(o.reason()).isEqualTo(UpstreamReconciler.NO_ANSWER);
        });
        // the withdrawal replaced the create in the log before anything else, and ended when the EHR took it
        assertThat(logWrites).containsExactly("put appt-14 0", "put appt-14 1", "put appt-14 0", "remove appt-14");
        assertThat(log).isEmpty();
    }

    @Test
    void aBookingTheEhrAcceptedButTheDecisionPointRejectsIsCancelledInTheEhr() throws Exception {
        rejectBooks = true;

        Outcome outcome = reconciler.book("req-15", book("appt-15"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertWithdrawn("appt-15", "slot-taken"));
        assertThat(calls).containsExactly("POST " + condition("appt-15"), "PUT " + condition("appt-15"));
        await().atMost(Duration.ofSeconds(10)).until(log::isEmpty);
        assertThat(decidedTypes()).containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
    }

    @Test
    void aBookingRejectedBecauseAnotherCallOfTheHoldBookedItStaysInTheEhr() throws Exception {
        booked("appt-16", "acme.s1"); // the other call's BOOK was decided first
        rejectBooks = true;

        Outcome outcome = reconciler.book("req-16", book("appt-16"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> calls.size() == 1);
        assertThat(ehrStore.get("urn:uuid:appt-16").getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(log).isEmpty();
    }

    /** Waits until the first attempt went unanswered and the forward is pending in the log (attempts 1). */
    void awaitFirstAttemptPending(String appointmentId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> log.containsKey(appointmentId)
                && log.get(appointmentId).getAttempts() == 1);
    }

    void holdExpired(String appointmentId) {
        view.apply(BookingEvent.newBuilder().setEventId("x-" + appointmentId).setSlotId("acme.s1")
                .setType(BookingEventType.HOLD_EXPIRED).setAppointmentId(appointmentId).setEventTime(Instant.now())
                .setSource("test").setScheduleId("acme.sched").setSlotIds(List.of("acme.s1")).build());
    }

    /** The test EHR has the Appointment cancelled, as it was sent otherwise, with Slotstream's reason. */
    void assertWithdrawn(String appointmentId, String reason) {
        Appointment a = ehrStore.get("urn:uuid:" + appointmentId);
        assertThat(a).isNotNull();
        assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(a.getIdentifierFirstRep().getSystem()).isEqualTo(ID_SYSTEM);
        assertThat(a.getIdentifierFirstRep().getValue()).isEqualTo("urn:uuid:" + appointmentId);
        assertThat(a.getSlot()).extracting(r -> r.getReference()).containsExactly("Slot/acme.s1");
        assertThat(a.getParticipant()).isNotEmpty().allSatisfy(p ->
                assertThat(p.getStatus()).isEqualTo(Appointment.ParticipationStatus.DECLINED));
        assertThat(a.getExtensionsByUrl(SchedulingFhir.STATUS_REASON)).singleElement().satisfies(e -> {
            org.hl7.fhir.r4.model.Coding c = ((org.hl7.fhir.r4.model.CodeableConcept) e.getValue()).getCodingFirstRep();
            assertThat(c.getSystem()).isEqualTo(SchedulingFhir.REASON_SYSTEM);
            assertThat(c.getCode()).isEqualTo(reason);
        });
    }

    @Test
    void anEhrDownWhileTheHoldLastsKeepsTheForwardPendingWithTheNextAttemptScheduled() {
        mode = Mode.DOWN;
        UpstreamForward pending = pendingCreate("appt-6", "req-6", Instant.now().plus(Duration.ofMinutes(5)));

        UpstreamForward next = reconciler.retry(pending).orElseThrow();

        assertThat(next.getAttempts()).isEqualTo(pending.getAttempts() + 1);
        assertThat(next.getLastReason()).contains("503");
        assertThat(next.getNextAttemptAt()).isAfter(Instant.now());
        assertThat(log).containsEntry("appt-6", next);
        assertThat(decided).isEmpty();
        assertThat(outcomes.known("req-6")).isEmpty();
    }

    @Test
    void aCancelReachesTheEhrAsAConditionalUpdateBeforeSlotstreamCancels() throws Exception {
        StoredAppointment a = booked("appt-7", "acme.s1");

        Outcome outcome = reconciler.change("req-7", cancel(a), a, null).get(30, TimeUnit.SECONDS);

        assertThat(outcome.event().getType()).isEqualTo(BookingEventType.CANCELLED);
        assertThat(calls).containsExactly("PUT " + condition("appt-7"));
        assertThat(ehrStore.get("urn:uuid:appt-7").getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        assertThat(ehrStore.get("urn:uuid:appt-7").getIdentifierFirstRep().getValue()).isEqualTo("urn:uuid:appt-7");
        assertPeriod(ehrStore.get("urn:uuid:appt-7"), S1);
        assertThat(decided).singleElement().satisfies(r -> {
            assertThat(r.getType()).isEqualTo(BookingRequestType.CANCEL);
            assertThat(r.getRequestId()).isEqualTo("req-7");
        });
        assertThat(logWrites).containsExactly("put appt-7 0", "remove appt-7");
    }

    @Test
    void aCancelTheEhrRefusesLeavesTheAppointmentBooked() throws Exception {
        StoredAppointment a = booked("appt-8", "acme.s1");
        mode = Mode.REFUSE;

        Outcome outcome = reconciler.change("req-8", cancel(a), a, null).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).isEqualTo(UpstreamReconciler.REFUSED);
        assertThat(outcome.reasonText()).contains("cancellation").contains("409").contains("slot already booked in the EHR");
        assertThat(outcome.event().getRequestType()).isEqualTo(BookingRequestType.CANCEL);
        assertRefusalRecorded("req-8", "appt-8", outcome.reasonText());
        assertThat(log).isEmpty();
    }

    @Test
    void aCancelTheEhrRefusesOnARetryIsRecordedForEveryInstance() throws Exception {
        StoredAppointment a = booked("appt-17", "acme.s1");

        Outcome outcome = refusedOnRetry("req-17", cancel(a), a, null);

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).isEqualTo(UpstreamReconciler.REFUSED);
        assertThat(outcome.reasonText()).contains("cancellation").contains("409").contains("slot already booked in the EHR");
        assertRefusalRecorded("req-17", "appt-17", outcome.reasonText());
        assertThat(log).isEmpty();
        assertThat(view.get("appt-17").orElseThrow().status()).isEqualTo("booked");
    }

    @Test
    void aRescheduleTheEhrRefusesOnARetryIsRecordedForEveryInstance() throws Exception {
        StoredAppointment a = booked("appt-18", "acme.s1");

        Outcome outcome = refusedOnRetry("req-18", reschedule(a, "acme.s2"), a, S2);

        assertThat(outcome.reasonText()).contains("reschedule").contains("409");
        assertRefusalRecorded("req-18", "appt-18", outcome.reasonText());
    }

    /** The first attempt goes unanswered; the partition owner's retry meets the EHR's refusal. */
    Outcome refusedOnRetry(String requestId, BookingService.Command command, StoredAppointment a, SlotSpan newSlots)
            throws Exception {
        mode = Mode.SLOW_FIRST;
        var future = reconciler.change(requestId, command, a, newSlots);
        awaitFirstAttemptPending(a.id());
        mode = Mode.REFUSE;
        assertThat(reconciler.retry(log.get(a.id()))).isEmpty();
        return future.get(10, TimeUnit.SECONDS);
    }

    /**
     * The only request written is the RELEASE {@code <call>:upstream-refused} of the booked Appointment, with the EHR's
     * reason as comment: the decision point rejects it (not-held, nothing changes), and that decision, on
     * booking.events.v1, answers the call on every instance (UpstreamReleaseOutcomeTest).
     */
    void assertRefusalRecorded(String requestId, String appointmentId, String reasonText) {
        assertThat(decided).singleElement().satisfies(r -> {
            assertThat(r.getType()).isEqualTo(BookingRequestType.RELEASE);
            assertThat(r.getRequestId()).isEqualTo(requestId + ":" + UpstreamReconciler.REFUSED);
            assertThat(r.getAppointmentId()).isEqualTo(appointmentId);
            assertThat(r.getScheduleId()).isEqualTo("acme.sched");
            assertThat(r.getPatientReference()).isEqualTo("Patient/p1");
            assertThat(r.getComment()).isEqualTo(reasonText);
        });
        assertThat(outcomes.known(requestId + ":" + UpstreamReconciler.REFUSED)).hasValueSatisfying(o -> {
            assertThat(o.event().getType()).isEqualTo(BookingEventType.REJECTED);
            assertThat(o.reason()).isEqualTo("not-held");
        });
    }

    @Test
    void aCancelTimingOutIsPendingAndItsRetryCancels() throws Exception {
        StoredAppointment a = booked("appt-9", "acme.s1");
        mode = Mode.SLOW_FIRST;

        var future = reconciler.change("req-9", cancel(a), a, null);

        awaitFirstAttemptPending("appt-9");
        UpstreamForward pending = log.get("appt-9");
        assertThat(pending.getOperation()).isEqualTo(UpstreamOperation.UPDATE);
        assertThat(pending.getHoldExpiresAt()).isNull();
        assertThat(future).isNotDone();
        assertThat(decided).isEmpty();

        assertThat(reconciler.retry(pending)).isEmpty();

        assertThat(future.get(10, TimeUnit.SECONDS).event().getType()).isEqualTo(BookingEventType.CANCELLED);
        assertThat(calls).containsExactly("PUT " + condition("appt-9"), "PUT " + condition("appt-9"));
        assertThat(decidedTypes()).containsExactly(BookingRequestType.CANCEL);
    }

    @Test
    void aRescheduleReachesTheEhrWithTheNewSlotsBeforeSlotstreamMovesIt() throws Exception {
        StoredAppointment a = booked("appt-10", "acme.s1");

        Outcome outcome = reconciler.change("req-10", reschedule(a, "acme.s2"), a, S2).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isTrue();
        assertThat(calls).containsExactly("PUT " + condition("appt-10"));
        Appointment moved = ehrStore.get("urn:uuid:appt-10");
        assertThat(moved.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(moved.getSlot()).extracting(r -> r.getReference()).containsExactly("Slot/acme.s2");
        assertPeriod(moved, S2); // the new slots' times, before any decision knows them
        assertThat(decided).singleElement().satisfies(r -> {
            assertThat(r.getType()).isEqualTo(BookingRequestType.RESCHEDULE);
            assertThat(r.getSlotIds()).containsExactly("acme.s2");
            assertThat(r.getRequestId()).isEqualTo("req-10");
        });
    }

    @Test
    void aRescheduleTheEhrRefusesKeepsTheOldSlots() throws Exception {
        StoredAppointment a = booked("appt-11", "acme.s1");
        mode = Mode.REFUSE;

        Outcome outcome = reconciler.change("req-11", reschedule(a, "acme.s2"), a, S2).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).isEqualTo(UpstreamReconciler.REFUSED);
        assertThat(outcome.reasonText()).contains("reschedule");
        assertRefusalRecorded("req-11", "appt-11", outcome.reasonText());
    }

    @Test
    void aRescheduleTimingOutIsPendingAndItsRetryMovesIt() throws Exception {
        StoredAppointment a = booked("appt-12", "acme.s1");
        mode = Mode.SLOW_FIRST;

        var future = reconciler.change("req-12", reschedule(a, "acme.s2"), a, S2);

        awaitFirstAttemptPending("appt-12");
        assertThat(future).isNotDone();
        assertThat(decided).isEmpty();
        assertThat(reconciler.retry(log.get("appt-12"))).isEmpty();

        assertThat(future.get(10, TimeUnit.SECONDS).accepted()).isTrue();
        assertThat(decidedTypes()).containsExactly(BookingRequestType.RESCHEDULE);
        assertThat(creates).hasValue(1);
    }

    @Test
    void aRescheduleTheDecisionPointRejectsAfterTheEhrAcceptedIsPutBackInTheEhr() throws Exception {
        StoredAppointment a = booked("appt-13", "acme.s1");
        rejectReschedules = true;

        Outcome outcome = reconciler.change("req-13", reschedule(a, "acme.s2"), a, S2).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 2);
        assertThat(calls).containsOnly("PUT " + condition("appt-13"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ehrStore.get("urn:uuid:appt-13").getSlot())
                .extracting(r -> r.getReference()).containsExactly("Slot/acme.s1"));
        assertPeriod(ehrStore.get("urn:uuid:appt-13"), S1);
        assertThat(log).isEmpty();
    }

    /** Appointment.start/end and requestedPeriod (ihe-sched-appt 1..1 each) are the slots' period. */
    static void assertPeriod(Appointment a, SlotSpan slots) {
        assertThat(a.getStart()).isEqualTo(java.util.Date.from(slots.start()));
        assertThat(a.getEnd()).isEqualTo(java.util.Date.from(slots.end()));
        assertThat(a.getRequestedPeriod()).singleElement().satisfies(p -> {
            assertThat(p.getStart()).isEqualTo(java.util.Date.from(slots.start()));
            assertThat(p.getEnd()).isEqualTo(java.util.Date.from(slots.end()));
        });
    }

    @Test
    void onlySourcesWithAnUpstreamAreReconciled() {
        assertThat(reconciler.handles("acme.sched")).isTrue();
        assertThat(reconciler.handles("other.sched")).isFalse();
    }

    UpstreamForward pendingCreate(String appointmentId, String requestId, Instant holdExpiresAt) {
        Appointment a = new AppointmentRenderer().stored(new StoredAppointment(appointmentId, "booked", null, false,
                "acme.sched", List.of("acme.s1"), null, null, "Patient/p1", null, List.of(), null, null, null, null));
        BookingRequest book = decisionPoint.request(requestId, new BookingService.Command(BookingRequestType.BOOK,
                "acme.sched", appointmentId, List.of(), null, "Patient/p1", null, List.of(), null, Referral.NONE));
        return UpstreamForward.newBuilder().setAppointmentId(appointmentId).setRequestId(requestId).setSourceId("acme")
                .setScheduleId("acme.sched").setOperation(UpstreamOperation.CREATE)
                .setAppointmentJson(FHIR.newJsonParser().encodeResourceToString(a)).setFollowUp(book)
                .setHoldExpiresAt(holdExpiresAt).setAttempts(1).setLastReason("the EHR did not answer in time")
                .setNextAttemptAt(Instant.now()).setCreatedAt(Instant.now()).build();
    }
}
