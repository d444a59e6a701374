package io.slotstream.deploy.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One Slotstream service (the Spring Boot fat jar {@code slotstream-<module>-<version>-exec.jar} from its module's
 * {@code target/}) run as a child JVM, connected to
 * the stack through environment variables, ready when {@code /actuator/health/readiness} answers 200.
 */
final class ServiceProcess implements AutoCloseable {

    /** A service of the main job: its module folder and HTTP port. */
    record Definition(String module, int port) {
    }

    /** System property: seconds a service may take to become ready (default 150; {@code ./slotstream run --ready-timeout}). */
    static final String READY_TIMEOUT_PROPERTY = "slotstream.service-ready-timeout-seconds";

    private final Definition definition;
    private final ManagedProcess process;
    private final String baseUrl;
    private final HttpClient probe;
    private final Relaunch relaunch;

    /** What launched it, so that a fault test can start it again after a kill. */
    private record Relaunch(Path projectDir, ServiceSet.Endpoints endpoints, Path logDir, Map<String, String> extraEnv,
                            LocalCertificates tls) {
    }

    private ServiceProcess(Definition definition, ManagedProcess process, String baseUrl, HttpClient probe,
                           Relaunch relaunch) {
        this.definition = definition;
        this.process = process;
        this.baseUrl = baseUrl;
        this.probe = probe;
        this.relaunch = relaunch;
    }

    /**
     * Launches the service without waiting for it.
     *
     * @param extraEnv environment beyond the stack's addresses (for example the publication directory)
     * @throws StackException when the jar is missing (not built) or its port is taken
     */
    static ServiceProcess launch(Definition definition, Path projectDir, ServiceSet.Endpoints stack, Path logDir, Map<String, String> extraEnv) {
        return launch(definition, projectDir, stack, logDir, extraEnv, null, false);
    }

    /**
     * Like {@link #launch(Definition, Path, ServiceSet.Endpoints, Path, Map)}; with {@code tls}, the service listens on
     * HTTPS with its certificate and its service-to-service clients trust its CA
     * ({@link LocalCertificates#serviceEnvironment()}).
     */
    static ServiceProcess launch(Definition definition, Path projectDir, ServiceSet.Endpoints stack, Path logDir,
                                 Map<String, String> extraEnv, LocalCertificates tls) {
        return launch(definition, projectDir, stack, logDir, extraEnv, tls, false);
    }

    private static ServiceProcess launch(Definition definition, Path projectDir, ServiceSet.Endpoints stack, Path logDir,
                                         Map<String, String> extraEnv, LocalCertificates tls, boolean appendLog) {
        String host = stack.host();
        Ports.requireFree(host, definition.port(), definition.module() + " HTTP", "--" + definition.module() + "-port");
        Path jar = findJar(projectDir.resolve(definition.module()).resolve("target"), definition.module());
        var env = new java.util.HashMap<>(Map.of(
                "SERVER_ADDRESS", host,
                "SERVER_PORT", String.valueOf(definition.port()),
                "SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "SLOTSTREAM_REGISTRY_URL", stack.registryApiUrl(),
                "SLOTSTREAM_STATE_DIR", stateDir(logDir, definition.module()).toString()));
        if (tls != null) {
            env.putAll(tls.serviceEnvironment());
        }
        env.putAll(extraEnv);
        List<String> command = ManagedProcess.javaCommand();
        command.addAll(List.of("-Xmx768m", "-Djava.io.tmpdir=" + logDir.resolve("tmp"), "-jar", jar.toString()));
        try {
            Files.createDirectories(logDir.resolve("tmp"));
        } catch (IOException e) {
            throw new StackException("cannot create " + logDir + ": " + e.getMessage(), e);
        }
        ManagedProcess process = ManagedProcess.start(definition.module(), command, env, projectDir,
                logDir.resolve(definition.module() + ".log"), appendLog);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .sslContext(tls == null ? defaultContext() : tls.clientContext()).build();
        return new ServiceProcess(definition, process, (tls == null ? "http://" : "https://") + host + ":" + definition.port(),
                probe, new Relaunch(projectDir, stack, logDir, Map.copyOf(extraEnv), tls));
    }

    private static javax.net.ssl.SSLContext defaultContext() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new StackException("the JVM has no default TLS context: " + e.getMessage(), e);
        }
    }

    static Path stateDir(Path logDir, String module) {
        return logDir.resolve(module + "-state");
    }

    /** The same service launched again (same port, environment, state directory and log file), without waiting. */
    ServiceProcess relaunch() {
        return launch(definition, relaunch.projectDir(), relaunch.endpoints(), relaunch.logDir(), relaunch.extraEnv(),
                relaunch.tls(), true);
    }

    /** SIGKILL (no shutdown hooks run), then waits until the process is gone. */
    void kill() {
        process.kill();
    }

    Path stateDir() {
        return stateDir(relaunch.logDir(), definition.module());
    }

    private static Path findJar(Path targetDir, String module) {
        try (Stream<Path> files = Files.list(targetDir)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("slotstream-" + module + "-") && name.endsWith("-exec.jar");
                    })
                    .findFirst()
                    .orElseThrow(() -> new StackException("no jar for " + module + " in " + targetDir + "; build it with: mvn package -DskipTests"));
        } catch (IOException e) {
            throw new StackException("no jar for " + module + " in " + targetDir + "; build it with: mvn package -DskipTests", e);
        }
    }

    /** @throws StackException when the service exits or is not ready within the ready timeout (150 s by default) */
    void awaitReady() {
        process.awaitHttpOk(probe, URI.create(baseUrl + "/actuator/health/readiness"),
                Duration.ofSeconds(Long.getLong(READY_TIMEOUT_PROPERTY, 150)));
    }

    Definition definition() {
        return definition;
    }

    String baseUrl() {
        return baseUrl;
    }

    Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        process.close();
    }
}
