package io.slotstream.schemas.topic;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The start-up check every service makes before it serves: the Kafka cluster answers, every topic of the catalogue
 * ({@link Topics#all()}) exists, and the schema registry answers. Keeps retrying until {@code timeout}, so services
 * started together with the stack wait for it rather than fail.
 */
public final class StackPreflight {

    /** The stack is not reachable or incomplete; the message is one line that names what is missing. */
    public static final class StackUnavailableException extends RuntimeException {
        public StackUnavailableException(String message) {
            super(message);
        }
    }

    private final String bootstrapServers;
    private final String registryUrl;
    private final Duration timeout;

    /**
     * @param bootstrapServers Kafka {@code bootstrap.servers}
     * @param registryUrl      Apicurio Registry v3 API base, for example {@code http://127.0.0.1:18080/apis/registry/v3}
     * @param timeout          how long to keep retrying before giving up
     */
    public StackPreflight(String bootstrapServers, String registryUrl, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.timeout = timeout;
    }

    /**
     * The check as a service configures it: {@code slotstream.kafka.bootstrap-servers}, {@code slotstream.registry.url}
     * and {@code slotstream.startup.stack-timeout} (a {@link Duration} such as {@code PT30S} or {@code 30s}; default 30 s).
     *
     * @param property looks a setting up by name (for example Spring's {@code Environment::getProperty})
     * @throws IllegalArgumentException when a setting is missing or the timeout is malformed
     */
    public static StackPreflight fromSettings(java.util.function.Function<String, String> property) {
        String bootstrap = required(property, "slotstream.kafka.bootstrap-servers");
        String registry = required(property, "slotstream.registry.url");
        String timeout = property.apply("slotstream.startup.stack-timeout");
        return new StackPreflight(bootstrap, registry, timeout == null ? Duration.ofSeconds(30) : parseDuration(timeout));
    }

    private static String required(java.util.function.Function<String, String> property, String name) {
        String value = property.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("setting " + name + " is missing");
        }
        return value;
    }

    private static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("slotstream.startup.stack-timeout must be a duration such as 30s, got '" + text + "'");
        }
    }

    /** @throws StackUnavailableException naming the unreachable broker or registry, or the missing topics */
    public void verify() {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem;
        while (true) {
            problem = kafkaProblem();
            if (problem == null) {
                problem = registryProblem();
            }
            if (problem == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StackUnavailableException(problem + " (gave up after " + timeout.toSeconds() + " s)");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackUnavailableException("interrupted while checking the stack: " + problem);
            }
        }
    }

    private String kafkaProblem() {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            Set<String> existing = admin.listTopics().names().get(6, TimeUnit.SECONDS);
            Set<String> missing = new TreeSet<>();
            for (Topic<?> topic : Topics.all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic.name());
                }
            }
            return missing.isEmpty() ? null
                    : "Kafka at " + bootstrapServers + " lacks the catalogue topics " + missing + " (the stack or deploy step creates them)";
        } catch (Exception e) {
            return "Kafka broker unreachable at " + bootstrapServers;
        } 
    }

    private String registryProblem() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/system/info"))
                .timeout(Duration.ofSeconds(3)).GET().build();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? null : "schema registry at " + registryUrl + " answered HTTP " + status;
        } catch (IOException | IllegalArgumentException e) {
            return "schema registry unreachable at " + registryUrl;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking the schema registry";
        }
    }
}
