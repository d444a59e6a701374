package io.slotstream.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Capability;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.SharedStack;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pipeline from the container images (issue 14 §5): the provisioning job image and the four service images run
 * with the environment, memory limits and security context the Helm chart renders (non-root, read-only root file
 * system, no capabilities, no privilege escalation) and the chart's writable volumes as empty host directories;
 * FHIR resources sent to ingest-service come out of publish-service's publication.
 * <p>
 * Kafka and the registry are the shared test stack's (real KRaft broker, real Apicurio Registry) on loopback, and the
 * containers use the host network, so four settings differ from the chart: {@code SERVER_ADDRESS} (loopback),
 * {@code SERVER_PORT} (a free port each), availability-service's {@code application.server} and booking-bridge's
 * availability-service URL (loopback instead of the Services' DNS names). Images come from
 * {@code ./slotstream images}; a container runtime is Docker or podman's Docker-compatible socket
 * ({@code DOCKER_HOST}); {@code .ci/run} sets both up. Without a runtime the test is skipped and says why (it fails
 * instead with {@code -Dslotstream.containers.required=true}, as in {@code .ci/run}); with a runtime but without the
 * images it fails and says how to build them.
 */
@Timeout(900)
class PipelineInContainersTest {

    private static final String TAG = System.getProperty("slotstream.image.tag", "0.1.0-SNAPSHOT");
    private static final Path CHART = Path.of(System.getProperty("slotstream.chart.dir", "../helm/slotstream"));
    private static final List<String> SERVICES = List.of("ingest-service", "availability-service", "publish-service",
            "booking-bridge");
    private static final List<GenericContainer<?>> STARTED = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void requireAContainerRuntimeAndTheImages() {
        String noRuntime = "no container runtime: the pipeline-in-containers test needs Docker or podman's socket "
                + "(podman system service, DOCKER_HOST=unix:///run/podman/podman.sock) and the images from "
                + "./slotstream images; .ci/run sets both up";
        if (Boolean.getBoolean("slotstream.containers.required")) {
            assertThat(DockerClientFactory.instance().isDockerAvailable()).as(noRuntime).isTrue();
        } else {
            assumeTrue(DockerClientFactory.instance().isDockerAvailable(), noRuntime + ". Skipped");
        }
        var images = DockerClientFactory.instance().client().listImagesCmd().exec().stream()
                .flatMap(i -> i.getRepoTags() == null ? java.util.stream.Stream.<String>empty() : java.util.stream.Stream.of(i.getRepoTags()))
                .toList();
        for (String component : List.of("provisioning", "ingest-service", "availability-service", "publish-service", "booking-bridge")) {
            assertThat(images).as("image " + image(component) + " is missing: build the images with ./slotstream images")
                    .contains(image(component));
        }
    }

    @AfterAll
    static void stop() {
        STARTED.forEach(GenericContainer::stop);
    }

    @Test
    void theJobImageProvisionsAndTheServiceImagesPublishWhatIngestAccepts() throws Exception {
        long started = System.nanoTime();
        LocalStack stack = SharedStack.get();
        long stackUp = System.nanoTime();
        ChartEnvironment chart = new ChartEnvironment(CHART, Map.of(
                "kafka.bootstrapServers", stack.bootstrapServers(),
                "registry.url", stack.registryApiUrl(),
                "topics.replicationFactor", 1,
                "topics.minInsyncReplicas", 1,
                "provisioning.hook", false,
                "security.mode", "off", // request security is tested in auth-server and service-edge (no authorization server here)
                "publishService.snapshotInterval", "2s"));
        Path clientProperties = Path.of(System.getProperty("java.io.tmpdir"), "client.properties");
        Files.writeString(clientProperties, chart.kafkaClientProperties());

        // the hook Job: create (idempotent on the already provisioned stack), then validate finds no drift
        String created = runToCompletion(chart, clientProperties, chart.args("provisioning"));
        assertThat(created).contains("topics match the catalogue");
        assertThat(runToCompletion(chart, clientProperties, List.of("validate"))).contains("topics and schemas match the catalogue");
        long provisioned = System.nanoTime();

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String service : SERVICES) {
            ports.put(service, Ports.free("127.0.0.1"));
        }
        for (String service : SERVICES) {
            int port = ports.get(service);
            Map<String, String> env = new LinkedHashMap<>(chart.environment(service, "ctr-slotstream-" + service + "-0"));
            env.put("SERVER_ADDRESS", "127.0.0.1");
            env.put("SERVER_PORT", Integer.toString(port));
            if (env.containsKey("SLOTSTREAM_STREAMS_APPLICATION_SERVER")) {
                env.put("SLOTSTREAM_STREAMS_APPLICATION_SERVER", "127.0.0.1:" + port);
            }
            if (env.containsKey("SLOTSTREAM_BOOKING_AVAILABILITY_URL")) {
                env.put("SLOTSTREAM_BOOKING_AVAILABILITY_URL", "http://127.0.0.1:" + ports.get("availability-service"));
            }
            GenericContainer<?> container = container(service, chart, clientProperties).withEnv(env);
            container.start();
            STARTED.add(container);
        }
        for (String service : SERVICES) {
            awaitOk(service, "http://127.0.0.1:" + ports.get(service) + "/actuator/health/readiness", Duration.ofMinutes(5));
        }
        long ready = System.nanoTime();

        String day = LocalDate.now(ZoneOffset.UTC).plusDays(7).toString();
        String ingest = "http://127.0.0.1:" + ports.get("ingest-service") + "/fhir";
        put(ingest + "/Location/ctr-loc-1", """
                {"resourceType":"Location","id":"ctr-loc-1","name":"Container Clinic","telecom":[{"system":"phone",
                 "value":"555-0100"}],"address":{"line":["1 Main St"],"city":"Boston","state":"MA","postalCode":"02114"}}""");
        put(ingest + "/Schedule/ctr-sched-1", """
                {"resourceType":"Schedule","id":"ctr-sched-1","serviceType":[{"coding":[{"system":
                 "http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}],
                 "actor":[{"reference":"Location/ctr-loc-1"}]}""");
        put(ingest + "/Slot/ctr-slot-1", """
                {"resourceType":"Slot","id":"ctr-slot-1","schedule":{"reference":"Schedule/ctr-sched-1"},"status":"free",
                 "start":"%sT09:00:00Z","end":"%sT09:15:00Z","extension":[{"url":
                 "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link",
                 "valueUrl":"https://ehr.example.org/book/ctr-slot-1"},{"url":
                 "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone",
                 "valueContactPoint":{"system":"phone","value":"555-0101"}}]}""".formatted(day, day));

        String publish = "http://127.0.0.1:" + ports.get("publish-service");
        Awaitility.await("ctr-slot-1 in the publication").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(slotLines(publish)).anySatisfy(line -> assertThat(line)
                        .contains("ctr-slot-1").contains("\"status\":\"free\"").contains(day + "T09:00:00")));
        System.out.printf("pipeline in containers, seconds: shared stack %d, provisioning job (create, validate) %d, "
                        + "services ready %d, slot published %d%n", seconds(started, stackUp), seconds(stackUp, provisioned),
                seconds(provisioned, ready), seconds(ready, System.nanoTime()));
    }

    private static GenericContainer<?> container(String component, ChartEnvironment chart, Path clientProperties) {
        ChartEnvironment.Security security = chart.security(component);
        Long memory = chart.memoryLimit(component);
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image(component)))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withFileSystemBind(clientProperties.toString(), "/etc/slotstream/kafka/client.properties", BindMode.READ_ONLY)
                .withCreateContainerCmdModifier(cmd -> {
                    if (security.user() != null) {
                        cmd.withUser(security.user());
                    }
                    var host = cmd.getHostConfig().withReadonlyRootfs(security.readOnlyRootFilesystem())
                            .withCapDrop(security.dropCapabilities().stream().map(Capability::valueOf).toArray(Capability[]::new));
                    if (security.noNewPrivileges()) {
                        host.withSecurityOpts(List.of("no-new-privileges"));
                    }
                    if (memory != null) { // the JVM sizes its heap from it (the chart's -XX:MaxRAMPercentage)
                        host.withMemory(memory);
                    }
                });
        // The chart's emptyDir volumes as fresh host directories writable by the image's user (podman 4.3 ignores a
        // tmpfs mode, so a tmpfs would be root-owned); RocksDB also loads its native library from there (/tmp).
        for (String path : chart.writablePaths(component)) {
            container.withFileSystemBind(emptyDir(component, path).toString(), path, BindMode.READ_WRITE);
        }
        return container;
    }

    private static String runToCompletion(ChartEnvironment chart, Path clientProperties, List<String> args) {
        try (GenericContainer<?> job = container("provisioning", chart, clientProperties)
                .withEnv(chart.environment("provisioning", "ctr-slotstream-provisioning-r1"))
                .withCommand(args.toArray(String[]::new))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(3)))) {
            try {
                job.start();
            } catch (RuntimeException e) {
                throw new AssertionError("provisioning " + args + " failed:\n" + job.getLogs(), e);
            }
            return job.getLogs();
        }
    }

    private static void awaitOk(String service, String url, Duration timeout) {
        try {
            Awaitility.await(service + " ready").atMost(timeout).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            GenericContainer<?> container = STARTED.get(SERVICES.indexOf(service));
            String logs = container.getLogs();
            throw new AssertionError(service + " not ready at " + url + "; its log ends:\n"
                    + logs.substring(Math.max(0, logs.length() - 4000)), e);
        }
    }

    private static void put(String url, String resource) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(resource)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT " + url + ": " + response.body()).isBetween(200, 201);
    }

    private static List<String> slotLines(String publish) throws IOException, InterruptedException {
        HttpResponse<String> manifest = HTTP.send(HttpRequest.newBuilder(URI.create(publish + "/$bulk-publish"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonNode output : JSON.readTree(manifest.body()).path("output")) {
            if ("Slot".equals(output.path("type").asText())) {
                String body = HTTP.send(HttpRequest.newBuilder(URI.create(output.path("url").asText()))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
                lines.addAll(body.lines().toList());
            }
        }
        return lines;
    }

    private static Path emptyDir(String component, String path) {
        try {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                    component + path.replace('/', '-') + "-");
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long seconds(long fromNanos, long toNanos) {
        return Duration.ofNanos(toNanos - fromNanos).toSeconds();
    }

    private static String image(String component) {
        return "localhost/slotstream-" + component + ":" + TAG;
    }
}
