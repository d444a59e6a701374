package io.slotstream.deploy.local;

import io.slotstream.avro.FhirSlot;
import io.slotstream.provisioning.Provisioning;
import io.slotstream.provisioning.cli.ProvisioningCli;
import io.slotstream.provisioning.schema.RegistryConnection;
import io.slotstream.provisioning.schema.SchemaRegistrar;
import io.slotstream.provisioning.topic.Finding;
import io.slotstream.provisioning.topic.TopicProvisioner;
import io.slotstream.provisioning.topic.TopicSettings;
import io.slotstream.schemas.topic.CleanupPolicy;
import io.slotstream.schemas.topic.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Provisioning against the real broker and registry of the shared stack. Drift and refusal cases use topics and
 * subjects of their own (random names), so the catalogue the other tests rely on is never changed.
 */
@Timeout(180)
class ProvisioningIntegrationTest {

    private final LocalStack stack = SharedStack.get();

    @Test
    void aSecondCreateChangesNothingAndValidateFindsNoDrift() {
        Provisioning provisioning = Provisioning.singleNode(stack.bootstrapServers(), stack.registryApiUrl());

        Provisioning.Result again = provisioning.create();

        assertThat(again.refused()).isEmpty();
        assertThat(again.schemaIds()).isEqualTo(stack.schemaIds());
        assertThat(provisioning.validate()).isEmpty();
    }

    @Test
    void createsATopicWithPartitionsReplicationMinIsrAndRetentionThenValidateDetectsAndCreateRepairsDrift() throws Exception {
        Topic<FhirSlot> topic = testTopic(CleanupPolicy.DELETE, 4, 86_400_000L);
        try (Admin admin = stack.admin()) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, TopicSettings.singleNode());
            assertThat(provisioner.validate(List.of(topic))).extracting(Finding::kind).containsExactly(Finding.Kind.MISSING);

