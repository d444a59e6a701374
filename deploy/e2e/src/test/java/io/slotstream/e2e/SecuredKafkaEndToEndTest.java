package io.slotstream.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.KafkaNode;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.PublicationSummary;
import io.slotstream.deploy.local.SampleFeedLoader;
import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.deploy.local.StackException;
import io.slotstream.provisioning.Provisioning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The four services against a Kafka cluster that requires SASL authentication, configured the way the Helm chart
 * configures them: {@code SLOTSTREAM_KAFKA_CONFIG} names a client.properties file of the chart's shape (credentials
 * through Kafka's {@code EnvVarConfigProvider} from {@code KAFKA_SASL_USERNAME}/{@code KAFKA_SASL_PASSWORD}), and
 * the bootstrap address is the broker's SASL listener only. A slot written through ingest-service reaching the
 * publication proves every client on the way (ingest's transactional producer and its consumers, availability's
 * Streams apps and the binder's admin client, publish-service's consumer) authenticated; a wrong password stops a
 * service at start with a one-line reason. The broker is a second in-JVM KRaft node with a SASL_PLAINTEXT/PLAIN
 * listener beside the shared stack's registry.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SecuredKafkaEndToEndTest {

    private static final Path PROJECT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "slotstream-secret";

    private static KafkaNode broker;
    private static ServiceSet services;
    private static Path work;
    private static Map<String, String> clusterEnv;
    private static LocalStack stack;

    @BeforeAll
    static void startASecuredClusterAndTheServices() throws Exception {
        stack = SharedStack.get();
        work = Files.createTempDirectory("secured-kafka-");
        int saslPort = Ports.free("127.0.0.1");
        broker = KafkaNode.start("127.0.0.1", Ports.free("127.0.0.1"), Ports.free("127.0.0.1"), work.resolve("kafka"),
                new KafkaNode.SaslPlainListener(saslPort, Map.of("slotstream", PASSWORD)));
        // the deploy step's provisioning (topics) over the node's own PLAINTEXT listener; the registry already has the schemas
        assertThat(Provisioning.singleNode(broker.bootstrapServers(), stack.registryApiUrl()).create().refused()).isEmpty();

        // what deploy/helm/slotstream/templates/kafka-client-configmap.yaml renders for securityProtocol SASL_PLAINTEXT, mechanism PLAIN
        Path clientProperties = Files.writeString(work.resolve("client.properties"), """
                security.protocol=SASL_PLAINTEXT
                sasl.mechanism=PLAIN
                config.providers=env
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${env:KAFKA_SASL_USERNAME}" password="${env:KAFKA_SASL_PASSWORD}";
                """);
        clusterEnv = Map.of(
                "SLOTSTREAM_SECURITY_MODE", "off",
                "SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + saslPort,
                "SLOTSTREAM_KAFKA_CONFIG", clientProperties.toString(),
                "KAFKA_SASL_USERNAME", "slotstream");
        Map<String, String> env = new LinkedHashMap<>(clusterEnv);
        env.put("KAFKA_SASL_PASSWORD", PASSWORD);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ServiceSet.DEFAULT_PORTS.keySet().forEach(module -> ports.put(module, Ports.free("127.0.0.1")));
        services = ServiceSet.launch(PROJECT, stack, work.resolve("services"), ports, env);
        services.awaitReady(System.out::println);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aSlotWrittenThroughIngestIsPublishedOverTheAuthenticatedCluster() throws Exception {
        SampleFeedLoader ingest = new SampleFeedLoader(services.url("ingest-service"));
        String source = "sasl";
        ingest.put(JSON.readTree("""
                {"resourceType":"Location","id":"loc","name":"SASL Clinic","telecom":[{"system":"phone","value":"555-0100"}],
                 "address":{"state":"MA"}}"""), source);
        ingest.put(JSON.readTree("""
                {"resourceType":"Schedule","id":"sch","actor":[{"reference":"Location/loc"}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}]}"""), source);
        OffsetDateTime start = OffsetDateTime.now(ZoneOffset.ofHours(-5)).plusDays(7).truncatedTo(ChronoUnit.HOURS);
        DateTimeFormatter instant = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
        ingest.put(JSON.readTree("""
                {"resourceType":"Slot","id":"slot-1","schedule":{"reference":"Schedule/sch"},"status":"free",
                 "start":"%s","end":"%s"}""".formatted(start.format(instant), start.plusMinutes(30).format(instant))), source);

        // the cluster is new: the one Slot its publication lists is this write, through every client on the way
        String manifest = services.url("publish-service") + "/$bulk-publish";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(StackException.class)
                .untilAsserted(() -> {
                    PublicationSummary publication = PublicationSummary.read(manifest, line -> true);
                    assertThat(publication.count("Slot")).isEqualTo(1);
                    assertThat(publication.count("Location")).isEqualTo(1);
                    assertThat(publication.slotsByStatus()).containsExactly(Map.entry("free", 1));
                });
    }

    @Test
    void aWrongPasswordStopsTheServiceAtStartWithOneLineNamingTheCause() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(clusterEnv);
        env.put("KAFKA_SASL_PASSWORD", "not-the-password");
        env.put("SLOTSTREAM_STARTUP_STACK_TIMEOUT", "5s");
        Path logDir = work.resolve("wrong-password");
        try (ServiceSet refused = ServiceSet.launch(PROJECT, stack, logDir, Map.of("publish-service", Ports.free("127.0.0.1")), env)) {
            assertThatThrownBy(() -> refused.awaitReady(line -> { })).isInstanceOf(StackException.class);
        }
        assertThat(Files.readString(logDir.resolve("publish-service.log")))
                .contains("refused the client (SASL_PLAINTEXT, check slotstream.kafka.config)")
                .doesNotContain("not-the-password");
    }
}
