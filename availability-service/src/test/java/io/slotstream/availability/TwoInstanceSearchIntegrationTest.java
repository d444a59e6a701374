package io.slotstream.availability;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.availability.query.Partial;
import io.slotstream.availability.query.RecordListCodec;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.Ports;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.service;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the service (two Spring contexts, same application id, own ports, application.server and state)
 * against the real broker and registry of the local stack: every search gives the same complete answer from either
 * instance, each instance holding only part of the view (schedule, cross-schedule index searches, near, _include,
 * cursor paging that alternates instances); bad parameters are 400s naming them; a newly written slot becomes
 * searchable on both. Includes and revincludes (Slot:schedule both ways, Schedule:actor both ways, iterate) equal what the
 * test's own data model says, capped at {@link #MAX_INCLUDES} per page with a warning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(420)
class TwoInstanceSearchIntegrationTest {

    private static final int SLOTS = 24;
    /** The instances' include cap: small, so the include test can exceed it with a few slots. */
    private static final int MAX_INCLUDES = 20;
    private static final long WEEK_START = Instant.parse("2026-03-23T00:00:00Z").toEpochMilli();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String scheduleId = "it-" + run + ".sch";
    private final String locationId = "it-" + run + ".loc";
    private final String roleId = "it-" + run + ".role";
    private final String serviceId = "it-" + run + ".hs";
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private KafkaProducer<String, Object> producer;

