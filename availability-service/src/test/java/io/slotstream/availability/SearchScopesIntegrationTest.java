package io.slotstream.availability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
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
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token mode with {@code search-access: token}: two instances of the real service (one application id, each holding
 * part of the view) against the local stack's broker and registry, RS384 tokens validated against a loopback JWKS.
 * {@code _include} and {@code _revinclude} need read on every type they add; without it the search is a 403
 * OperationOutcome naming the parameter and the missing scope, nothing half-returned. The fan-out's peer calls carry
 * the caller's token, and {@code /internal/**} answers none without one (401) or without a scope on the type (403).
 * Mode {@code off} (the module's test setting) keeps every include: {@link TwoInstanceSearchIntegrationTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class SearchScopesIntegrationTest {

    private static final String ISSUER = "https://auth.include-scopes.test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START = Instant.parse("2026-03-23T09:00:00Z").toEpochMilli();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String scheduleId = "inc-" + run + ".sch";
    private final String locationId = "inc-" + run + ".loc";
    /** One Slot on each partition of the slot topic, in start order: each instance holds some. */
    private final List<String> slotIds = onePerPartition("inc-" + run + ".slot", Topics.SLOT.partitions());
    private final HttpClient http = HttpClient.newHttpClient();
    private RSAKey key;
    private HttpServer jwks;
    private final List<ConfigurableApplicationContext> services = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("include-scopes-" + run).generate();
        byte[] keys = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();

        LocalStack stack = SharedStack.get();
        String appId = "availability-scopes-" + run;
        for (int i = 0; i < 2; i++) {
            int port = Ports.free("127.0.0.1");
            ports.add(port);
            services.add(new SpringApplicationBuilder(AvailabilityServiceApplication.class).run(
                // token mode with search scopes, against the loopback issuer
                "--slotstream.security.mode=token",
                "--slotstream.security.search-access=token",
                "--slotstream.security.issuer-uri=" + ISSUER,
                "--slotstream.security.jwk-set-uri=http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks",
                "--slotstream.security.audience=slotstream",
                // the slots lie in March 2026: keep them although they have ended
                "--slotstream.availability.slot-retention=3650d",
                "--server.port=" + port,
                "--slotstream.streams.application-server=127.0.0.1:" + port,
                "--slotstream.kafka.bootstrap-servers=" + stack.bootstrapServers(),
                "--slotstream.registry.url=" + stack.registryApiUrl(),
                "--slotstream.streams.state-dir=" + System.getProperty("java.io.tmpdir") + "/" + appId + "-" + i,
                "--slotstream.streams.application-id=" + appId,
                "--slotstream.streams.booking-application-id=" + appId + "-booking"));
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        Serializer<Object> values = (Serializer) TopicSerdes.valueSerde(Topics.SLOT,
                new RegistrySettings(stack.registryApiUrl(), false)).serializer();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), values)) {
            send(producer, Topics.LOCATION, locationId, location(locationId, "Clinic " + run, "Springfield", "IL", "62701", 39.78, -89.65));
            send(producer, Topics.SCHEDULE, scheduleId, schedule(scheduleId, List.of("Location/" + locationId), "124", 1));
            for (int i = 0; i < slotIds.size(); i++) {
                send(producer, Topics.SLOT, slotIds.get(i), slot(slotIds.get(i), scheduleId, SlotStatus.FREE,
                        START + i * 3_600_000L, 10));
            }
        }
        String all = token("system/*.rs");
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(400)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(port, "/fhir/Slot?schedule=" + scheduleId, all).body()
                            .contains("\"total\":" + slotIds.size()));
        }
        // the assignment has settled when the instances' local parts add up to every Slot
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> ports.stream().mapToInt(p -> localSlots(p, all).size()).sum() == slotIds.size());
    }

    @AfterAll
    void stop() {
        services.forEach(ConfigurableApplicationContext::close);
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @Test
    void includeNeedsReadOnTheScheduleElseA403NamingTheParameter() throws Exception {
        String search = "/fhir/Slot?schedule=" + scheduleId + "&_include=Slot:schedule";
        HttpResponse<String> granted = get(search, token("system/Slot.rs system/Schedule.rs"));
        assertThat(granted.statusCode()).isEqualTo(200);
        assertThat(entries(granted.body(), "include")).containsExactly("Schedule/" + scheduleId);
        assertThat(entries(granted.body(), "match")).containsExactlyElementsOf(slotRefs());

        for (String slotOnly : List.of("system/Slot.rs", "system/Slot.read", "system/Slot.rs system/Schedule.s")) {
            assertRefused(get(search, token(slotOnly)), "Slot?_include", "_include=Slot:schedule", "Schedule.r");
        }
        // the same token without the include searches as before
        HttpResponse<String> plain = get("/fhir/Slot?schedule=" + scheduleId, token("system/Slot.rs"));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(entries(plain.body(), "match")).containsExactlyElementsOf(slotRefs());

        // iterate: the Schedules' actors need their own read scope
        String iterate = search + "&_include:iterate=Schedule:actor:Location";
        assertRefused(get(iterate, token("system/Slot.rs system/Schedule.rs")), "Slot?_include:iterate",
                "_include:iterate=Schedule:actor", "Location.r");
        HttpResponse<String> actors = get(iterate, token("system/Slot.rs system/Schedule.rs system/Location.rs"));
        assertThat(actors.statusCode()).isEqualTo(200);
        assertThat(entries(actors.body(), "include")).containsExactlyInAnyOrder("Schedule/" + scheduleId,
                "Location/" + locationId);
    }

    @Test
    void revincludeNeedsReadOnTheSlotsElseA403NamingTheParameter() throws Exception {
        String search = "/fhir/Schedule?_id=" + scheduleId + "&_revinclude=Slot:schedule";
        assertRefused(get(search, token("system/Schedule.rs")), "Schedule?_revinclude", "_revinclude=Slot:schedule",
                "Slot.r");
        HttpResponse<String> granted = get(search, token("system/Schedule.rs system/Slot.rs"));
        assertThat(granted.statusCode()).isEqualTo(200);
        assertThat(entries(granted.body(), "match")).containsExactly("Schedule/" + scheduleId);
        assertThat(entries(granted.body(), "include")).containsExactlyElementsOf(slotRefs());

        // an actor include names every type it may return: untyped needs all three, typed only its own
        String actors = "/fhir/Schedule?_id=" + scheduleId + "&_include=Schedule:actor";
        HttpResponse<String> untyped = get(actors, token("system/Schedule.rs system/Location.rs"));
        assertRefused(untyped, "Schedule?_include", "_include=Schedule:actor", "HealthcareService.r");
        assertThat(untyped.body()).contains("Schedule:actor:Location");
        HttpResponse<String> typed = get(actors + ":Location", token("system/Schedule.rs system/Location.rs"));
        assertThat(typed.statusCode()).isEqualTo(200);
        assertThat(entries(typed.body(), "include")).containsExactly("Location/" + locationId);
    }

    private static void assertRefused(HttpResponse<String> response, String expression, String parameter,
                                      String missing) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).contains("insufficient_scope"));
        JsonNode outcome = JSON.readTree(response.body());
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        JsonNode issue = outcome.path("issue").get(0);
        assertThat(issue.path("code").asText()).isEqualTo("forbidden");
        assertThat(issue.path("expression").get(0).asText()).isEqualTo(expression);
        assertThat(issue.path("diagnostics").asText()).contains(parameter).contains(missing);
        // nothing half-returned: the body is the outcome only
        assertThat(response.body()).doesNotContain("\"resourceType\":\"Bundle\"");
    }

    /** @return Type/id of the Bundle's entries with that search mode, in order */
    private static List<String> entries(String bundle, String mode) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(bundle).path("entry")) {
            if (e.path("search").path("mode").asText().equals(mode)) {
                out.add(e.path("resource").path("resourceType").asText() + "/" + e.path("resource").path("id").asText());
            }
        }
        return out;
    }

    @Test
    void peerCallsCarryTheCallersTokenAndTheInternalEndpointsNeedOne() throws Exception {
        // each instance holds part of the view, so every search and read below crosses to the other instance
        String slotRead = token("system/Slot.rs");
        List<List<String>> local = new ArrayList<>();
        for (int port : ports) {
            local.add(localSlots(port, slotRead));
        }
        assertThat(local).allSatisfy(part -> assertThat(part).isNotEmpty());
        assertThat(local.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrderElementsOf(slotIds);

        // search-only and read-only tokens: the peer accepts any permission on the type, the public route the exact one
        for (int port : ports) {
            HttpResponse<String> searched = get(port, "/fhir/Slot?schedule=" + scheduleId, token("system/Slot.s"));
            assertThat(searched.statusCode()).as(searched.body()).isEqualTo(200);
            assertThat(entries(searched.body(), "match")).containsExactlyElementsOf(slotRefs());
            for (String id : slotIds) {
                HttpResponse<String> read = get(port, "/fhir/Slot/" + id, token("system/Slot.r"));
                assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                assertThat(JSON.readTree(read.body()).path("id").asText()).isEqualTo(id);
            }
            assertThat(get(port, "/fhir/Slot/" + slotIds.get(0), token("system/Slot.s")).statusCode()).isEqualTo(403);
        }

        // the internal endpoints: no token, no answer; a token must grant the type
        String internal = "/internal/Slot?schedule=" + scheduleId + "&_limit=100";
        for (int port : ports) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + internal)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain(slotIds.get(0));
            assertThat(get(port, internal, token("system/Schedule.rs")).statusCode()).isEqualTo(403);
            assertThat(get(port, "/internal/Slot/" + slotIds.get(0), token("system/Schedule.rs")).statusCode())
                    .isEqualTo(403);
            assertThat(get(port, "/internal/Slot/" + slotIds.get(0), slotRead).statusCode()).isEqualTo(200);
        }
    }

    /** @return Slot/id of every Slot, in start order */
    private List<String> slotRefs() {
        return slotIds.stream().map(id -> "Slot/" + id).toList();
    }

    /** @return the ids of the Slots this instance holds itself ({@code /internal/Slot}, with that token) */
    private List<String> localSlots(int port, String token) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/Slot?schedule="
                            + scheduleId + "&_limit=100")).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError("GET /internal/Slot on " + port, e);
        }
        assertThat(r.statusCode()).isEqualTo(200);
        return RecordListCodec.decode(r.body(), new AvroBinarySerde<>(SlotAvailability.class)).first().stream()
                .map(SlotAvailability::getSlotId).toList();
    }

    /** @return one id per partition (Kafka's default partitioner over the UTF-8 key), for partitions 0..n-1 */
    private static List<String> onePerPartition(String prefix, int partitions) {
        List<String> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            for (int k = 0; ; k++) {
                String id = prefix + "-" + p + "-" + k;
                if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == p) {
                    ids.add(id);
                    break;
                }
            }
        }
        return ids;
    }

    private String token(String scope) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience("slotstream").subject("aggregator")
                        .claim("client_id", "aggregator").claim("scope", scope).issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(600))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** GET on the first instance. */
    private HttpResponse<String> get(String path, String token) throws Exception {
        return get(ports.get(0), path, token);
    }

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <V extends SpecificRecord> void send(KafkaProducer<String, Object> producer, Topic<V> topic,
                                                        String key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
}
