package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.UpstreamForward;
import io.slotstream.booking.BookingBridgeApplication;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Referral;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Appointment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pending EHR forward outlives the instance that took the call (real broker and registry, SharedStack; two
 * booking-bridge instances one after the other in one consumer group, a test EHR speaking FHIR conditional create):
 * the first instance's call times out after the EHR created the Appointment and its retries find the EHR down; it is
 * closed; the second instance picks the forward up from booking.upstream-forwards.v1, finishes it with the same
 * identifier (the EHR creates nothing new), writes the BOOK and tombstones the forward, and answers the caller's
 * status URL. The decision point is stood in for by records written to booking.events.v1.
 */
class UpstreamForwardIntegrationTest {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String SOURCE = "fwd" + RUN;
    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final String SCHEDULE = SOURCE + ".sched";

    enum Mode { SLOW_FIRST, DOWN, ACCEPT, REFUSE }

    volatile Mode mode = Mode.SLOW_FIRST;
    final Map<String, Appointment> ehrStore = new ConcurrentHashMap<>();
    final AtomicInteger creates = new AtomicInteger();
    final List<String> calls = new CopyOnWriteArrayList<>();
    HttpServer ehr;
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    LocalStack stack;
    RegistrySettings registry;
    String ehrBase;
    /** the test's Appointment id */
    final String appointment = UUID.randomUUID().toString();

    @BeforeEach
    void start() throws IOException {
        stack = SharedStack.get();
        registry = new RegistrySettings(stack.registryApiUrl(), false);
        ehrBase = startEhr();
    }

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
        if (ehr != null) {
            ehr.stop(0);
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        if ("PUT".equals(exchange.getRequestMethod())) {
            update(exchange);
            return;
        }
        String condition = exchange.getRequestHeaders().getFirst("If-None-Exist");
        Appointment a = FHIR.newJsonParser().parseResource(Appointment.class,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Mode now = mode;
        if (now == Mode.DOWN) {
            calls.add(now + " " + condition);
            UpstreamReconcilerTest.respond(exchange, 503, "{\"resourceType\":\"OperationOutcome\"}");
            return;
        }
        String key = condition.substring(condition.indexOf('|') + 1);
        boolean existed = ehrStore.putIfAbsent(key, a) != null;
        if (!existed) {
            creates.incrementAndGet();
        }
        // recorded once its effect is in the store: a test that sees the call sees what it did
        calls.add(now + " " + condition);
        if (existed) {
            UpstreamReconcilerTest.respond(exchange, 200, FHIR.newJsonParser().encodeResourceToString(a));
            return;
        }
        if (now == Mode.SLOW_FIRST) {
            mode = Mode.DOWN; // created, but the answer comes too late; the EHR is down from now on
            UpstreamReconcilerTest.sleep(4000);
        }
        UpstreamReconcilerTest.respond(exchange, 201, FHIR.newJsonParser().encodeResourceToString(a));
    }

    /** Conditional update: too late on the first call (the EHR refuses every later one), refused in REFUSE mode. */
    void update(HttpExchange exchange) throws IOException {
        Mode now = mode;
        String condition = java.net.URLDecoder.decode(exchange.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
        Appointment a = FHIR.newJsonParser().parseResource(Appointment.class,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (now == Mode.SLOW_FIRST || now == Mode.ACCEPT) {
            ehrStore.put(condition.substring(condition.indexOf('|') + 1), a);
        }
        calls.add("PUT " + now + " " + condition); // after the store, as above
        if (now == Mode.SLOW_FIRST) {
            mode = Mode.REFUSE;
            UpstreamReconcilerTest.sleep(4000);
        }
        if (now == Mode.SLOW_FIRST || now == Mode.ACCEPT) {
            UpstreamReconcilerTest.respond(exchange, 200, "{\"resourceType\":\"Appointment\",\"status\":\"cancelled\"}");
        } else {
            UpstreamReconcilerTest.respond(exchange, now == Mode.DOWN ? 503 : 409, "{\"resourceType\":\"OperationOutcome\","
                    + "\"issue\":[{\"severity\":\"error\",\"code\":\"business-rule\",\"diagnostics\":\"checked in already\"}]}");
        }
    }

    /** @return the test EHR's FHIR base */
    String startEhr() throws IOException {
        ehr = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ehr.createContext("/fhir/Appointment", this::handle);
        ehr.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        ehr.start();
        return "http://127.0.0.1:" + ehr.getAddress().getPort() + "/fhir";
    }

    /** The stand-in decision point's writer of booking.events.v1. */
    static KafkaProducer<String, BookingEvent> decisions(LocalStack stack, RegistrySettings registry) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), TopicSerdes.valueSerde(Topics.BOOKING_EVENTS, registry).serializer());
    }

