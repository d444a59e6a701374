package io.slotstream.provisioning;

import io.slotstream.provisioning.schema.RegistryConnection;
import io.slotstream.provisioning.schema.SchemaRegistrar;
import io.slotstream.provisioning.topic.Finding;
import io.slotstream.provisioning.topic.TopicProvisioner;
import io.slotstream.provisioning.topic.TopicSettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deploy step that every other component relies on: the topic catalogue ({@link Topics#all()}) created on the
 * Kafka cluster and its value schemas registered with their compatibility rule. Used by the local stack, the tests and
 * the provisioning job ({@code cli.ProvisioningCli}, the chart's pre-install/pre-upgrade hook).
 *
 * @param kafka         Kafka client properties: {@code bootstrap.servers} and, for a secured cluster, the
 *                      {@code security.protocol}, {@code sasl.*} and {@code ssl.*} settings
 * @param topicSettings replication factor, {@code min.insync.replicas} and partition count
 * @param registry      how to reach the registry
 * @param compatibility the compatibility rule of every subject, normally {@link SchemaRegistrar#COMPATIBILITY}
 */
public record Provisioning(Map<String, Object> kafka, TopicSettings topicSettings, RegistryConnection registry,
                           String compatibility) {

    /**
     * The outcome of {@link #create()}.
     *
     * @param schemaIds subject ({@code <topic>-value}) to schema (content) id
     * @param refused   differences provisioning refused to change (partition counts, cleanup policy, replication);
     *                  empty when the cluster matches the catalogue
     */
    public record Result(Map<String, Integer> schemaIds, List<Finding> refused) {
    }

    /** The single-node local stack: replication 1, {@code min.insync.replicas} 1, open registry. */
    public static Provisioning singleNode(String bootstrapServers, String registryApiUrl) {
        return new Provisioning(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                TopicSettings.singleNode(), RegistryConnection.open(registryApiUrl), SchemaRegistrar.COMPATIBILITY);
    }

    /**
     * Registers the schemas (first, so that no record is ever written without its schema), then creates missing
     * topics and sets drifted topic configs. Idempotent.
     *
     * @throws ProvisioningException when the broker or the registry is unreachable or refuses a change
     */
    public Result create() {
        List<Topic<?>> topics = Topics.all();
        Map<String, Integer> ids = new SchemaRegistrar(registry, compatibility).register(topics);
        try (Admin admin = admin()) {
            return new Result(ids, new TopicProvisioner(admin, topicSettings).create(topics));
        }
    }

    /**
     * @return one line per difference between the cluster/registry and the catalogue; empty when all match
     * @throws ProvisioningException when the broker or the registry is unreachable
     */
    public List<String> validate() {
        List<Topic<?>> topics = Topics.all();
        List<String> problems = new ArrayList<>();
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, topicSettings).validate(topics).forEach(f -> problems.add(f.message()));
        }
        problems.addAll(new SchemaRegistrar(registry, compatibility).validate(topics));
        return List.copyOf(problems);
    }

    private Admin admin() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try {
            return Admin.create(config);
        } catch (RuntimeException e) {
            throw new ProvisioningException("bad Kafka client settings: " + e.getMessage(), e);
        }
    }
}