            assertThat(provisioner.create(List.of(topic))).isEmpty();
            var description = admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name());
            assertThat(description.partitions()).hasSize(4);
            assertThat(description.partitions().getFirst().replicas()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(provisioner.create(List.of(topic))).as("idempotent").isEmpty();
            assertThat(provisioner.validate(List.of(topic))).isEmpty();

            // someone changes the retention by hand
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
            // a config change reaches the brokers through the KRaft metadata log: describeConfigs sees it shortly after
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(provisioner.validate(List.of(topic)))
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.kind()).isEqualTo(Finding.Kind.CONFIG);
                        assertThat(f.message()).isEqualTo("topic " + topic.name() + " has retention.ms=1000, wanted 86400000");
                    }));

            assertThat(provisioner.create(List.of(topic))).isEmpty();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(provisioner.validate(List.of(topic))).isEmpty());
        }
    }

    @Test
    void refusesToShrinkOrGrowPartitionsOrToChangeTheCleanupPolicyAndLeavesTheTopicAsItWas() throws Exception {
        Topic<FhirSlot> topic = testTopic(CleanupPolicy.COMPACT, 6, -1);
        try (Admin admin = stack.admin()) {
            new TopicProvisioner(admin, TopicSettings.singleNode()).create(List.of(topic));

            List<Finding> shrink = new TopicProvisioner(admin, new TopicSettings((short) 1, 1, OptionalInt.of(3)))
                    .create(List.of(topic));
            assertThat(shrink).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(Finding.Kind.PARTITIONS);
                assertThat(f.message()).contains("has 6 partitions, the catalogue wants 3: refused");
            });
            List<Finding> grow = new TopicProvisioner(admin, new TopicSettings((short) 1, 1, OptionalInt.of(12)))
                    .create(List.of(topic));
            assertThat(grow).extracting(Finding::kind).containsExactly(Finding.Kind.PARTITIONS);

            Topic<FhirSlot> asDelete = new Topic<>(topic.name(), FhirSlot.class, "slot id", 6, CleanupPolicy.DELETE, 1000L);
            assertThat(new TopicProvisioner(admin, TopicSettings.singleNode()).create(List.of(asDelete)))
                    .extracting(Finding::kind).contains(Finding.Kind.CLEANUP_POLICY);

            assertThat(admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name()).partitions())
                    .hasSize(6);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
    }

    @Test
    void reportsAReplicationFactorTheClusterDoesNotHave() {
        try (Admin admin = stack.admin()) {
            Topic<FhirSlot> topic = testTopic(CleanupPolicy.COMPACT, 6, -1);
            new TopicProvisioner(admin, TopicSettings.singleNode()).create(List.of(topic));

            List<Finding> production = new TopicProvisioner(admin, new TopicSettings((short) 3, 2, OptionalInt.empty()))
                    .validate(List.of(topic));

            assertThat(production).extracting(Finding::kind)
                    .containsExactly(Finding.Kind.REPLICATION_FACTOR, Finding.Kind.CONFIG);
            assertThat(production.get(1).message()).endsWith("has min.insync.replicas=1, wanted 2");
        }
    }

    @Test
    void registersASchemaOnceAndValidateDetectsANewerVersionAndAMissingRule() throws Exception {
        Topic<FhirSlot> topic = testTopic(CleanupPolicy.COMPACT, 6, -1);
        Collection<Topic<?>> topics = List.of(topic);
        SchemaRegistrar registrar = new SchemaRegistrar(RegistryConnection.open(stack.registryApiUrl()),
                SchemaRegistrar.COMPATIBILITY);
        assertThat(registrar.validate(topics)).containsExactly("subject " + topic.name() + "-value is not registered");

        Map<String, Integer> first = registrar.register(topics);
        assertThat(registrar.register(topics)).as("idempotent").isEqualTo(first);
        assertThat(registrar.validate(topics)).isEmpty();

        // a compatible newer version registered by someone else: the catalogue's schema is no longer the latest
        String newer = new org.apache.avro.Schema.Parser().parse(FhirSlot.getClassSchema().toString()
                .replaceFirst("\"fields\":\\[", "\"fields\":[{\"name\":\"extra\",\"type\":\"string\",\"default\":\"\"},"))
                .toString();
        try (HttpClient http = HttpClient.newHttpClient()) {
            String subjectUrl = stack.registryCcompatUrl() + "/subjects/" + topic.name() + "-value";
            var response = http.send(HttpRequest.newBuilder(URI.create(subjectUrl + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(new com.fasterxml.jackson.databind.ObjectMapper()
                            .createObjectNode().put("schema", newer).toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            http.send(HttpRequest.newBuilder(URI.create(stack.registryCcompatUrl() + "/config/" + topic.name() + "-value"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        }

        assertThat(registrar.validate(topics)).containsExactly(
                "subject " + topic.name() + "-value: the latest registered schema differs from the catalogue's FhirSlot",
                "subject " + topic.name() + "-value has compatibility none, wanted BACKWARD_TRANSITIVE");
    }

    @Test
    void theCliValidatesTheCatalogueAndExitsOneWithTheReasonWhenItWouldHaveToShrinkPartitions() {
        String[] connection = {"--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryApiUrl()};
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ProvisioningCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute(concat("validate", connection))).as(err.toString()).isZero();
        assertThat(out.toString()).contains("topics and schemas match the catalogue");
        assertThat(cli.execute(concat("create", connection))).as(err.toString()).isZero();

        assertThat(cli.execute(concat("create", connection, "--partitions", "2"))).isEqualTo(1);
        assertThat(err.toString()).contains("refused: topic fhir.slot.v1 has 6 partitions, the catalogue wants 2: refused, "
                + "shrinking is impossible in Kafka");
    }

    @Test
    void theCliExitsThreeWithOneLineWhenTheBrokerIsUnreachable() {
        StringWriter err = new StringWriter();
        CommandLine cli = ProvisioningCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int closedPort = Ports.free("127.0.0.1");

        int exit = cli.execute("validate", "--bootstrap-servers", "127.0.0.1:" + closedPort,
                "--registry-url", stack.registryApiUrl(), "--kafka-timeout", "3");

        assertThat(exit).isEqualTo(3);
        assertThat(err.toString()).startsWith("slotstream-provisioning: Kafka did not answer in time to describe topic");
    }

    private static String[] concat(String command, String[] connection, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of(connection));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Topic<FhirSlot> testTopic(CleanupPolicy policy, int partitions, long retentionMs) {
        return new Topic<>("provisioning-test." + UUID.randomUUID(), FhirSlot.class, "slot id", partitions, policy,
                retentionMs);
    }
}