    /** {@code GET /booking/requests/<id>} of an instance. */
    static HttpResponse<String> status(HttpClient http, ConfigurableApplicationContext instance, String requestId)
            throws IOException, InterruptedException {
        int port = Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/booking/requests/" + requestId))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    ConfigurableApplicationContext instance(LocalStack stack, String ehrBase) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(BookingBridgeApplication.class).run(
                "--server.port=0",
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.booking.sources." + SOURCE + ".upstream-url=" + ehrBase,
                "--slotstream.booking.upstream-timeout=2s",
                "--slotstream.booking.upstream-retry-interval=1s",
                "--slotstream.booking.upstream-forwards.group-id=upstream-forwards-" + RUN,
                "--slotstream.booking.appointment-topic.enabled=false");
        instances.add(context);
        return context;
    }

    @Test
    void aPendingForwardIsFinishedByTheNextInstanceWithOneEhrCreate() throws Exception {
        String requestId = "book-" + RUN;
        String slot = SOURCE + ".slot-1";

        try (KafkaProducer<String, BookingEvent> events = decisions(stack, registry)) {
            // instance 1 takes the $book: the EHR creates it but answers too late, then is down for every retry
            ConfigurableApplicationContext first = instance(stack, ehrBase);
            var call = bookHeld(events, first, requestId, slot);
            ForwardRetrier firstRetrier = first.getBean(ForwardRetrier.class);
            await().atMost(Duration.ofSeconds(120)).until(() -> firstRetrier.pending().contains(appointment)
                    && calls.stream().filter(c -> c.startsWith("DOWN")).count() >= 2); // owner's retries failed too
            assertThat(call).isNotDone();
            assertThat(creates).hasValue(1);
            first.close();
            int callsBeforeSecond = calls.size();

            // the EHR is back; instance 2 (same consumer group) owns the forward now and finishes it
            mode = Mode.ACCEPT;
            ConfigurableApplicationContext second = instance(stack, ehrBase);
            List<BookingRequest> requests = new ArrayList<>();
            await().atMost(Duration.ofSeconds(180)).until(() -> {
                readAll(stack, registry, Topics.BOOKING_REQUESTS, (k, v) -> {
                    if (v != null && appointment.equals(v.getAppointmentId())) {
                        requests.add(v);
                    }
                });
                return requests.stream().anyMatch(r -> r.getType() == BookingRequestType.BOOK);
            });
            assertThat(requests).filteredOn(r -> r.getType() == BookingRequestType.BOOK).singleElement()
                    .satisfies(r -> assertThat(r.getRequestId()).isEqualTo(requestId));
            assertThat(requests).noneMatch(r -> r.getType() == BookingRequestType.RELEASE);
            assertThat(calls.subList(callsBeforeSecond, calls.size())).isNotEmpty()
                    .allSatisfy(c -> assertThat(c).isEqualTo("ACCEPT identifier=urn:ietf:rfc:3986|urn:uuid:" + appointment));
            assertThat(creates).as("EHR creates").hasValue(1);
            assertThat(ehrStore).containsOnlyKeys("urn:uuid:" + appointment);
            // the forward is over: its last record is a tombstone
            Map<String, UpstreamForward> last = new HashMap<>();
            List<String> keys = new ArrayList<>();
            readAll(stack, registry, Topics.UPSTREAM_FORWARDS, (k, v) -> {
                if (appointment.equals(k)) {
                    keys.add(k);
                    last.put(k, v);
                }
            });
            assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
            assertThat(last).containsEntry(appointment, null);
            assertThat(second.getBean(ForwardRetrier.class).pending()).doesNotContain(appointment);

            // the decision point books it; the caller's status URL answers on the second instance
            events.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), slot, event(appointment, requestId,
                    BookingEventType.BOOKED, BookingRequestType.BOOK, SCHEDULE, slot))).get();
            try (HttpClient http = HttpClient.newHttpClient()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    HttpResponse<String> status = status(http, second, requestId);
                    assertThat(status.statusCode()).isEqualTo(200);
                    assertThat(status.body()).contains("\"status\":\"booked\"").contains(appointment);
                });
            }
        }
    }

    /**
     * A {@code $book} the EHR created but answered too late, whose hold then expires while the EHR is down: the owner's
     * retry does not create it again but withdraws it (conditional update to cancelled, a forward of its own that
     * replaced the create), retries the withdrawal until the EHR is back, and releases the hold with the request id
     * {@code <call>:upstream-no-answer}, which answers the call.
     */
    @Test
    void aBookingWhoseHoldExpiresWhileTheEhrsAnswerIsUnknownIsWithdrawnFromTheEhr() throws Exception {
        String requestId = "expiring-" + RUN;
        String slot = SOURCE + ".slot-3";
        String key = "urn:uuid:" + appointment;

        try (KafkaProducer<String, BookingEvent> events = decisions(stack, registry)) {
            var call = bookHeld(events, instance(stack, ehrBase), requestId, slot);
            await().atMost(Duration.ofSeconds(120)).until(() -> calls.stream().filter(c -> c.startsWith("DOWN")).count() >= 1);
            assertThat(ehrStore.get(key).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);

            // the hold expires (the decision point's punctuation); the EHR is still down
            events.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), slot, event(appointment, null,
                    BookingEventType.HOLD_EXPIRED, null, SCHEDULE, slot))).get();
            await().atMost(Duration.ofSeconds(120)).until(() -> calls.contains("PUT DOWN " + condition()));
            assertThat(ehrStore.get(key).getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
            mode = Mode.ACCEPT;

            await().atMost(Duration.ofSeconds(120)).until(() -> calls.contains("PUT ACCEPT " + condition()));
            assertThat(ehrStore.get(key)).satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);
                assertThat(a.getSlotFirstRep().getReference()).isEqualTo("Slot/" + slot);
                assertThat(a.getStart()).isNotNull();
            });
            assertThat(creates).hasValue(1);
            assertThat(calls).filteredOn(c -> c.startsWith("ACCEPT")).as("no create after the hold ended").isEmpty();
            List<BookingRequest> requests = new ArrayList<>();
            readAll(stack, registry, Topics.BOOKING_REQUESTS, (k, v) -> {
                if (v != null && appointment.equals(v.getAppointmentId())) {
                    requests.add(v);
                }
            });
            // (the hold's mark was decided already: the stand-in's HOLD_PLACED carries its request id; a repeat of the
            // release, e.g. by a retry of a stale state of the forward, has the same request id: decided once)
            assertThat(requests).isNotEmpty().allSatisfy(r -> {
                assertThat(r.getType()).isEqualTo(BookingRequestType.RELEASE);
                assertThat(r.getRequestId()).isEqualTo(requestId + ":" + UpstreamReconciler.NO_ANSWER);
                assertThat(r.getComment()).contains("hold ended");
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, UpstreamForward> last = new HashMap<>();
                readAll(stack, registry, Topics.UPSTREAM_FORWARDS, (k, v) -> {
                    if (appointment.equals(k)) {
                        last.put(k, v);
                    }
                });
                assertThat(last).containsEntry(appointment, null);
            });
            assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS).reason()).isEqualTo(UpstreamReconciler.NO_ANSWER);
        }
    }

    /**
     * The stand-in decision point holds the slot for the test's Appointment (an hour, beyond the test; the hold's
     * request id is the one the $book marks it with, so the mark is decided already); {@code instance} takes the $book.
     */
    java.util.concurrent.CompletableFuture<io.slotstream.booking.command.Outcome> bookHeld(
            KafkaProducer<String, BookingEvent> events, ConfigurableApplicationContext instance, String requestId,
            String slot) throws Exception {
        events.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), slot, event(appointment, requestId + ":hold",
                BookingEventType.HOLD_PLACED, BookingRequestType.HOLD, SCHEDULE, slot))).get();
        AppointmentView view = instance.getBean(AppointmentView.class);
        await().atMost(Duration.ofSeconds(120)).until(() -> view.get(appointment).isPresent());
        return instance.getBean(UpstreamReconciler.class).book(requestId, new BookingService.Command(
                BookingRequestType.BOOK, SCHEDULE, appointment, List.of(), null, "Patient/p-" + RUN, null,
                List.of(), "via the EHR", Referral.NONE), List.of(slot));
    }

    String condition() {
        return "identifier=urn:ietf:rfc:3986|urn:uuid:" + appointment;
    }

    /**
     * A cancel whose first attempt the EHR answers too late and whose retry it refuses, with two instances in the
     * forward group: whichever owns the forward retries it and records the refusal as the RELEASE
     * {@code <call>:upstream-refused} on booking.requests.v1; the decision on it (stood in for: REJECTED not-held, as
     * the decision point answers a RELEASE of a booked Appointment) makes the caller's status URL answer the refusal on
     * both instances, also on the one that neither retried nor (for instance 2) took the call.
     */
    @Test
    void aCancelTheEhrRefusesOnARetryIsAnsweredOnEveryInstance() throws Exception {
        String requestId = "cancel-" + RUN;
        String slot = SOURCE + ".slot-2";

        try (KafkaProducer<String, BookingEvent> events = decisions(stack, registry)) {
            events.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), slot, event(appointment, "book-" + appointment,
                    BookingEventType.BOOKED, BookingRequestType.BOOK, SCHEDULE, slot))).get();
            ConfigurableApplicationContext first = instance(stack, ehrBase);
            ConfigurableApplicationContext second = instance(stack, ehrBase);
            for (ConfigurableApplicationContext c : List.of(first, second)) {
                AppointmentView view = c.getBean(AppointmentView.class);
                await().atMost(Duration.ofSeconds(120)).until(() -> view.get(appointment).isPresent());
            }
            var booked = first.getBean(AppointmentView.class).get(appointment).orElseThrow();

            var call = first.getBean(UpstreamReconciler.class).change(requestId, new BookingService.Command(
                    BookingRequestType.CANCEL, SCHEDULE, appointment, List.of(), null, booked.patient(), null,
                    booked.participants(), null, Referral.NONE), booked, null);

            // the owner's retry meets the refusal and writes its record
            String record = requestId + ":" + UpstreamReconciler.REFUSED;
            List<BookingRequest> written = new ArrayList<>();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                written.clear();
                readAll(stack, registry, Topics.BOOKING_REQUESTS, (k, v) -> {
                    if (v != null && appointment.equals(v.getAppointmentId())) {
                        written.add(v);
                    }
                });
                return !written.isEmpty();
            });
            assertThat(calls).filteredOn(c -> c.startsWith("PUT")).hasSizeGreaterThanOrEqualTo(2)
                    .first().asString().startsWith("PUT SLOW_FIRST");
            assertThat(written).singleElement().satisfies(r -> {
                assertThat(r.getType()).isEqualTo(BookingRequestType.RELEASE);
                assertThat(r.getRequestId()).isEqualTo(record);
                assertThat(r.getScheduleId()).isEqualTo(SCHEDULE);
                assertThat(r.getComment()).contains("cancellation").contains("409").contains("checked in already");
            });

            // the decision point's answer: a booked Appointment has no hold (nothing changes)
            BookingRequest r = written.get(0);
            events.send(new ProducerRecord<>(Topics.BOOKING_EVENTS.name(), slot, BookingEvent.newBuilder(
                    event(appointment, record, BookingEventType.REJECTED, BookingRequestType.RELEASE, SCHEDULE, slot))
                    .setReason("not-held").setReasonText("the appointment is not held").setComment(r.getComment())
                    .build())).get();
            try (HttpClient http = HttpClient.newHttpClient()) {
                for (ConfigurableApplicationContext c : List.of(first, second)) {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        HttpResponse<String> status = status(http, c, requestId);
                        assertThat(status.statusCode()).isEqualTo(200);
                        assertThat(status.body()).contains("OperationOutcome").contains("upstream-refused")
                                .contains("checked in already").doesNotContain("\"resourceType\":\"Appointment\"");
                    });
                    assertThat(c.getBean(AppointmentView.class).get(appointment).orElseThrow().status())
                            .isEqualTo("booked");
                }
            }
            // the call on instance 1: answered there by its own retry, or by the decision when instance 2 retried
            assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS).reason()).isEqualTo(UpstreamReconciler.REFUSED);
        }
    }

    static BookingEvent event(String appointment, String requestId, BookingEventType type, BookingRequestType request,
                              String schedule, String slot) {
        Instant now = Instant.now();
        return BookingEvent.newBuilder().setEventId(requestId + ":" + type).setSlotId(slot).setType(type)
                .setAppointmentId(appointment).setHoldId(type == BookingEventType.HOLD_PLACED ? appointment : null)
                .setEventTime(now).setSource("test").setRequestId(requestId).setRequestType(request)
                .setScheduleId(schedule).setSlotIds(List.of(slot)).setPatientReference("Patient/p-" + RUN)
                .setHoldExpiresAt(type == BookingEventType.HOLD_PLACED ? now.plus(Duration.ofHours(1)) : null)
                .setAppointmentStart(now.plus(Duration.ofDays(1))).setAppointmentEnd(now.plus(Duration.ofDays(1)).plusSeconds(900))
                .build();
    }

    /** Reads a whole topic from the start (read_committed). */
    static <V extends SpecificRecord> void readAll(LocalStack stack, RegistrySettings registry, Topic<V> topic,
                                                   BiConsumer<String, V> each) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), TopicSerdes.valueSerde(topic, registry).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(500))) {
                    each.accept(r.key(), r.value());
                }
            }
        }
    }
}
