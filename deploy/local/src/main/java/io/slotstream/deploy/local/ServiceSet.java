package io.slotstream.deploy.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The four Slotstream services (and, for {@code ./slotstream run}, the {@value #WEB} pages) as child JVMs connected to one {@link LocalStack}: launched together, awaited
 * together, stopped together (in parallel). Used by {@code ./slotstream run} and by end-to-end tests.
 */
public final class ServiceSet implements AutoCloseable {

    /** Module folder to its default HTTP port on the local stack. */
    public static final Map<String, Integer> DEFAULT_PORTS;

    static {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("ingest-service", 8081);
        ports.put("availability-service", 8082);
        ports.put("publish-service", 8083);
        ports.put("booking-bridge", 8084);
        DEFAULT_PORTS = java.util.Collections.unmodifiableMap(ports);
    }

    /** The web module (discovery, portal and status pages): launched by {@code ./slotstream run}, not by tests' {@link #freePorts()}. */
    public static final String WEB = "web";

    /** Default HTTP port of {@value #WEB}. */
    public static final int DEFAULT_WEB_PORT = 8087;

    /**
     * Where the services find the cluster: the local stack's single broker, or any other cluster (a multi-broker one
     * for fault tests).
     *
     * @param host             bind address of the services
     * @param bootstrapServers Kafka {@code host:port,...}
     * @param registryApiUrl   Apicurio v3 API base URL
     */
    public record Endpoints(String host, String bootstrapServers, String registryApiUrl) {

        public static Endpoints of(LocalStack stack) {
            return new Endpoints(stack.settings().host(), stack.bootstrapServers(), stack.registryApiUrl());
        }
    }

    private final List<ServiceProcess> services;
    private final LocalCertificates tls;

    private ServiceSet(List<ServiceProcess> services, LocalCertificates tls) {
        this.services = services;
        this.tls = tls;
    }

    /**
     * Launches every service of {@code ports} (module to port) from its {@code -exec.jar} under {@code projectDir},
     * without waiting; logs and state go under {@code logDir}. publish-service cuts a snapshot every 5 s and names
     * itself by its loopback URL; {@value #WEB}, when in {@code ports}, is pointed at the other services of the set
     * (start it last: it needs their ports). Request security and the per-client rate limits are off (every request of
     * a test or benchmark comes from one address).
     *
     * @throws StackException when a jar is missing or a port is taken; services already launched are stopped
     */
    public static ServiceSet launch(Path projectDir, LocalStack stack, Path logDir, Map<String, Integer> ports) {
        return launch(projectDir, stack, logDir, ports, Map.of("SLOTSTREAM_SECURITY_MODE", "off",
                "SLOTSTREAM_SECURITY_RATE_LIMIT_REQUESTS_PER_SECOND", "0"));
    }

    /**
     * Like {@link #launch(Path, LocalStack, Path, Map)}, with request security set by {@code securityEnv} (the
     * {@code SLOTSTREAM_SECURITY_*} variables every service gets, e.g. token mode with the launcher's authorization
     * server: {@link AuthServerProcess#resourceServerEnvironment()}); {@code SLOTSTREAM_SECURITY_MODE=off} for none.
     * The {@code SLOTSTREAM_WEB_*} entries (the web pages' own client, {@link AuthServerProcess#webClientEnvironment()})
     * go to {@value #WEB} only, which checks no tokens itself: its pages are public.
     */
    public static ServiceSet launch(Path projectDir, LocalStack stack, Path logDir, Map<String, Integer> ports,
                                    Map<String, String> securityEnv) {
        return launch(projectDir, Endpoints.of(stack), logDir, ports, securityEnv, null);
    }

    /**
     * Like {@link #launch(Path, LocalStack, Path, Map, Map)}; with {@code tls} every service listens on HTTPS with
     * its certificate, calls the others over HTTPS trusting its CA, and {@link #url(String)} names {@code https} URLs.
     */
    public static ServiceSet launch(Path projectDir, LocalStack stack, Path logDir, Map<String, Integer> ports,
                                    Map<String, String> securityEnv, LocalCertificates tls) {
        return launch(projectDir, Endpoints.of(stack), logDir, ports, securityEnv, tls);
    }

    /**
     * Like {@link #launch(Path, LocalStack, Path, Map, Map)} on any cluster; {@code extraEnv} goes to every service
     * (besides the {@code SLOTSTREAM_WEB_*} entries, which go to {@value #WEB} only), e.g. the Streams replication
     * factor of a 3-broker cluster.
     */
    public static ServiceSet launch(Path projectDir, Endpoints stack, Path logDir, Map<String, Integer> ports,
                                    Map<String, String> securityEnv) {
        return launch(projectDir, stack, logDir, ports, securityEnv, null);
    }

    /** Like {@link #launch(Path, Endpoints, Path, Map, Map)}, over HTTPS with {@code tls} (null: plain HTTP). */
    public static ServiceSet launch(Path projectDir, Endpoints stack, Path logDir, Map<String, Integer> ports,
                                    Map<String, String> securityEnv, LocalCertificates tls) {
        String scheme = tls == null ? "http://" : "https://";
        List<ServiceProcess> launched = new ArrayList<>();
        try {
            for (var entry : ports.entrySet()) {
                var definition = new ServiceProcess.Definition(entry.getKey(), entry.getValue());
                Map<String, String> env = new java.util.HashMap<>(environment(definition, scheme + stack.host(), ports));
                boolean web = definition.module().equals(WEB);
                securityEnv.forEach((name, value) -> {
                    if (name.startsWith("SLOTSTREAM_WEB_") == web) {
                        env.put(name, value);
                    }
                });
                launched.add(ServiceProcess.launch(definition, projectDir, stack, logDir, env, tls));
            }
        } catch (RuntimeException e) {
            launched.parallelStream().forEach(ServiceProcess::close);
            throw e;
        }
        return new ServiceSet(launched, tls);
    }

    /** Free loopback ports for every service, for tests beside a running stack. */
    public static Map<String, Integer> freePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        DEFAULT_PORTS.keySet().forEach(module -> ports.put(module, Ports.free("127.0.0.1")));
        return ports;
    }

    /** @param origin {@code http://host} or {@code https://host} */
    private static Map<String, String> environment(ServiceProcess.Definition definition, String origin, Map<String, Integer> ports) {
        if (definition.module().equals("booking-bridge")) {
            Map<String, String> env = new LinkedHashMap<>();
            if (ports.containsKey("availability-service")) {
                // $find searches this set's availability-service, not the default port
                env.put("SLOTSTREAM_BOOKING_AVAILABILITY_URL", origin + ":" + ports.get("availability-service"));
            }
            if (ports.containsKey(WEB)) {
                // booking deep links redirect to this set's portal page (booking-bridge's default names port 8087)
                env.put("SLOTSTREAM_BOOKING_PORTAL_URL_TEMPLATE", origin + ":" + ports.get(WEB)
                        + "/portal.html?slot={slot}&source={source}&booking-referral={booking-referral}");
            }
            return env;
        }
        if (definition.module().equals(WEB)) {
            Map<String, String> env = new LinkedHashMap<>();
            Map.of("availability-service", "SLOTSTREAM_WEB_AVAILABILITY_URL", "booking-bridge", "SLOTSTREAM_WEB_BOOKING_URL",
                    "ingest-service", "SLOTSTREAM_WEB_INGEST_URL", "publish-service", "SLOTSTREAM_WEB_PUBLISH_URL")
                    .forEach((module, variable) -> {
                        if (ports.containsKey(module)) {
                            env.put(variable, origin + ":" + ports.get(module));
                        }
                    });
            return env;
        }
        if (definition.module().equals("publish-service")) {
            return Map.of("SLOTSTREAM_PUBLISH_BASE_URL", origin + ":" + definition.port(),
                    "SLOTSTREAM_PUBLISH_SNAPSHOT_INTERVAL", "5s");
        }
        if (definition.module().equals("ingest-service")) {
            // The local stack's feeds come from the launcher's own loopback publisher: a poll every 5 s is fine there
            // (the sample subscriptions still ask for 1 min; sched-6 protects other publishers).
            return Map.of("SLOTSTREAM_INGEST_FEED_POLLING_MINIMUM_INTERVAL", "5s");
        }
        return Map.of();
    }

    /**
     * Waits until every service reports ready, in launch order, telling {@code onReady} about each.
     *
     * @throws StackException naming the first service that exits or is not ready in time (with its last log line)
     */
    public void awaitReady(Consumer<String> onReady) {
        for (ServiceProcess service : services) {
            service.awaitReady();
            onReady.accept(String.format("%-20s %s (ready; log %s)", service.definition().module(), service.baseUrl(), service.logFile()));
        }
    }

    /**
     * @return a new HTTP client for this set's services: one that trusts the set's CA only when it runs with TLS, else
     *         a plain one
     */
    public java.net.http.HttpClient httpClient() {
        var builder = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5));
        return (tls == null ? builder : builder.sslContext(tls.clientContext())).build();
    }

    /** {@code http://host:port} of {@code module} ({@code https://} with TLS). */
    public String url(String module) {
        return service(module).baseUrl();
    }

    /**
     * Kills {@code module} with SIGKILL (a crash: no shutdown hook, no graceful close of its Kafka clients) and waits
     * until the process is gone. {@link #restart} starts it again.
     */
    public void kill(String module) {
        service(module).kill();
    }

    /** Launches {@code module} again with the same port, environment, state directory and log (appended), and waits until it is ready. */
    public synchronized void restart(String module) {
        ServiceProcess old = service(module);
        ServiceProcess started = old.relaunch();
        services.set(services.indexOf(old), started);
        started.awaitReady();
    }

    /** The state directory of {@code module} ({@code SLOTSTREAM_STATE_DIR}: availability-service's RocksDB stores). */
    public Path stateDir(String module) {
        return service(module).stateDir();
    }

    private synchronized ServiceProcess service(String module) {
        return services.stream().filter(s -> s.definition().module().equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + module + " in this set"));
    }

    /** Stops all services in parallel (SIGTERM, then SIGKILL after the grace period). */
    @Override
    public void close() {
        services.parallelStream().forEach(ServiceProcess::close);
    }
}
