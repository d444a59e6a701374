package io.slotstream.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.deploy.local.AuthServerProcess;
import io.slotstream.deploy.local.BookingJob;
import io.slotstream.deploy.local.KafkaNode;
import io.slotstream.deploy.local.LocalCertificates;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.LogLeakScan;
import io.slotstream.deploy.local.Ports;
import io.slotstream.deploy.local.PublicationSummary;
import io.slotstream.deploy.local.RegistryServer;
import io.slotstream.deploy.local.SampleFeedLoader;
import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.deploy.local.StackException;
import io.slotstream.provisioning.Provisioning;
import io.slotstream.provisioning.schema.RegistryConnection;
import io.slotstream.provisioning.schema.SchemaRegistrar;
import io.slotstream.provisioning.topic.TopicSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The four services with TLS everywhere, configured the way the Helm chart configures them: HTTPS listeners (Spring
 * Boot SSL bundle from PEM files, {@code SERVER_SSL_BUNDLE}), service-to-service calls trusting the CA
 * ({@code SLOTSTREAM_TLS_CLIENT_BUNDLE}), an Apicurio Registry over HTTPS only ({@code SLOTSTREAM_REGISTRY_CA} for the
 * serdes, the start-up check and the provisioning step), and a Kafka cluster reached over {@code SASL_SSL} only:
 * {@code SLOTSTREAM_KAFKA_CONFIG} names a client.properties file of the chart's shape (PEM truststore, credentials
 * through Kafka's {@code EnvVarConfigProvider} from {@code KAFKA_SASL_USERNAME}/{@code KAFKA_SASL_PASSWORD}). The
 * certificates (a CA and one certificate for 127.0.0.1) are made at the start. Requests need tokens: the launcher's
 * authorization server runs over HTTPS only and every service validates tokens against its JWKS over HTTPS, trusting
 * the test CA through the client bundle. A slot written through ingest-service (a source client's token) reaching the
 * publication proves every Kafka client on the way authenticated over TLS; a booking through booking-bridge (the
 * booking client's token, a patient with name, birth date and phone) proves its HTTPS calls to availability-service;
 * afterwards no log of the run holds a token, a JWT or the patient's data ({@link LogLeakScan}); plain HTTP and
 * clients that do not trust the CA are refused; a wrong password stops a service at start with a one-line reason. The broker is a second in-JVM KRaft node
 * with a SASL_SSL listener, the registry a second Apicurio process (HTTPS) of the shared stack's distribution.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SecuredStackEndToEndTest {

    private static final Path PROJECT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "slotstream-secret";

    private static KafkaNode broker;
    private static RegistryServer registry;
    private static ServiceSet services;
    private static HttpClient https;
    private static Path work;
    private static Map<String, String> clusterEnv;
    private static LocalStack stack;
    private static LocalCertificates certificates;
    private static AuthServerProcess authServer;
    private static Path logs;
    /** Every access token the test's clients obtained: none may appear in a log. */
    private static final Set<String> TOKENS_OBTAINED = ConcurrentHashMap.newKeySet();
    /** The patient the booking is for: PHI that no log may carry (issue 16 deliverable 5). */
    private static final String PATIENT = """
            {"name":[{"family":"Quillfeather-Oakes","given":["Ottoline"]}],"birthDate":"1957-03-14",
             "telecom":[{"system":"phone","value":"+1-617-555-0147"},{"system":"email","value":"ottoline.q@example.org"}],
             "gender":"female"}""";
    private static final List<String> PHI = List.of("Quillfeather-Oakes", "Ottoline", "1957-03-14", "617-555-0147", "ottoline.q@");

    @BeforeAll
    static void startASecuredClusterAndTheServices() throws Exception {
        stack = SharedStack.get();
        work = Files.createTempDirectory("secured-stack-");
        logs = work.resolve("services");
        certificates = LocalCertificates.create(work.resolve("tls"));
        // the authorization server over HTTPS only, starting while the cluster does; its log beside the services'
        authServer = AuthServerProcess.launch(PROJECT, stack, logs, Ports.free("127.0.0.1"), certificates);
        int saslSslPort = Ports.free("127.0.0.1");
        registry = RegistryServer.launch("127.0.0.1", Ports.free("127.0.0.1"), Ports.free("127.0.0.1"),
                stack.settings().registryHome(), work.resolve("registry"), certificates);
        broker = KafkaNode.start("127.0.0.1", Ports.free("127.0.0.1"), Ports.free("127.0.0.1"), work.resolve("kafka"),
                new KafkaNode.SecuredListener(saslSslPort, Map.of("slotstream", PASSWORD), certificates));
        registry.awaitReady();
        assertThat(registry.apiUrl()).startsWith("https://");
        // the deploy step's provisioning: topics over the node's own PLAINTEXT listener, schemas over HTTPS (its --registry-ca)
        assertThat(new Provisioning(Map.of("bootstrap.servers", broker.bootstrapServers()), TopicSettings.singleNode(),
                new RegistryConnection(registry.apiUrl(), Optional.empty(), Optional.empty(),
                        Optional.of(certificates.caCertificate().toString())), SchemaRegistrar.COMPATIBILITY)
                .create().refused()).isEmpty();

        // what deploy/helm/slotstream/templates/kafka-client-configmap.yaml renders for securityProtocol SASL_SSL,
        // mechanism PLAIN and a CA Secret (mounted there at /etc/slotstream/kafka-ca/ca.crt)
        Path clientProperties = Files.writeString(work.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                config.providers=env
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="${env:KAFKA_SASL_USERNAME}" password="${env:KAFKA_SASL_PASSWORD}";
                ssl.truststore.type=PEM
                ssl.truststore.location=%s
                """.formatted(certificates.caCertificate().toAbsolutePath()));
        clusterEnv = Map.of(
                "SLOTSTREAM_SECURITY_MODE", "off",
                "SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + saslSslPort,
                "SLOTSTREAM_KAFKA_CONFIG", clientProperties.toString(),
                "KAFKA_SASL_USERNAME", "slotstream",
                "SLOTSTREAM_REGISTRY_URL", registry.apiUrl(),
                "SLOTSTREAM_REGISTRY_CA", certificates.caCertificate().toString());
        authServer.awaitReady();
        assertThat(authServer.issuer()).startsWith("https://");
        Map<String, String> env = new LinkedHashMap<>(clusterEnv);
        env.put("KAFKA_SASL_PASSWORD", PASSWORD);
        // token mode: every service validates tokens against the issuer's JWKS over HTTPS, trusting the test CA
        env.putAll(authServer.resourceServerEnvironment());
        // five JVMs start at once here: on a busy machine the TLS handshakes of the start-up check take their time
        env.put("SLOTSTREAM_STARTUP_STACK_TIMEOUT", "120s");
        services = ServiceSet.launch(PROJECT, stack, logs, ServiceSet.freePorts(), env, certificates);
        services.awaitReady(System.out::println);
        https = services.httpClient();
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
        if (authServer != null) {
            authServer.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** A token source of a launcher client that remembers every token it handed out. */
    private static Supplier<String> recorded(String clientId) {
        Supplier<String> client = authServer.client(clientId);
        return () -> {
            String token = client.get();
            TOKENS_OBTAINED.add(token);
            return token;
        };
    }

    @Test
    void aSlotWrittenOverHttpsIsPublishedOverTheTlsClusterAndBookedThroughBookingBridge() throws Exception {
        assertThat(services.url("ingest-service")).startsWith("https://");
        // token mode is on: a write without a token is refused
        HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(URI.create(services.url("ingest-service") + "/fhir/Slot/x"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/fhir+json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        // the client of source "local" (tokens from the HTTPS issuer), bound to that source
        SampleFeedLoader ingest = new SampleFeedLoader(services.url("ingest-service"), https)
                .withToken(recorded(AuthServerProcess.LOCAL_SOURCE));
        String source = "local";
        ingest.put(JSON.readTree("""
                {"resourceType":"Location","id":"loc","name":"TLS Clinic","telecom":[{"system":"phone","value":"555-0100"}],
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
        AtomicReference<PublicationSummary> published = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(StackException.class)
                .untilAsserted(() -> {
                    PublicationSummary publication = PublicationSummary.read(https, manifest, line -> true);
                    assertThat(publication.count("Slot")).isEqualTo(1);
                    assertThat(publication.count("Location")).isEqualTo(1);
                    assertThat(publication.slotsByStatus()).containsExactly(Map.entry("free", 1));
                    published.set(publication);
                });
        String firstManifest = https.send(HttpRequest.newBuilder(URI.create(manifest)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(JSON.readTree(firstManifest).path("output").path(0).path("url").asText()).startsWith("https://");

        // $find (booking-bridge searches availability-service over HTTPS), $hold and $book (decided over the TLS
        // cluster), then the slot busy in the next _since poll
        BookingJob.Result booking = new BookingJob(services.url("booking-bridge"), services.url("publish-service"),
                new PrintStream(System.out), https).withToken(recorded(AuthServerProcess.BOOKING_DEMO))
                .withPatient(JSON.readTree(PATIENT)).run(published.get().transactionTime());
        assertThat(booking).isNotNull();
        assertThat(booking.slotId()).isEqualTo(source + ".slot-1");

        assertNoTokensNorPhiInTheLogs();
    }

    /**
     * Issue 16 deliverable 5: the logs of this run (every service's and the authorization server's) hold none of the
     * access tokens the clients obtained, no JWT at all (client assertions and tokens both start {@code eyJ}), no
     * {@code Bearer } header value, and none of the patient's name, birth date, phone or e-mail.
     */
    private static void assertNoTokensNorPhiInTheLogs() throws IOException {
        assertThat(TOKENS_OBTAINED).as("tokens obtained by the ingest and booking clients").hasSizeGreaterThanOrEqualTo(2);
        List<String> modules = new ArrayList<>(ServiceSet.DEFAULT_PORTS.keySet());
        modules.add("auth-server");
        for (String module : modules) {
            Path log = logs.resolve(module + ".log");
            assertThat(log).as("the scan reads %s", log).isRegularFile();
            assertThat(Files.size(log)).as(log.toString()).isPositive();
        }
        // the scan sees these logs: each one names its application (so a leak would be found too)
        assertThat(LogLeakScan.find(logs, List.of("Started "))).as("lines the scan can find")
                .anySatisfy(hit -> assertThat(hit).startsWith("auth-server.log:"))
                .anySatisfy(hit -> assertThat(hit).startsWith("booking-bridge.log:"))
                .anySatisfy(hit -> assertThat(hit).startsWith("ingest-service.log:"));
        List<String> needles = new ArrayList<>(LogLeakScan.TOKENS);
        needles.addAll(TOKENS_OBTAINED);
        needles.addAll(PHI);
        assertThat(LogLeakScan.find(logs, needles)).as("tokens or PHI in the logs of " + logs).isEmpty();
    }

    @Test
    void plainHttpAndClientsThatDoNotTrustTheCaAreRefused() throws Exception {
        assertRefused(services.url("availability-service") + "/fhir/Slot", "Bundle");
        assertRefused(registry.apiUrl() + "/search/artifacts", "artifacts");
    }

    /** The JVM's default CAs do not include the test CA; plain HTTP on the HTTPS port gets a 400 or a closed connection. */
    private static void assertRefused(String httpsUrl, String dataMarker) throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(httpsUrl)).build(), HttpResponse.BodyHandlers.ofString()))
                .as(httpsUrl).isInstanceOf(SSLHandshakeException.class);
        String http = httpsUrl.replaceFirst("^https:", "http:");
        try {
            HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create(http)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(http).isEqualTo(400);
            assertThat(answer.body()).as(http).doesNotContain(dataMarker);
        } catch (IOException closed) {
            // refused at the connection: fine
        }
    }

    @Test
    void aWrongPasswordStopsTheServiceAtStartWithOneLineNamingTheCause() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(clusterEnv);
        env.put("KAFKA_SASL_PASSWORD", "not-the-password");
        // long enough for a TLS handshake on a busy machine (a slow one reads as "unreachable", not "refused")
        env.put("SLOTSTREAM_STARTUP_STACK_TIMEOUT", "20s");
        Path logDir = work.resolve("wrong-password");
        try (ServiceSet refused = ServiceSet.launch(PROJECT, stack, logDir, Map.of("publish-service", Ports.free("127.0.0.1")), env,
                certificates)) {
            assertThatThrownBy(() -> refused.awaitReady(line -> { })).isInstanceOf(StackException.class);
        }
        assertThat(Files.readString(logDir.resolve("publish-service.log")))
                .contains("refused the client (SASL_SSL, check slotstream.kafka.config)")
                .doesNotContain("not-the-password");
    }
}