    @BeforeAll
    void startTwoInstances() throws Exception {
        LocalStack stack = SharedStack.get();
        String appId = "availability-two-" + run;
        for (int i = 0; i < 2; i++) {
            int port = Ports.free("127.0.0.1");
            ports.add(port);
            instances.add(new SpringApplicationBuilder(AvailabilityServiceApplication.class).run(
                    "--server.port=" + port,
                    "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                    "--slotstream.registry.url=" + stack.registryApiUrl(),
                    "--slotstream.streams.application-id=" + appId,
                    "--slotstream.streams.application-server=127.0.0.1:" + port,
                    // the slots lie in March 2026 (fixed dates in the queries): keep them although they have ended
                    "--slotstream.availability.slot-retention=3650d",
                    "--slotstream.availability.max-includes=" + MAX_INCLUDES,
                    "--slotstream.streams.state-dir=" + System.getProperty("java.io.tmpdir") + "/" + appId + "-" + i));
        }
        // the Apicurio serializer resolves the schema by topic (TopicIdStrategy), so one instance serves every topic
        @SuppressWarnings({"unchecked", "rawtypes"})
        Serializer<Object> values = (Serializer) TopicSerdes.valueSerde(Topics.SLOT,
                new RegistrySettings(stack.registryApiUrl(), false)).serializer();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), values);
        for (int port : ports) {
            await("instance on " + port + " ready").atMost(Duration.ofSeconds(180)).until(() -> ready(port));
        }
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void bothInstancesGiveTheSameCompleteAnswersAndNewSlotsBecomeSearchable() throws Exception {
        send(Topics.LOCATION, locationId, location(locationId, "Clinic " + run, "Springfield", "IL", "62701", 39.78, -89.65));
        send(Topics.PRACTITIONER_ROLE, roleId, role(roleId, "doc-" + run, locationId, "394802001"));
        send(Topics.HEALTHCARE_SERVICE, serviceId, service(serviceId, locationId, "308335008"));
        send(Topics.SCHEDULE, scheduleId, schedule(scheduleId,
                List.of("Location/" + locationId, "PractitionerRole/" + roleId), "124", 1));
        for (int i = 0; i < SLOTS; i++) {
            String id = slotId(i);
            send(Topics.SLOT, id, slot(id, scheduleId, i % 3 == 0 ? SlotStatus.BUSY : SlotStatus.FREE,
                    WEEK_START + i * 3_600_000L, 10));
        }
        producer.flush();
        String week = "/fhir/Slot?schedule=" + scheduleId + "&start=ge2026-03-23&start=lt2026-03-30&_count=100";
        for (int port : ports) {
            await("all slots on " + port).atMost(Duration.ofSeconds(60))
                    .until(() -> body(port, week).contains("\"total\":" + SLOTS));
        }

        // the view really is split: each instance holds part of it, the fan-out completes it
        List<Partial<SlotAvailability>> local = ports.stream().map(p -> localPart(p, scheduleId)).toList();
        assertThat(local).allSatisfy(p -> assertThat(p.total()).isPositive());
        assertThat(local.get(0).total() + local.get(1).total()).isEqualTo(SLOTS);

        // a hold through booking.events.v1 shows on both
        send(Topics.BOOKING_EVENTS, slotId(1), hold("e-" + run, slotId(1), "h-" + run,
                System.currentTimeMillis() + 600_000, System.currentTimeMillis()));
        producer.flush();
        String held = "/fhir/Slot?schedule=" + scheduleId + "&status=busy-tentative";
        for (int port : ports) {
            await("hold visible on " + port).atMost(Duration.ofSeconds(30))
                    .until(() -> body(port, held).contains("\"total\":1"));
        }

        // the cross-schedule index gets each slot's Location and PractitionerRole context through repartition
        // topics, one view commit per hop: wait until both instances index every slot before comparing answers
        for (String indexed : List.of("/fhir/Slot?schedule.actor:Location.near=39.78|-89.65|5|km&service-type=124"
                        + "&start=ge2026-03-23&start=lt2026-03-30&_count=100",
                "/fhir/Slot?schedule.actor:Location.address-state=IL&schedule.actor:Location.address-postalcode=627"
                        + "&specialty=394802001&_count=100")) {
            for (int port : ports) {
                await("every slot indexed on " + port + " for " + indexed).atMost(Duration.ofSeconds(60)).until(() -> {
                    String answer = body(port, indexed);
                    return IntStream.range(0, SLOTS).allMatch(i -> answer.contains("\"id\":\"" + slotId(i) + "\""));
                });
            }
        }

        List<String> queries = new ArrayList<>(List.of(
                week,
                "/fhir/Slot?schedule=Schedule/" + scheduleId + "&status=free&_sort=-start",
                "/fhir/Slot?schedule=" + scheduleId + "&_count=5",
                "/fhir/Slot?status=free&start=ge2026-03-23&start=lt2026-03-30&_count=7&_total=accurate",
                "/fhir/Slot?schedule.actor=Location/" + locationId + "&status=free&_count=100",
                "/fhir/Slot?schedule.actor:Location.near=39.78|-89.65|5|km&service-type=124"
                        + "&start=ge2026-03-23&start=lt2026-03-30&_count=100",
                "/fhir/Slot?schedule.actor:Location.address-state=IL&schedule.actor:Location.address-postalcode=627"
                        + "&specialty=394802001&_count=3&_sort=-start",
                "/fhir/Slot?schedule=" + scheduleId + "&_include=Slot:schedule&_count=3",
                "/fhir/Slot?schedule=" + scheduleId + "&service-type=124&specialty=http://snomed.info/sct|394802001",
                held,
                "/fhir/Schedule?actor=Location/" + locationId,
                "/fhir/Schedule?actor=" + roleId + "&service-type=124",
                "/fhir/Location?address-state=IL&address-city=spring&near=39.78|-89.65|5|km",
                "/fhir/PractitionerRole?location=" + locationId + "&specialty=394802001",
                "/fhir/HealthcareService?location=Location/" + locationId + "&service-type=308335008"));
        IntStream.range(0, SLOTS).forEach(i -> queries.add("/fhir/Slot/" + slotId(i)));
        for (String q : queries) {
            HttpResponse<String> a = get(ports.get(0), q);
            HttpResponse<String> b = get(ports.get(1), q);
            assertThat(a.statusCode()).as(q).isEqualTo(200);
            assertThat(b.statusCode()).as(q).isEqualTo(200);
            assertThat(normalise(b.body(), ports.get(1))).as(q).isEqualTo(normalise(a.body(), ports.get(0)));
        }
        assertThat(body(ports.get(0), week)).contains("\"total\":" + SLOTS);
        assertThat(body(ports.get(0), "/fhir/Slot?schedule=" + scheduleId + "&status=free"))
                .contains("\"total\":" + (SLOTS - SLOTS / 3 - 1));
        assertThat(body(ports.get(1), "/fhir/Slot/" + slotId(1))).contains("\"status\":\"busy-tentative\"");
        assertThat(body(ports.get(1), "/fhir/Schedule?actor=Location/" + locationId)).contains("\"total\":1");
        assertThat(body(ports.get(0), "/fhir/Location?address-state=IL&address-city=spring&near=39.78|-89.65|5|km"))
                .contains(locationId);

        // cross-schedule searches through the index: the run's slots, complete, from either instance
        String near = "/fhir/Slot?schedule.actor:Location.near=39.78|-89.65|5|km&service-type=124"
                + "&start=ge2026-03-23&start=lt2026-03-30&_count=100";
        for (int i = 0; i < SLOTS; i++) {
            assertThat(body(ports.get(i % 2), near)).contains("\"id\":\"" + slotId(i) + "\"");
        }
        assertThat(body(ports.get(1), "/fhir/Slot?schedule.actor=Location/" + locationId + "&status=free&_count=100"))
                .contains("\"total\":" + (SLOTS - SLOTS / 3 - 1));
        assertThat(body(ports.get(0), "/fhir/Slot?schedule=" + scheduleId + "&_include=Slot:schedule&_count=3"))
                .contains("\"fullUrl\":\"http://127.0.0.1:" + ports.get(0) + "/fhir/Schedule/" + scheduleId + "\"")
                .contains("\"mode\":\"include\"");

        // cursor paging across instances: following next links (alternating instances) gives every slot once
        List<String> paged = new ArrayList<>();
        String url = "http://127.0.0.1:" + ports.get(0) + "/fhir/Slot?schedule.actor=PractitionerRole/" + roleId + "&_count=5";
        for (int page = 0; url != null; page++) {
            com.fasterxml.jackson.databind.JsonNode bundle = JSON.readTree(getUrl(url.replace(
                    ":" + ports.get(page % 2 == 0 ? 1 : 0) + "/", ":" + ports.get(page % 2) + "/")));
            bundle.path("entry").forEach(e -> paged.add(e.path("resource").path("id").asText()));
            url = null;
            for (com.fasterxml.jackson.databind.JsonNode link : bundle.path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    url = link.path("url").asText();
                }
            }
        }
        assertThat(paged).containsExactlyElementsOf(IntStream.range(0, SLOTS).mapToObj(this::slotId).toList());

        // strict search: unknown and malformed parameters are a 400 OperationOutcome naming the parameter
        Map<String, String> badSearches = new java.util.LinkedHashMap<>();
        badSearches.put("/fhir/Slot?schedule=" + scheduleId + "&colour=red", "Slot?colour");
        badSearches.put("/fhir/Slot?start=ge2026-13-45", "Slot?start");
        badSearches.put("/fhir/Slot?status=open", "Slot?status");
        badSearches.put("/fhir/Slot?_count=0", "Slot?_count");
        badSearches.put("/fhir/Slot?_offset=5", "Slot?_offset");
        badSearches.put("/fhir/Slot?_cursor=nonsense", "Slot?_cursor");
        badSearches.put("/fhir/Slot?_include=Slot:actor", "Slot?_include");
        badSearches.put("/fhir/Slot?schedule.actor=Slot/1", "Slot?schedule.actor");
        badSearches.put("/fhir/Slot?schedule.actor:Location.near=north", "Location?near");
        badSearches.put("/fhir/Location?near=north", "Location?near");
        badSearches.put("/fhir/Schedule?actor=Slot/1", "Schedule?actor");
        assertRejected(ports.get(0), badSearches);
        assertThat(body(ports.get(0), "/fhir/Slot?colour=red")).isEmpty();
        assertThat(get(ports.get(1), "/fhir/Slot/no-such-slot").statusCode()).isEqualTo(404);
        assertThat(body(ports.get(1), "/fhir/metadata")).contains("\"resourceType\":\"CapabilityStatement\"")
                .contains("\"name\":\"service-type\"").contains("\"name\":\"near\"");

        // a new slot becomes searchable on both instances (how fast: the freshness benchmark)
        String fresh = "it-" + run + ".fresh";
        send(Topics.SLOT, fresh, slot(fresh, scheduleId, SlotStatus.FREE, WEEK_START + 200 * 3_600_000L, 20));
        producer.flush();
        for (int port : ports) {
            await("new slot searchable on " + port).atMost(Duration.ofSeconds(30))
                    .until(() -> body(port, "/fhir/Slot?schedule=" + scheduleId + "&start=ge2026-03-30").contains(fresh));
        }

        // a change of only the Location reaches every slot of its Schedule on both instances (reference broadcast)
        send(Topics.LOCATION, locationId, location(locationId, "Clinic " + run, "Madison", "WI", "53703", 43.07, -89.4));
        producer.flush();
        await("every slot of the schedule shows the Location's new state").atMost(Duration.ofSeconds(30))
                .until(() -> ports.stream().map(p -> localPart(p, scheduleId)).flatMap(p -> p.first().stream())
                        .filter(a -> a.getStates().equals(List.of("WI"))).count() == SLOTS + 1);
    }

    @Test
    void includesAndRevincludesAreCompleteOncePerPageAndCapped() throws Exception {
        // model: L1 <- R1, H1; S1 (L1, R1) 12 slots, S2 (L1, H1) 6 slots, S3 (L2) 3 slots; slot i starts at hour i
        String p = "inc-" + run + ".";
        String l1 = p + "l1", l2 = p + "l2", r1 = p + "r1", h1 = p + "h1", s1 = p + "s1", s2 = p + "s2", s3 = p + "s3";
        send(Topics.LOCATION, l1, location(l1, "Inc " + run, "Salem", "OR", "97301", 44.94, -123.03));
        send(Topics.LOCATION, l2, location(l2, "Inc2 " + run, "Eugene", "OR", "97401", 44.05, -123.09));
        send(Topics.PRACTITIONER_ROLE, r1, role(r1, "doc-inc-" + run, l1, "394802001"));
        send(Topics.HEALTHCARE_SERVICE, h1, service(h1, l1, "308335008"));
        send(Topics.SCHEDULE, s1, schedule(s1, List.of("Location/" + l1, "PractitionerRole/" + r1), "124", 1));
        send(Topics.SCHEDULE, s2, schedule(s2, List.of("Location/" + l1, "HealthcareService/" + h1), "124", 1));
        send(Topics.SCHEDULE, s3, schedule(s3, List.of("Location/" + l2), "124", 1));
        Map<String, String> scheduleOf = new java.util.LinkedHashMap<>(); // slot id -> schedule id, in start order
        for (int i = 0; i < 21; i++) {
            String id = p + "slot-" + (char) ('a' + i);
            String sch = i % 7 < 4 ? s1 : i % 7 < 6 ? s2 : s3;
            scheduleOf.put(id, sch);
            send(Topics.SLOT, id, slot(id, sch, SlotStatus.FREE, WEEK_START + 400 * 3_600_000L + i * 3_600_000L, 10));
        }
        producer.flush();
        for (int port : ports) {
            await("include data on " + port).atMost(Duration.ofSeconds(60)).until(() -> body(port, "/fhir/Slot?schedule="
                    + s1 + "," + s2 + "," + s3 + "&_total=accurate&_count=1").contains("\"total\":21")
                    && body(port, "/fhir/Location?_id=" + l1 + "," + l2).contains("\"total\":2")
                    && body(port, "/fhir/PractitionerRole?_id=" + r1).contains("\"total\":1")
                    && body(port, "/fhir/HealthcareService?_id=" + h1).contains("\"total\":1"));
        }
        Function<Predicate<String>, List<String>> slotsOf = s -> scheduleOf.entrySet().stream()
                .filter(e -> s.test(e.getValue())).map(e -> "Slot/" + e.getKey()).toList();
        List<String> slotsOfS1S2 = slotsOf.apply(s -> s.equals(s1) || s.equals(s2));

        // _revinclude=Slot:schedule: every Slot of the page's Schedules, once, from either instance
        String rev = "/fhir/Schedule?actor=Location/" + l1 + "&_revinclude=Slot:schedule";
        assertThat(entries(rev, "match")).containsExactly("Schedule/" + s1, "Schedule/" + s2);
        assertThat(entries(rev, "include")).containsExactlyElementsOf(slotsOfS1S2);
        assertThat(entries(rev, "outcome")).isEmpty();
        // only the page's Schedules: page 1 of 2 holds S1
        assertThat(entries(rev + "&_count=1", "include")).containsExactlyElementsOf(slotsOf.apply(s1::equals));
        // more than the cap: the earliest MAX_INCLUDES Slots and an OperationOutcome warning naming _revinclude
        String capped = "/fhir/Schedule?actor=Location/" + l1 + ",Location/" + l2 + "&_revinclude=Slot:schedule";
        assertThat(entries(capped, "include")).containsExactlyElementsOf(
                slotsOf.apply(s -> true).subList(0, MAX_INCLUDES));
        JsonNode outcome = entry(capped, "outcome");
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("severity").asText()).isEqualTo("warning");
        assertThat(outcome.path("issue").get(0).path("expression").get(0).asText()).isEqualTo("Schedule?_revinclude");
        // forward includes first, then the revinclude gets what the cap leaves
        String both = rev + "&_include=Schedule:actor";
        List<String> expectedBoth = new ArrayList<>(List.of("Location/" + l1, "PractitionerRole/" + r1,
                "HealthcareService/" + h1));
        expectedBoth.addAll(slotsOfS1S2.subList(0, MAX_INCLUDES - 3));
        assertThat(entries(both, "include")).containsExactlyElementsOf(expectedBoth);
        assertThat(entries(both, "outcome")).hasSize(1);

        // _include=Schedule:actor: each actor once, typed form restricts
        String actors = "/fhir/Schedule?actor=Location/" + l1 + "&_include=Schedule:actor";
        assertThat(entries(actors, "include")).containsExactly("Location/" + l1, "PractitionerRole/" + r1,
                "HealthcareService/" + h1);
        assertThat(entries(actors + ":PractitionerRole", "include")).containsExactly("PractitionerRole/" + r1);

        // _revinclude=Schedule:actor from the "where" and "who" searches
        assertThat(entries("/fhir/Location?_id=" + l1 + "," + l2 + "&_revinclude=Schedule:actor", "include"))
                .containsExactly("Schedule/" + s1, "Schedule/" + s2, "Schedule/" + s3);
        assertThat(entries("/fhir/Location?_id=" + l2 + "&_revinclude=Schedule:actor:Location", "include"))
                .containsExactly("Schedule/" + s3);
        assertThat(entries("/fhir/PractitionerRole?_id=" + r1 + "&_revinclude=Schedule:actor", "include"))
                .containsExactly("Schedule/" + s1);
        assertThat(entries("/fhir/HealthcareService?_id=" + h1 + "&_revinclude=Schedule:actor", "include"))
                .containsExactly("Schedule/" + s2);

        // Slot search: Slot:schedule, and the Schedules' actors with :iterate
        String slotPage = "/fhir/Slot?schedule=" + s1 + "&_count=2&_include=Slot:schedule";
        assertThat(entries(slotPage, "include")).containsExactly("Schedule/" + s1);
        assertThat(entries(slotPage + "&_include:iterate=Schedule:actor", "include"))
                .containsExactly("Schedule/" + s1, "Location/" + l1, "PractitionerRole/" + r1);
        assertThat(entries(slotPage + "&_include:iterate=Schedule:actor", "match"))
                .containsExactlyElementsOf(slotsOf.apply(s1::equals).subList(0, 2));

        // unsupported values: 400 naming the include parameter
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("/fhir/Schedule?_revinclude=Slot:actor", "Schedule?_revinclude");
        bad.put("/fhir/Schedule?_include=Schedule:actor:Practitioner", "Schedule?_include");
        bad.put("/fhir/Location?_revinclude=Slot:schedule", "Location?_revinclude");
        bad.put("/fhir/Location?_include=Location:partof", "Location?_include");
        bad.put("/fhir/PractitionerRole?_revinclude=Schedule:actor:Location", "PractitionerRole?_revinclude");
        bad.put("/fhir/Slot?_revinclude=Appointment:slot", "Slot?_revinclude");
        bad.put("/fhir/Slot?_include=*", "Slot?_include");
        bad.put("/fhir/Slot?_include:iterate=Schedule:actor", "Slot?_include:iterate");
        bad.put("/fhir/Slot?_include=Slot:schedule&_include:recurse=Schedule:actor", "Slot?_include:recurse");
        assertRejected(ports.get(1), bad);

        // the CapabilityStatement declares exactly these
        JsonNode rest = JSON.readTree(body(ports.get(0), "/fhir/metadata")).path("rest").get(0);
        Map<String, List<String>> declared = new java.util.TreeMap<>();
        rest.path("resource").forEach(r -> {
            r.path("searchInclude").forEach(v -> declared.computeIfAbsent(r.path("type").asText() + " include",
                    k -> new ArrayList<>()).add(v.asText()));
            r.path("searchRevInclude").forEach(v -> declared.computeIfAbsent(r.path("type").asText() + " revinclude",
                    k -> new ArrayList<>()).add(v.asText()));
        });
        assertThat(declared).isEqualTo(Map.of(
                "Slot include", List.of("Slot:schedule", "Schedule:actor"),
                "Schedule include", List.of("Schedule:actor"),
                "Schedule revinclude", List.of("Slot:schedule"),
                "Location revinclude", List.of("Schedule:actor"),
                "PractitionerRole revinclude", List.of("Schedule:actor"),
                "HealthcareService revinclude", List.of("Schedule:actor")));
    }

    /** Each query (-> the expression its OperationOutcome must name) is a 400 error OperationOutcome. */
    private void assertRejected(int port, Map<String, String> queries) {
        queries.forEach((q, expression) -> {
            HttpResponse<String> r = get(port, q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(r.body()).as(q).contains("\"resourceType\":\"OperationOutcome\"")
                    .contains("\"severity\":\"error\"").contains("\"expression\":[\"" + expression + "\"]");
        });
    }

    /**
     * @return {@code Type/id} of the entries with that search mode (outcome: resource types), the same from both
     * instances
     */
    private List<String> entries(String query, String mode) throws Exception {
        HttpResponse<String> a = get(ports.get(0), query);
        HttpResponse<String> b = get(ports.get(1), query);
        assertThat(a.statusCode()).as(query).isEqualTo(200);
        assertThat(b.statusCode()).as(query).isEqualTo(200);
        assertThat(normalise(b.body(), ports.get(1))).as(query).isEqualTo(normalise(a.body(), ports.get(0)));
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(a.body()).path("entry")) {
            if (e.path("search").path("mode").asText().equals(mode)) {
                JsonNode r = e.path("resource");
                out.add(r.path("resourceType").asText() + (r.has("id") ? "/" + r.path("id").asText() : ""));
            }
        }
        return out;
    }

    /** @return the single entry resource with that search mode */
    private JsonNode entry(String query, String mode) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(body(ports.get(0), query)).path("entry").forEach(e -> {
            if (e.path("search").path("mode").asText().equals(mode)) {
                found.add(e.path("resource"));
            }
        });
        assertThat(found).as(query + " " + mode).hasSize(1);
        return found.get(0);
    }

    private boolean ready(int port) {
        try {
            return get(port, "/actuator/health/readiness").statusCode() == 200;
        } catch (AssertionError slowOrRefused) { // a busy machine: ask again
            return false;
        }
    }

    private String getUrl(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError("GET " + url, e);
        }
    }

    private String slotId(int i) {
        return "it-" + run + ".slot-" + i;
    }

    private Partial<SlotAvailability> localPart(int port, String schedule) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/internal/Slot?schedule=" + schedule + "&_limit=1000")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            return RecordListCodec.decode(r.body(), new AvroBinarySerde<>(SlotAvailability.class));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }

    private static String normalise(String body, int port) {
        return body.replace("127.0.0.1:" + port, "HOST");
    }

    private String body(int port, String path) {
        HttpResponse<String> r = get(port, path);
        return r.statusCode() == 200 ? r.body() : "";
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path.replace("|", "%7C")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " on " + port + " failed", e);
        }
    }


}
