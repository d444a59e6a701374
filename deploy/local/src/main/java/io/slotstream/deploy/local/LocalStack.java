package io.slotstream.deploy.local;

import io.slotstream.provisioning.Provisioning;
import io.slotstream.provisioning.ProvisioningException;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local stack: a real KRaft Kafka broker and a real Apicurio Registry, bound to one host, with every schema of
 * the topic catalogue registered (BACKWARD_TRANSITIVE) and every topic created ({@link Provisioning}, single-node
 * settings). Used by the {@code ./slotstream run} launcher and, through {@link SharedStack}, by integration tests.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where the stack listens and keeps its data.
     *
     * @param host                   bind address of every listener (loopback by default)
     * @param dataDir                broker storage and logs; must be empty or absent (the stack owns it)
     * @param registryHome           the unpacked Apicurio Registry distribution
     */
    public record Settings(String host, int kafkaPort, int kafkaControllerPort, int registryPort,
                           int registryManagementPort, Path dataDir, Path registryHome) {

        /** The documented default ports on 127.0.0.1: Kafka 19092/19093, registry 18080/18081. */
        public static Settings defaults(Path dataDir) {
            return new Settings("127.0.0.1", 19092, 19093, 18080, 18081, dataDir, RegistryHome.locate());
        }

        /** Free ports on 127.0.0.1, for tests that must not collide with a running stack. */
        public static Settings ephemeral(Path dataDir) {
            String host = "127.0.0.1";
            return new Settings(host, Ports.free(host), Ports.free(host), Ports.free(host), Ports.free(host),
                    dataDir, RegistryHome.locate());
        }
    }

    private final Settings settings;
    private final KafkaNode kafka;
    private final RegistryServer registry;
    private final Map<String, Integer> schemaIds;

    private LocalStack(Settings settings, KafkaNode kafka, RegistryServer registry, Map<String, Integer> schemaIds) {
        this.settings = settings;
        this.kafka = kafka;
        this.registry = registry;
        this.schemaIds = schemaIds;
    }

    /**
     * Starts the registry (child JVM) and the broker (in this JVM) side by side, waits for both, then registers the
     * schemas and creates the topics. On any failure everything already started is stopped again.
     *
     * @throws StackException with a one-line reason (port taken, not ready in time, schema refused, ...)
     */
    public static LocalStack start(Settings settings) {
        RegistryServer registry = RegistryServer.launch(settings.host(), settings.registryPort(),
                settings.registryManagementPort(), settings.registryHome(), settings.dataDir());
        KafkaNode kafka = null;
        try {
            kafka = KafkaNode.start(settings.host(), settings.kafkaPort(), settings.kafkaControllerPort(),
                    settings.dataDir().resolve("kafka"));
            registry.awaitReady();
            Provisioning.Result provisioned;
            try {
                provisioned = Provisioning.singleNode(kafka.bootstrapServers(), registry.apiUrl()).create();
            } catch (ProvisioningException e) {
                throw new StackException(e.getMessage(), e);
            }
            if (!provisioned.refused().isEmpty()) { // a fresh data dir: cannot happen unless the catalogue is inconsistent
                throw new StackException(provisioned.refused().getFirst().message());
            }
            return new LocalStack(settings, kafka, registry, provisioned.schemaIds());
        } catch (RuntimeException e) {
            registry.close();
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Apicurio v3 API base URL, what the Apicurio serdes take as {@code apicurio.registry.url}. */
    public String registryApiUrl() {
        return registry.apiUrl();
    }

    /** Confluent-compatible API base URL ({@code /apis/ccompat/v7}). */
    public String registryCcompatUrl() {
        return registry.ccompatUrl();
    }

    /** Subject ({@code <topic>-value}) to the schema id registered at start. */
    public Map<String, Integer> schemaIds() {
        return schemaIds;
    }

    /** A new admin client on the broker; the caller closes it. */
    public Admin admin() {
        return kafka.admin();
    }

    /** Stops the registry and the broker. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
