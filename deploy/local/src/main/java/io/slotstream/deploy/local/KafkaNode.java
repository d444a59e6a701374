package io.slotstream.deploy.local;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker + controller), run in this JVM from
 * Kafka's own server classes. Its storage is formatted the way {@code kafka-storage format} does it and lives
 * under a directory the stack owns. Listeners bind to the given host only.
 */
public final class KafkaNode implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    /**
     * A second client listener beside the PLAINTEXT one, for testing clients configured for a secured cluster:
     * {@code SASL_PLAINTEXT} (PLAIN users, no TLS), {@code SSL} (TLS with a client certificate signed by the same CA
     * required: mutual TLS) or {@code SASL_SSL} (PLAIN users over TLS). Authentication only, no ACLs.
     *
     * @param port  its port
     * @param users PLAIN user name to password; empty for {@code SSL}
     * @param tls   the broker's certificate and the CA it trusts for client certificates; null for {@code SASL_PLAINTEXT}
     */
    public record SecuredListener(int port, Map<String, String> users, LocalCertificates tls) {

        /**
         * @throws IllegalArgumentException with neither users nor TLS
         */
        public SecuredListener {
            users = Map.copyOf(users);
            if (users.isEmpty() && tls == null) {
                throw new IllegalArgumentException("a secured listener needs PLAIN users, TLS, or both");
            }
        }

        /** @return {@code SASL_PLAINTEXT}, {@code SSL} or {@code SASL_SSL}: its security protocol and listener name */
        public String securityProtocol() {
            return tls == null ? "SASL_PLAINTEXT" : users.isEmpty() ? "SSL" : "SASL_SSL";
        }
    }

    private KafkaNode(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Like {@link #start(String, int, int, Path, SecuredListener)} with the PLAINTEXT listener only. */
    public static KafkaNode start(String host, int port, int controllerPort, Path dataDir) {
        return start(host, port, controllerPort, dataDir, null);
    }

    /**
     * Formats {@code dataDir} (it must be empty or absent), starts the node and waits until it answers metadata requests.
     *
     * @param host           bind and advertised address, for example {@code 127.0.0.1}
     * @param port           client listener port
     * @param controllerPort KRaft controller listener port
     * @param secured        a secured listener to add, or null
     * @throws StackException when the node fails to format, start or become ready within 60 s
     */
    public static KafkaNode start(String host, int port, int controllerPort, Path dataDir, SecuredListener secured) {
        Ports.requireFree(host, port, "Kafka broker listener", "--kafka-port");
        Ports.requireFree(host, controllerPort, "Kafka controller listener", "--kafka-controller-port");
        String logDir = dataDir.toAbsolutePath().toString();
        Properties props = new Properties();
        props.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + host + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + host + ":" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                Map.entry("log.dirs", logDir),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "4"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024))));
        if (secured != null) {
            addListener(props, host, secured);
        }
        format(1, Uuid.randomUuid().toString(), dataDir);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new StackException("Kafka broker failed to start on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        KafkaNode node = new KafkaNode(server, host + ":" + port);
        node.awaitReady();
        return node;
    }

    /**
     * Formats {@code dataDir} as the log and metadata directory of KRaft node {@code nodeId} (controller listener
     * {@code CONTROLLER}, the latest production metadata version), as {@code kafka-storage format} does.
     *
     * @throws StackException when formatting fails (for example the directory is already formatted)
     */
    public static void format(int nodeId, String clusterId, Path dataDir) {
        String logDir = dataDir.toAbsolutePath().toString();
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setControllerListenerName("CONTROLLER")
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new StackException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static void addListener(Properties props, String host, SecuredListener secured) {
        String protocol = secured.securityProtocol();
        String prefix = "listener.name." + protocol.toLowerCase(java.util.Locale.ROOT) + ".";
        Ports.requireFree(host, secured.port(), "Kafka " + protocol + " listener", "a free port");
        String listener = protocol + "://" + host + ":" + secured.port();
        props.put("listeners", props.get("listeners") + "," + listener);
        props.put("advertised.listeners", props.get("advertised.listeners") + "," + listener);
        props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + "," + protocol + ":" + protocol);
        if (!secured.users().isEmpty()) {
            props.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            secured.users().forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            props.put(prefix + "plain.sasl.jaas.config", jaas.append(';').toString());
        }
        if (secured.tls() != null) {
            try {
                props.put(prefix + "ssl.keystore.type", "PEM");
                props.put(prefix + "ssl.keystore.certificate.chain", Files.readString(secured.tls().certificateChain()));
                props.put(prefix + "ssl.keystore.key", Files.readString(secured.tls().privateKey()));
                props.put(prefix + "ssl.truststore.type", "PEM");
                props.put(prefix + "ssl.truststore.certificates", Files.readString(secured.tls().caCertificate()));
            } catch (java.io.IOException e) {
                throw new StackException("cannot read the Kafka listener's certificates: " + e.getMessage(), e);
            }
            // SSL alone authenticates by client certificate; with SASL the password does
            props.put(prefix + "ssl.client.auth", secured.users().isEmpty() ? "required" : "none");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception retry) {
                    if (System.nanoTime() > deadline) {
                        close();
                        throw new StackException("Kafka broker at " + bootstrapServers + " did not become ready within "
                                + READY_TIMEOUT.toSeconds() + " s: " + retry.getMessage(), retry);
                    }
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A new admin client for this node; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Stops the node and waits for a clean shutdown. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
