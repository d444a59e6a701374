package io.slotstream.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.RegistryHome;
import io.slotstream.deploy.local.RegistryServer;
import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SmallTmpfs;
import io.slotstream.deploy.local.StackException;
import io.slotstream.faults.checker.Checker;
import io.slotstream.faults.checker.History;
import io.slotstream.faults.checker.Report;
import io.slotstream.faults.cluster.BrokerCluster;
import io.slotstream.provisioning.Provisioning;
import io.slotstream.provisioning.schema.RegistryConnection;
import io.slotstream.provisioning.schema.SchemaRegistrar;
import io.slotstream.provisioning.topic.TopicSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault scenarios on a 3-node KRaft cluster of broker processes (replication factor 3, {@code min.insync.replicas=2},
 * as provisioned for production), the registry and the four services as processes, each under a steady
 * {@link MixedLoad}; after each fault the load stops and the {@link Checker} judges the whole history against what
 * the topics, the view and the publication show, until they converge ({@value #CONVERGENCE_SECONDS} s at most).
 * Expected after every scenario: 0 lost, 0 duplicated, 0 resurrected, 0 divergent, 0 double bookings, 0 dead
 * letters. The short form (untagged) runs in every build; {@code faults-long} scenarios run with {@code -Pfaults-long}.
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultScenariosTest {

    private static final Path PROJECT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final String HOST = "127.0.0.1";
    private static final int CONVERGENCE_SECONDS = 120;
    private static final long LOAD_SECONDS = Long.getLong("slotstream.faults.load-seconds", 15);

    private static final Path REPORT = Path.of("target", "faults-report.txt");
    /** publish-service's output directory ({@code <publish dir>/files}) is a tmpfs of this size, so it can be filled */
    private static final long PUBLISH_OUTPUT_BYTES = 32L << 20;
    private static final Pattern DISK_FULL_FAILURES = Pattern.compile(
            "^slotstream_publish_snapshot_failures_total\\{[^}]*reason=\"disk-full\"[^}]*} ([0-9.Ee+-]+)$", Pattern.MULTILINE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Path dir;
    private static BrokerCluster cluster;
    private static RegistryServer registry;
    private static ServiceSet services;
    private static final History HISTORY = new History();
    private static MixedLoad load;
    private static SystemObserver observer;
    private static SmallTmpfs publishOutput;
    private static String publishOutputMissing;

    @BeforeAll
    static void startClusterAndServices() throws Exception {
        dir = Path.of(System.getProperty("java.io.tmpdir"), "faults-" + System.nanoTime());
        // the registry starts while the brokers do: on a busy machine it needs their time as well
        registry = RegistryServer.launch(HOST, Ports.free(HOST), Ports.free(HOST), RegistryHome.locate(), dir.resolve("registry"));
        cluster = BrokerCluster.start(dir.resolve("kafka"));
        registry.awaitReady();
        Provisioning.Result provisioned = new Provisioning(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                new TopicSettings((short) 3, 2, OptionalInt.empty()), RegistryConnection.open(registry.apiUrl()),
                SchemaRegistrar.COMPATIBILITY).create();
        assertThat(provisioned.refused()).isEmpty();
        Path publishDir = dir.resolve("publication");
        try {
            // before the services start: a mount over the directory later would hide the files being served
            publishOutput = SmallTmpfs.mount(publishDir.resolve("files"), PUBLISH_OUTPUT_BYTES, SmallTmpfs.Visibility.ALL_PROCESSES);
            report("publish-service output: %s", publishOutput.describe());
        } catch (SmallTmpfs.Unavailable e) {
            publishOutputMissing = e.getMessage();
        }
        services = ServiceSet.launch(PROJECT, new ServiceSet.Endpoints(HOST, cluster.bootstrapServers(), registry.apiUrl()),
                dir.resolve("services"), ServiceSet.freePorts(), Map.of(
                        "SLOTSTREAM_SECURITY_MODE", "off",
                        "SLOTSTREAM_SECURITY_RATE_LIMIT_REQUESTS_PER_SECOND", "0",
                        // Streams' changelog and repartition topics as replicated as the catalogue's
                        "SLOTSTREAM_STREAMS_REPLICATION_FACTOR", "3",
                        // read by publish-service only: its files/ is the small tmpfs
                        "SLOTSTREAM_PUBLISH_DIR", publishDir.toString()));
        awaitServices();
        load = new MixedLoad(services.url("ingest-service"), services.url("booking-bridge"), HISTORY, 2, 20, 20);
        load.seed();
        observer = new SystemObserver(cluster.bootstrapServers(), registry.apiUrl(), MixedLoad.SOURCE, MixedLoad.scheduleId());
        Report seeded = awaitConvergence("seed", System.nanoTime());
        assertThat(seeded.isClean()).as(seeded.toString()).isTrue();
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        if (load != null) {
            load.stop();
        }
        if (services != null) {
            services.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (publishOutput != null) {
            publishOutput.close();
        }
    }

    /** a: availability-service SIGKILLed mid-load and restarted on its state directory. */
    @Test
    @Order(1)
    @Tag("faults-long") // short form: CI budget; same checker, see README
    void availabilityServiceKilledAndRestartedOnItsState() throws Exception {
        scenario("availability-service SIGKILL, restart keeping its state dir", () -> {
            services.kill("availability-service");
            services.restart("availability-service");
        });
    }

    /** a: the same with its state directory wiped, so the restart restores every store from its changelog. */
    @Test
    @Order(2)
    void availabilityServiceKilledAndRestoredFromTheChangelogs() throws Exception {
        scenario("availability-service SIGKILL, restart with its state dir wiped (full restore)", () -> {
            services.kill("availability-service");
            deleteRecursively(services.stateDir("availability-service"));
            services.restart("availability-service");
        });
    }

    /** b: a broker (not the quorum leader) SIGKILLed, the load runs on two brokers, then it restarts and catches up. */
    @Test
    @Order(3)
    void aBrokerKilledAndRestarted() throws Exception {
        scenario("broker SIGKILL (not the quorum leader) and restart", () -> {
            int leader = cluster.quorumLeader();
            int victim = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            cluster.kill(victim);
            Thread.sleep(Duration.ofSeconds(LOAD_SECONDS / 2));
            cluster.restart(victim);
            awaitFullIsr();
        });
    }

    /** b: the KRaft quorum leader (active controller and a broker) SIGKILLed; the other two elect a new leader. */
    @Test
    @Order(4)
    @Tag("faults-long") // short form: CI budget; same checker, see README
    void theControllerQuorumLeaderKilledAndRestarted() throws Exception {
        AtomicReference<String> election = new AtomicReference<>();
        scenario("controller quorum leader SIGKILL and restart", () -> {
            int leader = cluster.quorumLeader();
            cluster.kill(leader);
            await("a new quorum leader").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> cluster.quorumLeader() != leader);
            election.set("leader " + leader + " -> " + cluster.quorumLeader());
            Thread.sleep(Duration.ofSeconds(LOAD_SECONDS / 2));
            cluster.restart(leader);
            awaitFullIsr();
        });
        report("quorum leader change: %s", election.get());
    }

    /** c: ingest-service SIGKILLed mid-load (writes in flight, possibly inside a transaction) and restarted. */
    @Test
    @Order(5)
    @Tag("faults-long")
    void ingestServiceKilledMidLoad() throws Exception {
        scenario("ingest-service SIGKILL and restart", () -> {
            services.kill("ingest-service");
            services.restart("ingest-service");
        });
    }

    /** c: booking-bridge SIGKILLed while bookings are in flight; clients retry with the same X-Request-Id. */
    @Test
    @Order(6)
    @Tag("faults-long")
    void bookingBridgeKilledBetweenRequestAndOutcome() throws Exception {
        scenario("booking-bridge SIGKILL with bookings in flight, restart", () -> {
            services.kill("booking-bridge");
            services.restart("booking-bridge");
        });
    }

    /** c: publish-service SIGKILLed (it cuts a snapshot every 5 s, so a cut is often under way) and restarted. */
    @Test
    @Order(7)
    @Tag("faults-long")
    void publishServiceKilledDuringACut() throws Exception {
        scenario("publish-service SIGKILL and restart", () -> {
            services.kill("publish-service");
            services.restart("publish-service");
        });
    }

    /** e: one broker frozen with SIGSTOP for 20 s (cut off, sockets open), then SIGCONT. */
    @Test
    @Order(8)
    @Tag("faults-long")
    void aBrokerPartitionedByPausingIt() throws Exception {
        scenario("broker SIGSTOP 20 s, SIGCONT", () -> {
            int leader = cluster.quorumLeader();
            int victim = cluster.nodeIds().stream().filter(id -> id != leader).reduce((a, b) -> b).orElseThrow();
            cluster.pause(victim);
            Thread.sleep(Duration.ofSeconds(20));
            cluster.resume(victim);
            awaitFullIsr();
        });
    }

    /** d: the schema registry frozen with SIGSTOP for 30 s, then SIGCONT, without restarting any service. */
    @Test
    @Order(9)
    @Tag("faults-long")
    void theSchemaRegistryUnavailableFor30Seconds() throws Exception {
        scenario("schema registry SIGSTOP 30 s, SIGCONT", () -> {
            signal(registry.pid(), "STOP");
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } finally {
                signal(registry.pid(), "CONT");
            }
        });
    }

    /**
     * f: publish-service's output directory (a 32 MiB tmpfs) filled to ENOSPC under load for 20 s, then freed: the cuts
     * fail, the previous publication keeps being served (the same manifest bytes, every file it lists downloadable
     * and unchanged, readiness and liveness UP), the failure is counted as disk-full and logged naming the directory,
     * and once the space is back the next cut catches up (the checker then finds the publication equal to the view).
     */
    @Test
    @Order(10)
    @Tag("faults-long")
    void publishServiceOutputDiskFull() throws Exception {
        Assumptions.assumeTrue(publishOutput != null, () -> "publish-service's output on a small full disk: " + publishOutputMissing);
        String publish = services.url("publish-service");
        AtomicReference<String> figures = new AtomicReference<>();
        scenario("publish-service output disk full 20 s (tmpfs at ENOSPC), freed", () -> {
            double failuresBefore = diskFullFailures(publish);
            long filler = publishOutput.fill(0);
            try {
                await("a cut refused by the full disk").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> diskFullFailures(publish) > failuresBefore);
                byte[] manifest = get(publish + "/$bulk-publish").body();
                Map<String, byte[]> files = filesOf(manifest);
                double failuresAtStart = diskFullFailures(publish);
                Thread.sleep(Duration.ofSeconds(20));
                assertThat(get(publish + "/$bulk-publish").body()).as("the manifest while the disk is full")
                        .isEqualTo(manifest);
                assertThat(filesOf(manifest)).as("the files it lists while the disk is full").containsOnlyKeys(files.keySet())
                        .allSatisfy((url, bytes) -> assertThat(bytes).as(url).isEqualTo(files.get(url)));
                // still ready (the publication is whole) and alive: nothing for Kubernetes to restart
                assertThat(get(publish + "/actuator/health/readiness").body()).asString(StandardCharsets.UTF_8).contains("\"UP\"");
                assertThat(get(publish + "/actuator/health/liveness").body()).asString(StandardCharsets.UTF_8).contains("\"UP\"");
                double failed = diskFullFailures(publish) - failuresBefore;
                assertThat(diskFullFailures(publish)).as("cuts refused in the 20 s under load").isGreaterThan(failuresAtStart);
                String log = Files.readString(dir.resolve("services").resolve("publish-service.log"));
                assertThat(log).as("publish-service's log").contains("disk full: ")
                        .contains(dir.resolve("publication").resolve("files").toString());
                figures.set("filler %d bytes; %d cuts refused as disk-full; manifest (%d files, transactionTime %s) served unchanged"
                        .formatted(filler, Math.round(failed), files.size(), transactionTime(manifest)));
            } finally {
                publishOutput.free();
            }
        });
        report("disk full: %s", figures.get());
    }

    private static double diskFullFailures(String publish) throws IOException, InterruptedException {
        String metrics = new String(get(publish + "/actuator/prometheus").body(), StandardCharsets.UTF_8);
        Matcher matcher = DISK_FULL_FAILURES.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /** @return every file the manifest lists: url to bytes */
    private static Map<String, byte[]> filesOf(byte[] manifest) throws IOException, InterruptedException {
        Map<String, byte[]> files = new HashMap<>();
        for (var output : JSON.readTree(manifest).path("output")) {
            String url = output.path("url").asText();
            files.put(url, get(url).body());
        }
        return files;
    }

    private static String transactionTime(byte[] manifest) throws IOException {
        return JSON.readTree(manifest).path("transactionTime").asText();
    }

    private static HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        return response;
    }

    private interface Fault {
        void inject() throws Exception;
    }

    /**
     * Load for a third of the load time, the fault (which returns once the faulty part is back), load for two more
     * thirds, then the checker until the readers converge. Prints the figures; fails on any anomaly.
     */
    private static void scenario(String name, Fault fault) throws Exception {
        long started = System.nanoTime();
        int writesBefore = HISTORY.writes().size();
        int bookingsBefore = HISTORY.bookings().size();
        load.start();
        Thread.sleep(Duration.ofSeconds(LOAD_SECONDS / 3));
        long faultStarted = System.nanoTime();
        try {
            fault.inject();
        } finally {
            long faultSeconds = Duration.ofNanos(System.nanoTime() - faultStarted).toSeconds();
            Thread.sleep(Duration.ofSeconds(LOAD_SECONDS * 2 / 3));
            load.stop();
            report("%s: fault and recovery took %d s under load", name, faultSeconds);
        }
        Report report = awaitConvergence(name, started);
        report("%s: %d writes and %d booking calls during the scenario; outcomes so far %s", name,
                HISTORY.writes().size() - writesBefore, HISTORY.bookings().size() - bookingsBefore, new TreeMap<>(load.counts()));
        assertThat(report.isClean()).as(name + ": " + report).isTrue();
    }

    /** Runs the checker until it finds nothing (readers converged) or {@value #CONVERGENCE_SECONDS} s pass; prints the figures. */
    private static Report awaitConvergence(String name, long started) {
        long loadStopped = System.nanoTime();
        AtomicReference<Report> last = new AtomicReference<>();
        AtomicReference<String> lastFailure = new AtomicReference<>("none");
        Checker checker = new Checker();
        try {
            await(name + ": topic, view and publication converge").atMost(Duration.ofSeconds(CONVERGENCE_SECONDS))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> {
                        try {
                            last.set(checker.check(HISTORY, observer.observe(services.url("availability-service"),
                                    services.url("publish-service"))));
                        } catch (Exception e) {
                            lastFailure.set(e.toString());
                            return false;
                        }
                        return last.get().isClean();
                    });
        } catch (ConditionTimeoutException e) {
            report("%s: NOT converged within %d s: %s; last reading failure: %s", name, CONVERGENCE_SECONDS, last.get(), lastFailure.get());
            return last.get() != null ? last.get() : new Report(List.of("no complete reading within " + CONVERGENCE_SECONDS
                    + " s: " + lastFailure.get()), List.of(), List.of(), List.of(), List.of(), 0, 0, 0);
        }
        report("%s: %s; converged %d s after the load stopped; scenario %d s", name, last.get().figures(),
                Duration.ofNanos(System.nanoTime() - loadStopped).toSeconds(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
        return last.get();
    }

    /** A {@code [faults]} line to stdout and to {@code target/faults-report.txt} (readable while the run goes on). */
    private static void report(String format, Object... args) {
        String line = "[faults] " + format.formatted(args);
        System.out.println(line);
        try {
            Files.writeString(REPORT, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("cannot append to " + REPORT + ": " + e.getMessage());
        }
    }

    private static void awaitFullIsr() {
        Set<String> topics;
        try (Admin admin = cluster.admin()) {
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics: " + e.getMessage(), e);
        }
        cluster.awaitFullIsr(topics, Duration.ofSeconds(180));
    }

    /** As the e2e tests do: a service still starting on a busy machine gets more time; one that exited fails at once. */
    private static void awaitServices() {
        for (int attempt = 1; ; attempt++) {
            try {
                services.awaitReady(System.out::println);
                return;
            } catch (StackException e) {
                if (attempt == 4 || !e.getMessage().contains("was not ready")) {
                    throw e;
                }
            }
        }
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
