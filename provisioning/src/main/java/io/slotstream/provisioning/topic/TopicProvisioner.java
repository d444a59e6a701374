package io.slotstream.provisioning.topic;

import io.slotstream.provisioning.ProvisioningException;
import io.slotstream.schemas.topic.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates and validates catalogue topics on a Kafka cluster through the Admin API. Idempotent: a second
 * {@link #create} on a provisioned cluster changes nothing. Never shrinks or grows partitions, never changes
 * {@code cleanup.policy} or the replication factor (see {@link Finding.Kind}).
 */
public final class TopicProvisioner {

    /** Upper bound per Admin call; the client's own {@code default.api.timeout.ms} normally ends it first. */
    private static final long TIMEOUT_SECONDS = 120;

    private final Admin admin;
    private final TopicSettings settings;

    /** @param admin an Admin client on the cluster; the caller owns and closes it */
    public TopicProvisioner(Admin admin, TopicSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /**
     * The differences between the catalogue and the cluster; changes nothing.
     *
     * @param topics the catalogue topics to check (normally {@code Topics.all()})
     * @throws ProvisioningException when the cluster cannot be read
     */
    public List<Finding> validate(Collection<Topic<?>> topics) {
        Map<String, TopicSpec> desired = desired(topics);
        Map<String, TopicSpec> actual = describe(desired.keySet());
        List<Finding> findings = new ArrayList<>();
        for (TopicSpec want : desired.values()) {
            findings.addAll(TopicComparison.compare(want, Optional.ofNullable(actual.get(want.name()))));
        }
        return List.copyOf(findings);
    }

    /**
     * Creates missing topics and sets drifted configs; refuses (reports, changes nothing for that topic) what
     * {@link Finding.Kind#fixable()} says is not fixable.
     *
     * @return the findings that were NOT fixed (refused); empty when the cluster now matches the catalogue
     * @throws ProvisioningException when the cluster cannot be read or refuses a creation or config change
     */
    public List<Finding> create(Collection<Topic<?>> topics) {
        Map<String, TopicSpec> desired = desired(topics);
        List<Finding> before = validate(topics);
        List<TopicSpec> toCreate = new ArrayList<>();
        Map<ConfigResource, Collection<AlterConfigOp>> toAlter = new LinkedHashMap<>();
        List<Finding> refused = new ArrayList<>();
        for (Finding finding : before) {
            TopicSpec want = desired.get(finding.topic());
            switch (finding.kind()) {
                case MISSING -> toCreate.add(want);
                case CONFIG -> {
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, want.name());
                    ConfigEntry entry = new ConfigEntry(finding.setting(), want.configs().get(finding.setting()));
                    toAlter.computeIfAbsent(resource, r -> new ArrayList<>())
                            .add(new AlterConfigOp(entry, AlterConfigOp.OpType.SET));
                }
                default -> refused.add(finding);
            }
        }
        if (!toCreate.isEmpty()) {
            var result = admin.createTopics(toCreate.stream().map(TopicSpec::newTopic).toList());
            for (TopicSpec spec : toCreate) {
                try {
                    await(result.values().get(spec.name()), "create topic " + spec.name());
                } catch (ProvisioningException e) {
                    // another provisioner (a second hook run) created it meanwhile: validated on the next run
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitVisible(toCreate.stream().map(TopicSpec::name).toList());
        }
        if (!toAlter.isEmpty()) {
            var result = admin.incrementalAlterConfigs(toAlter);
            result.values().forEach((resource, future) -> await(future, "set configs of topic " + resource.name()));
        }
        return List.copyOf(refused);
    }

    /** Creation returns before every broker's metadata shows the topic; a validate right after must see it. */
    private void awaitVisible(List<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!describe(names).keySet().containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new ProvisioningException("created topics " + names + " are not visible after 30 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while waiting for created topics", e);
            }
        }
    }

    private Map<String, TopicSpec> desired(Collection<Topic<?>> topics) {
        Map<String, TopicSpec> desired = new LinkedHashMap<>();
        for (Topic<?> topic : topics) {
            desired.put(topic.name(), settings.specOf(topic));
        }
        return desired;
    }

    /** The named topics that exist, with the values of the configs provisioning manages. */
    private Map<String, TopicSpec> describe(Collection<String> names) {
        Map<String, TopicDescription> descriptions = new HashMap<>();
        var described = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                descriptions.put(name, await(described.get(name), "describe topic " + name));
            } catch (ProvisioningException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        if (descriptions.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = descriptions.keySet().stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "describe topic configs");
        Map<String, TopicSpec> actual = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()));
            Map<String, String> values = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (entry.value() != null) {
                    values.put(entry.name(), entry.value());
                }
            }
            short replicas = (short) d.partitions().getFirst().replicas().size();
            actual.put(d.name(), new TopicSpec(d.name(), d.partitions().size(), replicas, values));
        }
        return actual;
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new ProvisioningException("Kafka did not answer in time to " + what + ": " + e.getCause().getMessage()
                        + " (check bootstrap servers, network policy and security settings)", e.getCause());
            }
            throw new ProvisioningException("Kafka refused to " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ProvisioningException("Kafka did not answer in time to " + what + " (" + TIMEOUT_SECONDS + " s)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while waiting to " + what, e);
        }
    }
}
