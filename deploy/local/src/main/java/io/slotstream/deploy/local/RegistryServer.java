package io.slotstream.deploy.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Apicurio Registry 3.x server (the Quarkus fast-jar from Maven Central, in-memory storage), run as a child
 * JVM bound to one host. It needs Java 21+; it serves its own API at {@code /apis/registry/v3} and the
 * Confluent-compatible API at {@code /apis/ccompat/v7}.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final ManagedProcess process;
    private final String baseUrl;
    private final java.net.http.HttpClient probe;

    private RegistryServer(ManagedProcess process, String baseUrl, java.net.http.HttpClient probe) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.probe = probe;
    }

    /**
     * Starts the registry and waits until it is ready; see {@link #launch} and {@link #awaitReady}.
     *
     * @throws StackException as {@link #launch} and {@link #awaitReady} do
     */
    public static RegistryServer start(String host, int port, int managementPort, Path registryHome, Path dataDir) {
        RegistryServer server = launch(host, port, managementPort, registryHome, dataDir);
        server.awaitReady();
        return server;
    }

    /**
     * Launches the registry from {@code registryHome} (the unpacked {@code apicurio-registry-app-*-all.tar.gz})
     * without waiting for it, so the broker can start meanwhile.
     *
     * @param port           HTTP API port
     * @param managementPort Quarkus management interface port (health); bound to {@code host} too
     * @throws StackException when Java is older than 21, the distribution is missing or a port is taken
     */
    public static RegistryServer launch(String host, int port, int managementPort, Path registryHome, Path dataDir) {
        return launch(host, port, managementPort, registryHome, dataDir, null);
    }

    /**
     * Like {@link #launch(String, int, int, Path, Path)}; with {@code tls} the API is HTTPS only on {@code port}
     * (Quarkus {@code quarkus.http.ssl.certificate.*} from the PEM files, {@code quarkus.http.insecure-requests=disabled}),
     * the management interface stays plain HTTP.
     */
    public static RegistryServer launch(String host, int port, int managementPort, Path registryHome, Path dataDir,
                                        LocalCertificates tls) {
        if (Runtime.version().feature() < 21) {
            throw new StackException("Apicurio Registry needs Java 21+, this JVM is " + Runtime.version()
                    + "; set JAVA_HOME to a JDK 21+ (the ./slotstream script picks one automatically)");
        }
        Path runner = registryHome.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(runner)) {
            throw new StackException("Apicurio Registry distribution not found at " + registryHome
                    + "; build it with: mvn -pl deploy/local package -DskipTests");
        }
        Ports.requireFree(host, port, "schema registry HTTP", "--registry-port");
        Ports.requireFree(host, managementPort, "schema registry management", "--registry-management-port");
        Path tmp = dataDir.resolve("registry-tmp");
        List<String> command = ManagedProcess.javaCommand();
        command.addAll(List.of("-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-Dvertx.cacheDirBase=" + tmp.resolve("vertx-cache"),
                "-jar", runner.toString()));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "QUARKUS_HTTP_HOST", host,
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_MANAGEMENT_HOST", host,
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort),
                "QUARKUS_LOG_CONSOLE_JSON", "false"));
        if (tls != null) {
            env.putAll(Map.of(
                    "QUARKUS_HTTP_PORT", String.valueOf(Ports.free(host)), // not opened: insecure requests disabled
                    "QUARKUS_HTTP_SSL_PORT", String.valueOf(port),
                    "QUARKUS_HTTP_SSL_CERTIFICATE_FILES", tls.certificateChain().toAbsolutePath().toString(),
                    "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES", tls.privateKey().toAbsolutePath().toString(),
                    "QUARKUS_HTTP_INSECURE_REQUESTS", "disabled"));
        }
        try {
            Files.createDirectories(tmp);
        } catch (java.io.IOException e) {
            throw new StackException("cannot create " + tmp + ": " + e.getMessage(), e);
        }
        ManagedProcess process = ManagedProcess.start("schema registry", command, env, registryHome, dataDir.resolve("registry.log"));
        var probe = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tls != null) {
            probe.sslContext(tls.clientContext());
        }
        return new RegistryServer(process, (tls == null ? "http://" : "https://") + host + ":" + port, probe.build());
    }

    /**
     * Waits until {@code /apis/registry/v3/system/info} answers 200; stops the server if it does not.
     *
     * @throws StackException when the server exits or is not ready within 120 s
     */
    public void awaitReady() {
        try {
            process.awaitHttpOk(probe, URI.create(apiUrl() + "/system/info"), READY_TIMEOUT);
        } catch (StackException e) {
            process.close();
            throw e;
        }
    }

    /** {@code http://host:port} ({@code https://} with TLS), no trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The registry's own v3 API, what the Apicurio serdes are configured with. */
    public String apiUrl() {
        return baseUrl + "/apis/registry/v3";
    }

    /** The Confluent-compatible API, what a Confluent consumer is configured with. */
    public String ccompatUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    /** The registry's process id, for fault tests that pause it (SIGSTOP/SIGCONT). */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.close();
    }
}
