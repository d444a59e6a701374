package io.slotstream.booking;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.slotstream.availability.AvailabilityServiceApplication;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.SlotStatus;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.AuditEvent;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * booking-bridge against the real stack: broker + registry (SharedStack), two availability-service instances (the
 * decision point and the Slot search, one Kafka Streams group) and booking-bridge, all in this JVM. Slots are written
 * to fhir.slot.v1 as ingest-service would. A second booking-bridge runs in token mode (real signed JWTs,
 * {@link SignedTokens}) for the patient-context rules ({@code fhir.PatientAccess}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class BookingEndToEndIntegrationTest {

    static final String SNOMED = "http://snomed.info/sct";
    static final int CONTENTION_CLIENTS = 100;
    /** The randomized run (issue 11, "Done when"): 2,000 mixed operations over 50 slots by concurrent clients. */
    static final int RANDOM_SLOTS = 50;
    static final int RANDOM_OPERATIONS = 2_000;
    static final int RANDOM_CLIENTS = 10;
    static final long DEFAULT_SEED = 20_261_130L;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String source = "bk" + run;
    private final String scheduleId = source + ".sched";
    private final String roleId = source + ".role";
    private final Instant day = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final IParser json = FhirContext.forR4Cached().newJsonParser();
    private String bridge;
    /** booking-bridge in token mode (security on), same stack and decision point. */
    private String securedBridge;
    private SignedTokens tokens;
    private String availability;
    private KafkaProducer<String, Object> producer;

    @BeforeAll
    void start() throws Exception {
        LocalStack stack = SharedStack.get();
        String appId = "booking-e2e-" + run;
        List<Integer> availabilityPorts = List.of(Ports.free("127.0.0.1"), Ports.free("127.0.0.1"));
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
        int bridgePort = Ports.free("127.0.0.1");
        contexts.add(new SpringApplicationBuilder(BookingBridgeApplication.class).run(
                "--server.port=" + bridgePort,
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.booking.availability-url=" + availability,
                "--slotstream.booking.outcome-timeout=60s"));
        bridge = "http://127.0.0.1:" + bridgePort;
        tokens = new SignedTokens();
        int securedPort = Ports.free("127.0.0.1");
        List<String> secured = new ArrayList<>(List.of(
                "--server.port=" + securedPort,
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.booking.availability-url=" + availability,
                "--slotstream.booking.outcome-timeout=60s",
                "--slotstream.booking.appointment-topic.enabled=false"));
        secured.addAll(List.of(tokens.serviceSettings()));
        contexts.add(new SpringApplicationBuilder(BookingBridgeApplication.class).run(secured.toArray(String[]::new)));
        securedBridge = "http://127.0.0.1:" + securedPort;
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
        for (String url : List.of(availability, "http://127.0.0.1:" + availabilityPorts.get(1), bridge, securedBridge)) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> get(url + "/actuator/health/readiness").statusCode() == 200);
        }
        // while the two instances still balance the view's partitions a search may answer 503 (an OperationOutcome)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var search = get(availability + "/fhir/Slot?schedule=" + scheduleId + "&_count=1&_total=accurate");
            return search.statusCode() == 200 && ((Bundle) parse(search.body())).getTotal() == slotCount();
        });
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        contexts.reversed().forEach(ConfigurableApplicationContext::close);
        if (tokens != null) {
            tokens.close();
        }
    }

    // slot 0: find/hold/book flow; 1: contention; 2: idempotency/async; 3: open scheduling; 4, 5: patient tokens;
    // 6..: random run
    int slotCount() {
        return 6 + RANDOM_SLOTS;
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
        // more matches than the page: no total (counting them all is what made $find slow), a next link instead
        assertThat(proposals.hasTotal()).as("total without counting every match").isFalse();
        assertThat(proposals.getEntry()).hasSize(5);
        assertThat(proposals.getLink(Bundle.LINK_NEXT)).as("next page").isNotNull();
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

        // the audit trail: audit.events.v1 (real broker + registry) read back through booking-bridge's AuditEvent search
        String appointmentRef = "Appointment/" + appointment.getIdPart();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> auditEvents("entity=" + appointmentRef).size() == 4);
        List<AuditEvent> trail = auditEvents("entity=" + appointmentRef).reversed(); // oldest first
        assertThat(trail).extracting(e -> e.getSubtype().getLast().getCode() + " " + e.getSubtype().getLast().getDisplay())
                .containsExactly("$hold $hold (hold)", "$book $book (book)", "ITI-118 Find Existing Appointments", "$book $book (cancel)");
        for (AuditEvent e : trail) {
            assertThat(e.getType().getCode()).isEqualTo("rest");
            assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
            assertThat(e.getRecorded()).isBetween(java.util.Date.from(day.minus(4, ChronoUnit.DAYS)), new java.util.Date());
            assertThat(e.getAgentFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("110153");
            assertThat(e.getAgentFirstRep().getNetwork().getAddress()).isEqualTo("127.0.0.1");
            assertThat(e.getAgent().get(1).getWho().getIdentifier().getValue()).isEqualTo("booking-bridge");
            assertThat(e.getSource().getObserver().getIdentifier().getValue()).isEqualTo("booking-bridge");
            assertThat(e.getEntity()).filteredOn(x -> "4".equals(x.getRole().getCode()))
                    .singleElement().satisfies(x -> assertThat(x.getWhat().getReference()).isEqualTo(appointmentRef));
        }
        AuditEvent hold0 = trail.get(0);
        assertThat(hold0.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
        assertThat(hold0.getSubtype()).extracting(org.hl7.fhir.r4.model.Coding::getCode).containsExactly("operation", "ITI-116", "$hold");
        AuditEvent book0 = trail.get(1);
        assertThat(book0.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
        assertThat(book0.getSubtype()).extracting(org.hl7.fhir.r4.model.Coding::getCode).containsExactly("operation", "ITI-117", "$book");
        assertThat(book0.getMeta().getProfile().getFirst().getValue()).endsWith("IHE.Scheduling.Book.Audit.Recipient");
        AuditEvent read0 = trail.get(2);
        assertThat(read0.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
        assertThat(read0.getMeta().getProfile().getFirst().getValue()).endsWith("IHE.BasicAudit.PatientRead");
        for (AuditEvent e : trail.subList(1, 4)) {
            assertThat(e.getEntity()).filteredOn(x -> "1".equals(x.getRole().getCode())).singleElement()
                    .satisfies(x -> {
                        assertThat(x.getWhat().getReference()).isEqualTo("Patient/pat-" + run);
                        assertThat(x.getWhat().hasDisplay()).isFalse();
                    });
        }
        // the ITI-118 search is a BALP PatientQuery carrying its query
        List<AuditEvent> searches = auditEvents("patient=Patient/pat-" + run + "&action=E");
        assertThat(searches).singleElement().satisfies(e -> {
            assertThat(e.getMeta().getProfile().getFirst().getValue()).endsWith("IHE.BasicAudit.PatientQuery");
            assertThat(new String(e.getEntityFirstRep().getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                    .startsWith("patient=Patient/pat-" + run + "&date=ge");
        });
        // the lost hold: HTTP 200 with an OperationOutcome, recorded as a minor failure with the reason
        assertThat(auditEvents("subtype=ITI-116&outcome=4&date=ge" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)))
                .anySatisfy(e -> assertThat(e.getOutcomeDesc()).startsWith("HTTP 200: slot-held"));
        assertThat(auditEvents("agent=booking-bridge&entity=" + appointmentRef + "&_count=2")).hasSize(2);
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
    void aPatientUnknownToTheSourceIsBookedWithTheDetailsItNeedsAsAContainedPatient() throws Exception {
        Parameters book = bookSlots(slotId(3));
        Patient given = new Patient();
        given.addIdentifier().setSystem("urn:slotstream:web:patient").setValue("open-" + run);
        given.addName().setFamily("Okafor").addGiven("Ada");
        given.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("+1 555 0100");
        given.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1990-04-01"));
        given.addAddress().setCity("Springfield"); // more than the booking needs: not kept
        book.addParameter().setName("patient-resource").setResource(given);
        Appointment booked = (Appointment) ((Bundle) parse(post("/fhir/Appointment/$book", book, Map.of()).body()))
                .getEntryFirstRep().getResource();
        assertThat(booked.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);

        Appointment read = (Appointment) parse(get(bridge + "/fhir/Appointment/" + booked.getIdPart()).body());
        Reference actor = read.getParticipant().stream().map(Appointment.AppointmentParticipantComponent::getActor)
                .filter(r -> "Patient".equals(r.getType())).findFirst().orElseThrow();
        assertThat(actor.getIdentifier().getValue()).isEqualTo("open-" + run);
        assertThat(actor.getResource()).as("the participant points at the contained Patient")
                .isInstanceOf(Patient.class);
        Patient contained = (Patient) actor.getResource();
        assertThat(contained.getNameFirstRep().getFamily()).isEqualTo("Okafor");
        assertThat(contained.getNameFirstRep().getGivenAsSingleString()).isEqualTo("Ada");
        assertThat(contained.getTelecomFirstRep().getValue()).isEqualTo("+1 555 0100");
        assertThat(contained.getBirthDateElement().getValueAsString()).isEqualTo("1990-04-01");
        assertThat(contained.hasAddress()).isFalse();
        // the search by the patient identifier finds it
        Bundle search = (Bundle) parse(get(bridge + "/fhir/Appointment?patient.identifier=urn:slotstream:web:patient%7Copen-"
                + run + "&date=ge" + day.toString().substring(0, 10)).body());
        assertThat(search.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(booked.getIdPart());
    }

    @Test
    void randomizedMixedOperationsNeverBookASlotTwiceAndEverySuccessIsSearchable() throws Exception {
        long seed = Long.getLong("slotstream.booking.seed", DEFAULT_SEED);
        System.out.printf("randomized booking run: seed %d (replay: -Dslotstream.booking.seed=%d), %d operations, "
                + "%d clients, %d slots%n", seed, seed, RANDOM_OPERATIONS, RANDOM_CLIENTS, RANDOM_SLOTS);
        List<String> slots = new ArrayList<>();
        for (int i = 0; i < RANDOM_SLOTS; i++) {
            slots.add(slotId(6 + i));
        }
        MixedBookingRun mixed = new MixedBookingRun(this::post, seed, run, slots, day);
        mixed.run(RANDOM_CLIENTS, RANDOM_OPERATIONS);
        System.out.println("randomized booking run (seed " + seed + "): " + mixed.summary());
        for (MixedBookingRun.Op op : MixedBookingRun.Op.values()) {
            assertThat(mixed.successes(op)).as("successful %s calls (seed %d)", op, seed).isPositive();
        }

        // booking.events.v1: in log order, no BOOKED of a slot while another appointment holds its booking
        Set<String> ours = Set.copyOf(slots);
        Map<String, String> owner = new HashMap<>();
        int bookedEvents = 0;
        for (BookingEvent e : bookingEvents()) {
            if (!ours.contains(e.getSlotId())) {
                continue;
            }
            assertThat(e.getType()).as("no conflicts in this run").isNotEqualTo(BookingEventType.CONFLICT);
            if (e.getType() == BookingEventType.BOOKED) {
                String previous = owner.putIfAbsent(e.getSlotId(), e.getAppointmentId());
                assertThat(previous).as("Slot/%s booked by %s while booked by %s (seed %d)", e.getSlotId(),
                        e.getAppointmentId(), previous, seed).isNull();
                bookedEvents++;
            } else if (e.getType() == BookingEventType.CANCELLED) {
                owner.remove(e.getSlotId(), e.getAppointmentId());
            }
        }
        assertThat(bookedEvents).isEqualTo(mixed.bookedSlots().size());

        // ITI-118: every successful call's Appointment with the status its calls imply, no slot booked twice
        Map<String, Appointment> found = new HashMap<>();
        String page = bridge + "/fhir/Appointment?date=ge" + day.toString().substring(0, 10) + "&date=lt"
                + day.plus(1, ChronoUnit.DAYS).toString().substring(0, 10) + "&_count=500";
        while (page != null) {
            Bundle bundle = (Bundle) parse(get(page).body());
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                if (e.getResource() instanceof Appointment a && a.getSlot().stream()
                        .anyMatch(r -> ours.contains(r.getReferenceElement().getIdPart()))) {
                    found.put(a.getIdPart(), a);
                }
            }
            page = bundle.getLink(Bundle.LINK_NEXT) == null ? null : bundle.getLink(Bundle.LINK_NEXT).getUrl();
        }
        MixedBookingRun.bookedBySlot(found).forEach((slot, ids) ->
                assertThat(ids).as("booked Appointments of Slot/%s in ITI-118 search (seed %d)", slot, seed).hasSize(1));
        mixed.expectedStatus().forEach((id, status) -> {
            assertThat(found).as("Appointment/%s of a successful call in ITI-118 search (seed %d)", id, seed).containsKey(id);
            assertThat(found.get(id).getStatus().toCode()).as("status of Appointment/%s (seed %d)", id, seed)
                    .isEqualTo(status);
        });
        mixed.bookedSlots().forEach((id, slot) -> assertThat(found.get(id).getSlot())
                .extracting(r -> r.getReferenceElement().getIdPart()).containsExactly(slot));
    }

    /** @return every record of booking.events.v1, in partition order (all partitions, from the start to the end) */
    private List<BookingEvent> bookingEvents() {
        LocalStack stack = SharedStack.get();
        List<BookingEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, BookingEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), TopicSerdes.valueSerde(Topics.BOOKING_EVENTS,
                new RegistrySettings(stack.registryApiUrl(), false)).deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BOOKING_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return events;
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

    /**
     * Issue 16, "a patient token can only see and change that patient's appointments", with real signed tokens at the
     * token-mode bridge: own hold and book accepted, another patient named in the body 403 naming the parameter,
     * another patient's Appointment 404 for book, read, modify and cancel, searches and request ids of others hidden,
     * system tokens as before, and every call on the audit trail.
     */
    @Test
    void patientTokensHoldBookReadAndCancelOnlyTheirOwnPatientsAppointments() throws Exception {
        String a = "pat-a-" + run;
        String b = "pat-b-" + run;
        String clientB = "patient-app-b-" + run;
        String tokenA = tokens.token("patient-app-a-" + run, "patient/Appointment.crus", a);
        String tokenB = tokens.token(clientB, "patient/Appointment.crus", b);
        String system = tokens.token("booking-app-" + run, "system/Appointment.crus system/AuditEvent.rs", null);

        Parameters find = new Parameters();
        find.addParameter("start", new DateTimeType(java.util.Date.from(day)));
        find.addParameter("end", new DateTimeType(java.util.Date.from(day.plus(1, ChronoUnit.DAYS))));
        HttpResponse<String> found = secured("POST", "/fhir/Appointment/$find?_count=100", tokenA, find, Map.of());
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        String proposal = ((Bundle) parse(found.body())).getEntry().stream()
                .map(e -> e.getResource() instanceof Appointment p ? p : null)
                .filter(p -> p != null && p.getSlotFirstRep().getReference().equals("Slot/" + slotId(4)))
                .findFirst().orElseThrow().getIdPart();

        // the hold is patient A's (ITI-116 has no patient parameter: the token's patient)
        Parameters hold = new Parameters();
        hold.addParameter().setName("appointment-reference").setValue(new Reference("Appointment/" + proposal));
        HttpResponse<String> held = secured("POST", "/fhir/Appointment/$hold", tokenA, hold, Map.of("X-Request-Id", "hold-a-" + run));
        assertThat(held.statusCode()).as(held.body()).isEqualTo(200);
        Appointment pending = (Appointment) ((Bundle) parse(held.body())).getEntryFirstRep().getResource();
        assertThat(pending.getStatus()).isEqualTo(Appointment.AppointmentStatus.PENDING);
        String id = pending.getIdPart();
        Parameters bookHeld = new Parameters();
        bookHeld.addParameter().setName("appointment-reference").setValue(new Reference("Appointment/" + id));

        // patient B: A's hold is unknown to it, A's request id and its outcome too
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenB, bookHeld, Map.of()), 404, null, null);
        assertOutcome(secured("POST", "/fhir/Appointment/$hold", tokenB, hold, Map.of("X-Request-Id", "hold-a-" + run)),
                409, "conflict", "X-Request-Id");
        assertOutcome(secured("GET", "/booking/requests/hold-a-" + run, tokenB, null, Map.of()), 404, "not-found", "requestId");
        assertThat(secured("GET", "/booking/requests/hold-a-" + run, tokenA, null, Map.of()).statusCode()).isEqualTo(200);

        // patient A naming another patient, or a patient without id: 403 naming the parameter, nothing booked
        Parameters forB = bookHeld.copy();
        forB.addParameter().setName("patient-resource").setResource(new Patient().setId(b));
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenA, forB, Map.of()), 403, "forbidden", "patient-resource");
        Parameters withoutId = bookHeld.copy();
        Patient unknown = new Patient();
        unknown.addIdentifier().setSystem("urn:oid:1.2.3").setValue("mrn-" + run);
        withoutId.addParameter().setName("patient-resource").setResource(unknown);
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenA, withoutId, Map.of()), 403, "forbidden", "patient-resource");
        Parameters slotsForB = bookSlots(slotId(5));
        ((Appointment) slotsForB.getParameterFirstRep().getResource()).addParticipant().setActor(new Reference("Patient/" + b));
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenA, slotsForB, Map.of()), 403, "forbidden",
                "appointment-resource.participant[0].actor");

        // patient A books its own hold, naming itself or not
        Parameters forA = bookHeld.copy();
        forA.addParameter().setName("patient-resource").setResource(new Patient().setId(a));
        HttpResponse<String> bookedAnswer = secured("POST", "/fhir/Appointment/$book", tokenA, forA, Map.of());
        assertThat(bookedAnswer.statusCode()).as(bookedAnswer.body()).isEqualTo(200);
        Appointment booked = (Appointment) ((Bundle) parse(bookedAnswer.body())).getEntryFirstRep().getResource();
        assertThat(booked.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(booked.getIdPart()).isEqualTo(id);

        // read: A and a system token yes; B 404 as for an id that does not exist
        HttpResponse<String> readA = secured("GET", "/fhir/Appointment/" + id, tokenA, null, Map.of());
        assertThat(readA.statusCode()).as(readA.body()).isEqualTo(200);
        assertThat(((Appointment) parse(readA.body())).getParticipant()).extracting(p -> p.getActor().getReference())
                .contains("Patient/" + a);
        assertThat(secured("GET", "/fhir/Appointment/" + id, system, null, Map.of()).statusCode()).isEqualTo(200);
        assertOutcome(secured("GET", "/fhir/Appointment/" + id, tokenB, null, Map.of()), 404, null, null);
        assertOutcome(secured("GET", "/fhir/Appointment/unknown-" + run, tokenB, null, Map.of()), 404, null, null);

        // search: A finds it; B's value list naming A is refused at the edge (every list item must be B)
        Bundle ownSearch = (Bundle) parse(secured("GET", "/fhir/Appointment?patient=Patient/" + a, tokenA, null, Map.of()).body());
        assertThat(ownSearch.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).containsExactly(id);
        HttpResponse<String> listSearch = secured("GET", "/fhir/Appointment?patient=Patient/" + a + ",Patient/" + b, tokenB, null, Map.of());
        assertThat(listSearch.statusCode()).as(listSearch.body()).isEqualTo(403);
        assertThat(listSearch.body()).contains("forbidden").doesNotContain("\"resourceType\":\"Appointment\"");

        // B can neither reschedule nor cancel A's appointment: 404, and it stays booked
        Appointment move = new Appointment().setStatus(Appointment.AppointmentStatus.BOOKED);
        move.setId(id);
        move.addSlot(new Reference("Slot/" + slotId(5)));
        Parameters modify = new Parameters();
        modify.addParameter().setName("appointment-resource").setResource(move);
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenB, modify, Map.of()), 404, null, null);
        Appointment cancel = new Appointment().setStatus(Appointment.AppointmentStatus.CANCELLED);
        cancel.setId(id);
        Parameters cancelParams = new Parameters();
        cancelParams.addParameter().setName("appointment-resource").setResource(cancel);
        assertOutcome(secured("POST", "/fhir/Appointment/$book", tokenB, cancelParams, Map.of()), 404, null, null);
        assertThat(((Appointment) parse(secured("GET", "/fhir/Appointment/" + id, system, null, Map.of()).body())).getStatus())
                .isEqualTo(Appointment.AppointmentStatus.BOOKED);
        // A cancels its own
        HttpResponse<String> cancelled = secured("POST", "/fhir/Appointment/$book", tokenA, cancelParams, Map.of());
        assertThat(((Appointment) ((Bundle) parse(cancelled.body())).getEntryFirstRep().getResource()).getStatus())
                .as(cancelled.body()).isEqualTo(Appointment.AppointmentStatus.CANCELLED);

        // a system token is bound to no patient (as before): it books slot 5 for B, whom B then reads
        Parameters bookForB = bookSlots(slotId(5));
        bookForB.addParameter().setName("patient-resource").setResource(new Patient().setId(b));
        HttpResponse<String> systemBooked = secured("POST", "/fhir/Appointment/$book", system, bookForB, Map.of());
        Appointment forPatientB = (Appointment) ((Bundle) parse(systemBooked.body())).getEntryFirstRep().getResource();
        assertThat(forPatientB.getStatus()).as(systemBooked.body()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
        assertThat(secured("GET", "/fhir/Appointment/" + forPatientB.getIdPart(), tokenB, null, Map.of()).statusCode())
                .isEqualTo(200);

        // the audit trail: A's hold and book with A as the patient, B's refused attempts as failures of its client
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                securedAuditEvents(system, "patient=Patient/" + a + "&entity=Appointment/" + id).size() >= 3
                        && securedAuditEvents(system, "agent=" + clientB).size() >= 7);
        assertThat(securedAuditEvents(system, "patient=Patient/" + a + "&entity=Appointment/" + id))
                .extracting(e -> e.getSubtype().getLast().getCode()).contains("$hold", "$book");
        List<AuditEvent> byB = securedAuditEvents(system, "agent=" + clientB);
        assertThat(byB).filteredOn(e -> e.getOutcome() == AuditEvent.AuditEventOutcome._4).hasSizeGreaterThanOrEqualTo(6);
        assertThat(byB).extracting(e -> e.getOutcome()).containsOnly(AuditEvent.AuditEventOutcome._4, AuditEvent.AuditEventOutcome._0);
    }

    /** A call to the token-mode bridge with a bearer token; {@code body} null for a GET. */
    private HttpResponse<String> secured(String method, String path, String token, Parameters body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(securedBridge + path)).timeout(Duration.ofSeconds(120))
                .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json.encodeResourceToString(body)));
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<AuditEvent> securedAuditEvents(String token, String query) throws Exception {
        HttpResponse<String> answer = secured("GET", "/fhir/AuditEvent?" + query, token, null, Map.of());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return ((Bundle) parse(answer.body())).getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
    }

    /**
     * The answer is {@code status} with an OperationOutcome, of {@code code} and naming {@code expression} when they
     * are given.
     */
    private void assertOutcome(HttpResponse<String> answer, int status, String code, String expression) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        OperationOutcome oo = (OperationOutcome) parse(answer.body());
        if (code != null) {
            assertThat(oo.getIssueFirstRep().getCode().toCode()).isEqualTo(code);
        }
        if (expression != null) {
            assertThat(oo.getIssueFirstRep().getExpression()).extracting(org.hl7.fhir.r4.model.StringType::getValue)
                    .containsExactly(expression);
        }
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

    /** @return the AuditEvents of a search at booking-bridge (first page), newest first */
    private List<AuditEvent> auditEvents(String query) throws Exception {
        HttpResponse<String> answer = get(bridge + "/fhir/AuditEvent?" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return ((Bundle) parse(answer.body())).getEntry().stream().map(e -> (AuditEvent) e.getResource()).toList();
    }

    private IBaseResource parse(String body) {
        return json.parseResource(body);
    }

}
