package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Outcome;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.booking.command.Referral;
import io.slotstream.booking.fhir.AppointmentRenderer;
import io.slotstream.booking.fhir.SchedulingFhir;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation with an upstream EHR against a test EHR endpoint (a real HTTP server speaking FHIR): forward as a
 * conditional create, refusal, timeout and idempotent retry. The decision point is stood in for by a BookingService
 * that accepts every request (its own behaviour is BookingDecisionTopologyTest's).
 */
class UpstreamReconcilerTest {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    enum Mode { ACCEPT, REFUSE, SLOW_THEN_ACCEPT }

    volatile Mode mode = Mode.ACCEPT;
    final List<String> conditions = new CopyOnWriteArrayList<>();
    final List<Appointment> received = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    HttpServer ehr;

    final Outcomes outcomes = new Outcomes();
    final BookingBridgeProperties bridge = new BookingBridgeProperties(null, Duration.ofMinutes(10), Duration.ofSeconds(5),
            null, null, 0);
    final List<BookingService.Command> decided = new CopyOnWriteArrayList<>();
    /** Accepts every request at once, as the decision point would for free slots. */
    final BookingService decisionPoint = new BookingService(null, outcomes, bridge) {
        @Override
        public Submission submit(String requestId, Command command) {
            decided.add(command);
            BookingEventType type = switch (command.type()) {
                case HOLD -> BookingEventType.HOLD_PLACED;
                case BOOK -> BookingEventType.BOOKED;
                default -> BookingEventType.HOLD_RELEASED;
            };
            outcomes.settle(requestId, new Outcome(BookingEvent.newBuilder().setEventId(requestId).setSlotId("acme.s1")
                    .setType(type).setAppointmentId(command.appointmentId()).setEventTime(Instant.now())
                    .setSource("test").setRequestId(requestId).setRequestType(command.type()).build()));
            return new Submission(requestId, outcomes.expect(requestId));
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
        reconciler = new UpstreamReconciler(new UpstreamProperties(Duration.ofSeconds(3), Duration.ofMillis(200),
                Map.of("acme", new UpstreamProperties.Source(base))), bridge, decisionPoint, outcomes,
                new AppointmentRenderer(), FHIR, io.slotstream.edge.tls.ServiceTls.jvmDefault(false));
    }

    @AfterEach
    void stop() {
        reconciler.close();
        ehr.stop(0);
    }

    void handle(HttpExchange exchange) throws IOException {
        int call = calls.incrementAndGet();
        conditions.add(exchange.getRequestHeaders().getFirst("If-None-Exist"));
        Appointment a = FHIR.newJsonParser().parseResource(Appointment.class,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        received.add(a);
        if (mode == Mode.SLOW_THEN_ACCEPT && call == 1) {
            sleep(6000); // longer than the 3 s timeout
        }
        if (mode == Mode.REFUSE) {
            OperationOutcome refusal = new OperationOutcome();
            refusal.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.CONFLICT).setDiagnostics("slot already booked in the EHR");
            respond(exchange, 409, FHIR.newJsonParser().encodeResourceToString(refusal));
            return;
        }
        respond(exchange, call == 1 ? 201 : 200, FHIR.newJsonParser().encodeResourceToString(a)); // 200: already there
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

    @Test
    void aBookingIsForwardedAsAConditionalCreateAndConfirmedOnlyWhenTheEhrAccepts() throws Exception {
        Outcome outcome = reconciler.book("req-1", book("appt-1"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isTrue();
        assertThat(outcome.event().getType()).isEqualTo(BookingEventType.BOOKED);
        assertThat(decided).extracting(BookingService.Command::type)
                .containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
        assertThat(conditions).containsExactly("identifier=" + SchedulingFhir.IDENTIFIER_SYSTEM + "|urn:uuid:appt-1");
        assertThat(received).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
            assertThat(a.getSlotFirstRep().getReference()).isEqualTo("Slot/acme.s1");
            assertThat(a.getParticipant()).extracting(p -> p.getActor().getReference())
                    .contains("PractitionerRole/acme.r1", "Patient/p1");
            assertThat(a.getComment()).isEqualTo("first visit");
        });
    }

    @Test
    void aRefusalReleasesTheHoldAndAnswersWithTheEhrsReason() throws Exception {
        mode = Mode.REFUSE;

        Outcome outcome = reconciler.book("req-2", book("appt-2"), List.of()).get(30, TimeUnit.SECONDS);

        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).isEqualTo(UpstreamReconciler.REFUSED);
        assertThat(outcome.reasonText()).contains("slot already booked in the EHR");
        assertThat(decided).extracting(BookingService.Command::type)
                .containsExactly(BookingRequestType.HOLD, BookingRequestType.RELEASE);
        assertThat(decided.get(1).comment()).contains("409").contains("slot already booked in the EHR");
        assertThat(outcomes.known("req-2")).contains(outcome);
    }

    @Test
    void aTimeoutLeavesTheBookingPendingAndTheRetryUsesTheSameIdentifier() {
        mode = Mode.SLOW_THEN_ACCEPT;

        var future = reconciler.book("req-3", book("appt-3"), List.of());

        // no answer within the EHR timeout: still held, nothing confirmed yet
        await().atMost(Duration.ofSeconds(15)).until(() -> calls.get() >= 1);
        sleep(1000);
        assertThat(decided).extracting(BookingService.Command::type).containsExactly(BookingRequestType.HOLD);
        assertThat(future).isNotDone();
        // the retry creates nothing new (same condition; the EHR answers 200: it has it) and confirms the booking
        await().atMost(Duration.ofSeconds(30)).until(future::isDone);
        assertThat(future.join().event().getType()).isEqualTo(BookingEventType.BOOKED);
        assertThat(conditions).hasSizeGreaterThanOrEqualTo(2).containsOnly(
                "identifier=" + SchedulingFhir.IDENTIFIER_SYSTEM + "|urn:uuid:appt-3");
        assertThat(decided).extracting(BookingService.Command::type)
                .containsExactly(BookingRequestType.HOLD, BookingRequestType.BOOK);
    }

    @Test
    void onlySourcesWithAnUpstreamAreReconciled() {
        assertThat(reconciler.handles("acme.sched")).isTrue();
        assertThat(reconciler.handles("other.sched")).isFalse();
    }
}
