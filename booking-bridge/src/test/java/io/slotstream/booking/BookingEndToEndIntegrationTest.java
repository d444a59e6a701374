package io.slotstream.booking;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.slotstream.availability.AvailabilityServiceApplication;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.SlotStatus;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * booking-bridge against the real stack: broker + registry (SharedStack), two availability-service instances (the
 * decision point and the Slot search, one Kafka Streams group) and booking-bridge, all in this JVM. Slots are written
 * to fhir.slot.v1 as ingest-service would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class BookingEndToEndIntegrationTest {

    static final String SNOMED = "http://snomed.info/sct";
    static final int CONTENTION_CLIENTS = 100;
    static final int RANDOM_SLOTS = 20;
    static final int RANDOM_OPERATIONS = 300;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String source = "bk" + run;
    private final String scheduleId = source + ".sched";
    private final String roleId = source + ".role";
    private final Instant day = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final IParser json = FhirContext.forR4Cached().newJsonParser();
    private String bridge;
    private String availability;
    private KafkaProducer<String, Object> producer;

    @BeforeAll
    void start() throws Exception {
        LocalStack stack = SharedStack.get();
        String appId = "booking-e2e-" + run;
        List<Integer> availabilityPorts = List.of(freePort(), freePort());
        // both modules have an application.yml at the classpath root; this one is booking-bridge's
        String location = AvailabilityServiceApplication.class.getProtectionDomain().getCodeSource().getLocation().toString();
        String availabilityConfig = location.endsWith(".jar") ? "jar:" + location + "!/application.yml" : location + "application.yml";
        for (int i = 0; i < availabilityPorts.size(); i++) {
            int port = availabilityPorts.get(i);
            contexts.add(new SpringApplicationBuilder(AvailabilityServiceApplication.class).run(
                    "--spring.config.location=" + availabilityConfig,
                    // its own application.yml only (above), so the module tests' security-off setting must be given here
                    "--slotstream.security.mode=off",
                    "--server.port=" + port,
                    "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                    "--slotstream.registry.url=" + stack.registryApiUrl(),
                    "--slotstream.streams.application-id=" + appId,
                    "--slotstream.streams.booking-application-id=" + appId + "-booking",
                    "--slotstream.streams.application-server=127.0.0.1:" + port,
                    "--slotstream.streams.state-dir=" + System.getProperty("java.io.tmpdir") + "/" + appId + "-" + i));
        }
        availability = "http://127.0.0.1:" + availabilityPorts.get(0);
        int bridgePort = freePort();
        contexts.add(new SpringApplicationBuilder(BookingBridgeApplication.class).run(
                "--server.port=" + bridgePort,
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.booking.availability-url=" + availability,
                "--slotstream.booking.outcome-timeout=60s"));
        bridge = "http://127.0.0.1:" + bridgePort;
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serializer<Object> values = (Serializer) TopicSerdes.valueSerde(Topics.SLOT,
                new RegistrySettings(stack.registryApiUrl(), false)).serializer();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values);
        send(Topics.SCHEDULE, scheduleId, FhirSchedule.newBuilder().setId(scheduleId).setProvenance(provenance(scheduleId))
                .setActor(List.of(io.slotstream.avro.Reference.newBuilder().setReference("PractitionerRole/" + roleId).build()))
                .setServiceType(List.of(concept("124"))).build());
        for (int i = 0; i < slotCount(); i++) {
            send(Topics.SLOT, slotId(i), slot(slotId(i), i));
        }
        producer.flush();
        for (String url : List.of(availability, "http://127.0.0.1:" + availabilityPorts.get(1), bridge)) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(url + "/actuator/health/readiness").statusCode() == 200);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                ((Bundle) parse(get(availability + "/fhir/Slot?schedule=" + scheduleId + "&_count=1&_total=accurate").body())).getTotal()
                        == slotCount());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        contexts.reversed().forEach(ConfigurableApplicationContext::close);
    }

    // slot 0: find/hold/book flow; 1: contention; 2: idempotency/async; 3..: random run
    int slotCount() {
        return 3 + RANDOM_SLOTS;
    }

    String slotId(int i) {
        return source + ".slot-" + i;
    }

    @Test
    void findHoldBookThenSearchAndRead() throws Exception {
        Parameters find = new Parameters();
        find.addParameter("start", new DateTimeType(java.util.Date.from(day)));
        find.addParameter("end", new DateTimeType(java.util.Date.from(day.plus(1, ChronoUnit.DAYS))));
        find.addParameter().setName("specialty").setValue(new org.hl7.fhir.r4.model.StringType(SNOMED + "|394802001"));
        HttpResponse<String> found = post("/fhir/Appointment/$find?_count=5", find, Map.of());
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        Bundle proposals = (Bundle) parse(found.body());
        assertThat(proposals.getTotal()).isGreaterThanOrEqualTo(slotCount() - 3);
        Appointment first = (Appointment) proposals.getEntryFirstRep().getResource();
        assertThat(first.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);
        assertThat(first.getMeta().getProfile().getFirst().getValue()).endsWith("ihe-sched-appt");
        assertThat(first.getSlotFirstRep().getReference()).isEqualTo("Slot/" + slotId(0));
        assertThat(first.getParticipantFirstRep().getActor().getReference()).isEqualTo("PractitionerRole/" + roleId);

        Parameters hold = new Parameters();
        hold.addParameter().setName("appointment-reference").setValue(new Reference("Appointment/" + first.getIdPart()));
        Bundle held = (Bundle) parse(post("/fhir/Appointment/$hold", hold, Map.of()).body());
        Appointment pending = (Appointment) held.getEntryFirstRep().getResource();
        assertThat(pending.getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        // held: busy-tentative in search, not proposed again
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Slot) parse(get(availability + "/fhir/Slot/" + slotId(0)).body()))
                .getStatus() == Slot.SlotStatus.BUSYTENTATIVE);
        Bundle again = (Bundle) parse(post("/fhir/Appointment/$find?_count=50", find, Map.of()).body());
        assertThat(again.getEntry()).extracting(e -> e.getResource() instanceof Appointment a ? a.getSlotFirstRep().getReference() : "")
                .doesNotContain("Slot/" + slotId(0));
        // a second hold of the same proposal loses (ITI-116: fatal not-found, only an OperationOutcome)
        Bundle lost = (Bundle) parse(post("/fhir/Appointment/$hold", hold, Map.of()).body());
        assertThat(lost.getEntry()).singleElement().satisfies(e -> {
            OperationOutcome oo = (OperationOutcome) e.getResource();
            assertThat(oo.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.FATAL);
            assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.NOTFOUND);
            assertThat(oo.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("slot-held");
        });

        Parameters book = new Parameters();
        book.addParameter().setName("appointment-reference").setValue(new Reference("Appointment/" + pending.getIdPart()));
        book.addParameter().setName("patient-resource").setResource(new Patient().setId("pat-" + run));
        Bundle booked = (Bundle) parse(post("/fhir/Appointment/$book", book, Map.of()).body());
        Appointment appointment = (Appointment) booked.getEntryFirstRep().getResource();
        assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(appointment.getIdPart()).isEqualTo(pending.getIdPart());
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Slot) parse(get(availability + "/fhir/Slot/" + slotId(0)).body()))
                .getStatus() == Slot.SlotStatus.BUSY);

        Bundle search = (Bundle) parse(get(bridge + "/fhir/Appointment?patient=Patient/pat-" + run + "&date=ge"
                + day.toString().substring(0, 10)).body());
        assertThat(search.getTotal()).isEqualTo(1);
        assertThat(((Appointment) search.getEntryFirstRep().getResource()).getIdPart()).isEqualTo(appointment.getIdPart());
        Appointment read = (Appointment) parse(get(bridge + "/fhir/Appointment/" + appointment.getIdPart()).body());
        assertThat(read.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(read.getParticipant()).extracting(p -> p.getActor().getReference()).contains("Patient/pat-" + run);

        // cancel: the slot is free again
        Appointment cancel = new Appointment().setStatus(Appointment.AppointmentStatus.CANCELLED);
        cancel.setId(appointment.getIdPart());
        Parameters cancelParams = new Parameters();
        cancelParams.addParameter().setName("appointment-resource").setResource(cancel);
        Bundle cancelled = (Bundle) parse(post("/fhir/Appointment/$book", cancelParams, Map.of()).body());
        assertThat(((Appointment) cancelled.getEntryFirstRep().getResource()).getStatus())
                .isEqualTo(Appointment.AppointmentStatus.CANCELLED);
        await().atMost(Duration.ofSeconds(30)).until(() -> ((Slot) parse(get(availability + "/fhir/Slot/" + slotId(0)).body()))
                .getStatus() == Slot.SlotStatus.FREE);
    }

    @Test
    void hundredConcurrentBookingsOfOneSlotGiveExactlyOneBooking() throws Exception {
        List<Future<Bundle>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CONTENTION_CLIENTS)) {
            for (int i = 0; i < CONTENTION_CLIENTS; i++) {
                calls.add(pool.submit(() -> (Bundle) parse(post("/fhir/Appointment/$book", bookSlots(slotId(1)), Map.of()).body())));
            }
        }
        int booked = 0;
        List<String> reasons = new ArrayList<>();
        for (Future<Bundle> call : calls) {
            Bundle bundle = call.get();
            assertThat(bundle.getEntry()).hasSize(1);
            if (bundle.getEntryFirstRep().getResource() instanceof Appointment a) {
                assertThat(a.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
                booked++;
            } else {
                OperationOutcome oo = (OperationOutcome) bundle.getEntryFirstRep().getResource();
                reasons.add(oo.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
                assertThat(oo.getIssueFirstRep().getDiagnostics()).contains(slotId(1));
            }
        }
        assertThat(booked).isEqualTo(1);
        assertThat(reasons).hasSize(CONTENTION_CLIENTS - 1).containsOnly("slot-booked");
    }

    @Test
    void sameRequestIdSameOutcomeAndAsyncAnswersWithAStatusUrl() throws Exception {
        String requestId = "req-" + run;
        Bundle first = (Bundle) parse(post("/fhir/Appointment/$book", bookSlots(slotId(2)), Map.of("X-Request-Id", requestId)).body());
        Bundle retry = (Bundle) parse(post("/fhir/Appointment/$book", bookSlots(slotId(2)), Map.of("X-Request-Id", requestId)).body());
        String id = ((Appointment) first.getEntryFirstRep().getResource()).getIdPart();
        assertThat(((Appointment) retry.getEntryFirstRep().getResource()).getIdPart()).isEqualTo(id);
        Bundle search = (Bundle) parse(get(bridge + "/fhir/Appointment?_id=" + id).body());
        assertThat(search.getTotal()).isEqualTo(1);

        HttpResponse<String> async = post("/fhir/Appointment/$book", bookSlots(slotId(2)),
                Map.of("Prefer", "respond-async", "X-Request-Id", "async-" + run));
        assertThat(async.statusCode()).isEqualTo(202);
        String status = async.headers().firstValue("Content-Location").orElseThrow();
        assertThat(status).endsWith("/booking/requests/async-" + run);
        await().atMost(Duration.ofSeconds(60)).until(() -> get(status).statusCode() == 200);
        Bundle decided = (Bundle) parse(get(status).body());
        assertThat(((OperationOutcome) decided.getEntryFirstRep().getResource()).getIssueFirstRep().getDetails()
                .getCodingFirstRep().getCode()).isEqualTo("slot-booked");
    }

    @Test
    void randomizedMixedOperationsNeverBookASlotTwiceAndEverySuccessIsSearchable() throws Exception {
        Random random = new Random(run.hashCode());
        Map<String, String> bookedBy = new ConcurrentHashMap<>(); // appointment id -> slot, as the client believes
        Set<String> cancelled = ConcurrentHashMap.newKeySet();
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < RANDOM_OPERATIONS; i++) {
                String slot = slotId(3 + random.nextInt(RANDOM_SLOTS));
                int op = random.nextInt(10);
                calls.add(pool.submit(() -> {
                    if (op < 7 || bookedBy.isEmpty()) {
                        Bundle b = (Bundle) parse(post("/fhir/Appointment/$book", bookSlots(slot), Map.of()).body());
                        if (b.getEntryFirstRep().getResource() instanceof Appointment a) {
                            bookedBy.put(a.getIdPart(), slot);
                        }
                    } else {
                        String victim = bookedBy.keySet().stream().skip(random.nextInt(bookedBy.size())).findFirst().orElseThrow();
                        Appointment cancel = new Appointment().setStatus(Appointment.AppointmentStatus.CANCELLED);
                        cancel.setId(victim);
                        Parameters p = new Parameters();
                        p.addParameter().setName("appointment-resource").setResource(cancel);
                        HttpResponse<String> r = post("/fhir/Appointment/$book", p, Map.of());
                        if (r.statusCode() == 200 && parse(r.body()) instanceof Bundle b
                                && b.getEntryFirstRep().getResource() instanceof Appointment a
                                && a.getStatus() == Appointment.AppointmentStatus.CANCELLED) {
                            cancelled.add(victim);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        assertThat(bookedBy).isNotEmpty();
        Bundle all = (Bundle) parse(get(bridge + "/fhir/Appointment?status=booked&_count=500&date=ge"
                + day.toString().substring(0, 10)).body());
        Map<String, String> slotOwner = new HashMap<>();
        Set<String> searchable = new HashSet<>();
        for (Bundle.BundleEntryComponent e : all.getEntry()) {
            Appointment a = (Appointment) e.getResource();
            for (Reference s : a.getSlot()) {
                String previous = slotOwner.put(s.getReference(), a.getIdPart());
                assertThat(previous).as("slot %s booked by %s and %s", s.getReference(), previous, a.getIdPart()).isNull();
            }
            searchable.add(a.getIdPart());
        }
        for (String appointment : bookedBy.keySet()) {
            if (!cancelled.contains(appointment)) {
                assertThat(searchable).as("successful booking %s in ITI-118 search", appointment).contains(appointment);
            }
        }
    }

    @Test
    void capabilityStatementDeclaresTheSchedulingOperationsAndSearch() throws Exception {
        CapabilityStatement cs = (CapabilityStatement) parse(get(bridge + "/fhir/metadata").body());
        CapabilityStatement.CapabilityStatementRestResourceComponent appointment = cs.getRestFirstRep().getResource()
                .stream().filter(r -> r.getType().equals("Appointment")).findFirst().orElseThrow();
        assertThat(appointment.getOperation()).extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("find", "hold", "book");
        assertThat(appointment.getSearchParam()).extracting(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
                .contains("patient", "date", "status", "identifier", "_id", "actor");
        assertThat(appointment.getInteraction()).extracting(i -> i.getCode().toCode()).contains("read", "search-type");
    }

    private Parameters bookSlots(String slot) {
        Appointment proposed = new Appointment().setStatus(Appointment.AppointmentStatus.PENDING);
        proposed.addSlot(new Reference("Slot/" + slot));
        Parameters p = new Parameters();
        p.addParameter().setName("appointment-resource").setResource(proposed);
        return p;
    }

    private FhirSlot slot(String id, int i) {
        Instant start = day.plus(8, ChronoUnit.HOURS).plus(15L * i, ChronoUnit.MINUTES);
        return FhirSlot.newBuilder().setId(id).setProvenance(provenance(id))
                .setSchedule(io.slotstream.avro.Reference.newBuilder().setReference("Schedule/" + scheduleId).build())
                .setStatus(SlotStatus.FREE).setSpecialty(List.of(concept("394802001")))
                .setStart(start).setStartOffsetSeconds(0).setEnd(start.plus(15, ChronoUnit.MINUTES)).setEndOffsetSeconds(0)
                .build();
    }

    private static Provenance provenance(String id) {
        Instant now = Instant.now();
        return Provenance.newBuilder().setSource("test").setSourceResourceId(id).setEventTime(now).setIngestTime(now).build();
    }

    private static CodeableConcept concept(String code) {
        return CodeableConcept.newBuilder().setCoding(List.of(Coding.newBuilder().setSystem(SNOMED).setCode(code).build())).build();
    }

    private <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(topic.name(), key, value));
    }

    private HttpResponse<String> post(String path, Parameters body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(body)));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (!url.contains("/actuator/")) {
            request.header("Accept", "application/fhir+json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private IBaseResource parse(String body) {
        return json.parseResource(body);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
