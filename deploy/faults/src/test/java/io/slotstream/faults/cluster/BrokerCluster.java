package io.slotstream.faults.cluster;

import io.slotstream.deploy.local.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A KRaft cluster of three combined broker+controller nodes, each its own JVM ({@link KafkaNodeMain}) on free loopback
 * ports, so that faults are real: {@link #kill} is a SIGKILL (no controlled shutdown, no flush), {@link #pause} a
 * SIGSTOP (the node stops answering but keeps its sockets, as behind a network partition). The controller quorum has
 * three voters, so killing its leader leaves a majority. Every topic defaults to replication factor 3 and
 * {@code min.insync.replicas=2}, the production settings; unclean leader election is off.
 */
public final class BrokerCluster implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Map<Integer, Path> configs = new LinkedHashMap<>();
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();
    private final String bootstrapServers;

    private BrokerCluster(Path dir, String bootstrapServers) {
        this.dir = dir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts three nodes under {@code dir} and waits until all three brokers are registered. */
    public static BrokerCluster start(Path dir) {
        List<Integer> ids = List.of(1, 2, 3);
        Map<Integer, int[]> ports = new LinkedHashMap<>();
        ids.forEach(id -> ports.put(id, new int[]{Ports.free(HOST), Ports.free(HOST)}));
        String voters = ids.stream().map(id -> id + "@" + HOST + ":" + ports.get(id)[1]).collect(Collectors.joining(","));
        String bootstrap = ids.stream().map(id -> HOST + ":" + ports.get(id)[0]).collect(Collectors.joining(","));
        BrokerCluster cluster = new BrokerCluster(dir, bootstrap);
        try {
            for (int id : ids) {
                Properties props = new Properties();
                props.putAll(Map.ofEntries(
                        Map.entry("process.roles", "broker,controller"),
                        Map.entry("node.id", String.valueOf(id)),
                        Map.entry("controller.quorum.voters", voters),
                        Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + ports.get(id)[0] + ",CONTROLLER://" + HOST + ":" + ports.get(id)[1]),
                        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + ports.get(id)[0]),
                        Map.entry("controller.listener.names", "CONTROLLER"),
                        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                        Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
                        Map.entry("log.dirs", dir.resolve("node-" + id).toAbsolutePath().toString()),
                        Map.entry("num.partitions", "1"),
                        Map.entry("default.replication.factor", "3"),
                        Map.entry("min.insync.replicas", "2"),
                        Map.entry("unclean.leader.election.enable", "false"),
                        Map.entry("auto.create.topics.enable", "false"),
                        Map.entry("offsets.topic.replication.factor", "3"),
                        Map.entry("offsets.topic.num.partitions", "4"),
                        Map.entry("transaction.state.log.replication.factor", "3"),
                        Map.entry("transaction.state.log.min.isr", "2"),
                        Map.entry("transaction.state.log.num.partitions", "4"),
                        Map.entry("share.coordinator.state.topic.replication.factor", "3"),
                        Map.entry("share.coordinator.state.topic.min.isr", "2"),
                        Map.entry("group.initial.rebalance.delay.ms", "0"),
                        // a killed or paused node leaves the ISR and is fenced within seconds, not the 30 s/18 s defaults
                        Map.entry("replica.lag.time.max.ms", "10000"),
                        Map.entry("broker.session.timeout.ms", "6000"),
                        Map.entry("broker.heartbeat.interval.ms", "1000"),
                        Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024))));
                Path config = dir.resolve("node-" + id + ".properties");
                Files.createDirectories(dir);
                try (OutputStream out = Files.newOutputStream(config)) {
                    props.store(out, "node " + id);
                }
                cluster.configs.put(id, config);
                cluster.launch(id);
            }
            cluster.awaitBrokers(3);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private synchronized void launch(int id) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), KafkaNodeMain.class.getName(),
                configs.get(id).toString(), clusterId));
        try {
            nodes.put(id, new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node-" + id + ".log").toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + id, e);
        }
    }

    /** {@code host:port,...} of all three brokers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    /** Node ids, ascending. */
    public List<Integer> nodeIds() {
        return List.copyOf(configs.keySet());
    }

    /** The node that leads the KRaft controller quorum now (the active controller). */
    public int quorumLeader() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe the metadata quorum: " + e.getMessage(), e);
        }
    }

    /** SIGKILL: the node dies at once, without controlled shutdown or flush. */
    public synchronized void kill(int id) {
        Process process = nodes.get(id);
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a killed node again on its ports and data; returns once the cluster has three brokers. */
    public void restart(int id) {
        launch(id);
        awaitBrokers(3);
    }

    /** SIGSTOP: the node freezes (its sockets stay open, nothing answers), like a node cut off by a partition. */
    public void pause(int id) {
        signal(id, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int id) {
        signal(id, "CONT");
    }

    private void signal(int id, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(nodes.get(id).pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " of node " + id + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code count} brokers are registered and answering: at least 120 s, or as long as the services get
     * ({@code slotstream.service-ready-timeout-seconds}): three broker JVMs starting on a busy 2-core machine took longer.
     */
    public void awaitBrokers(int count) {
        long seconds = Math.max(120, Long.getLong("slotstream.service-ready-timeout-seconds", 120));
        try (Admin admin = admin()) {
            await("%d Kafka brokers at %s".formatted(count, bootstrapServers)).atMost(Duration.ofSeconds(seconds))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == count);
        }
    }

    /**
     * Waits until every partition of {@code topics} has all three replicas in sync again (after a restart), so the
     * next fault cannot take a partition below {@code min.insync.replicas}.
     */
    public void awaitFullIsr(Collection<String> topics, Duration atMost) {
        try (Admin admin = admin()) {
            await("all replicas of " + topics.size() + " topics in sync").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> {
                        Map<String, TopicDescription> described = admin.describeTopics(Set.copyOf(topics)).allTopicNames().get(10, TimeUnit.SECONDS);
                        return described.values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.isr().size() == 3);
                    });
        }
    }

    /** SIGKILLs every node (the data goes with the test's directory). */
    @Override
    public synchronized void close() {
        for (Process process : nodes.values()) {
            process.destroyForcibly(); // SIGKILL ends a paused (SIGSTOPped) node too
        }
        for (Process process : nodes.values()) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
