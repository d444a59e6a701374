package io.slotstream.schemas.topic;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    private final KafkaClientSettings kafka;
    private final RegistrySettings registry;
    private final Duration timeout;

    /**
     * @param kafka    how Kafka clients reach the cluster
     * @param registry how the Apicurio Registry v3 API is reached (its credentials included)
     * @param timeout  how long to keep retrying before giving up
     */
    public StackPreflight(KafkaClientSettings kafka, RegistrySettings registry, Duration timeout) {
        this.kafka = kafka;
        this.registry = registry;
        this.timeout = timeout;
    }

    /** A plaintext cluster and an open registry. */
    public StackPreflight(String bootstrapServers, String registryUrl, Duration timeout) {
        this(KafkaClientSettings.plaintext(bootstrapServers), new RegistrySettings(registryUrl, false), timeout);
    }

    /**
     * The check as a service configures it: {@code slotstream.kafka.bootstrap-servers}, {@code slotstream.kafka.config}
     * (the cluster's client properties file, optional), {@code slotstream.registry.url},
     * {@code slotstream.registry.username}/{@code password} (optional) and {@code slotstream.startup.stack-timeout}
     * (a {@link Duration} such as {@code PT30S} or {@code 30s}; default 30 s).
     *
     * @param property looks a setting up by name (for example Spring's {@code Environment::getProperty})
     * @throws IllegalArgumentException when a setting is missing, the timeout is malformed or the properties file
     *                                  cannot be read
     */
    public static StackPreflight fromSettings(java.util.function.Function<String, String> property) {
        String timeout = property.apply("slotstream.startup.stack-timeout");
        return new StackPreflight(kafkaSettings(property), registrySettings(property),
                timeout == null ? Duration.ofSeconds(30) : parseDuration(timeout));
    }

    /** @return {@code slotstream.kafka.bootstrap-servers} with the client properties of {@code slotstream.kafka.config} */
    public static KafkaClientSettings kafkaSettings(java.util.function.Function<String, String> property) {
        return KafkaClientSettings.load(required(property, "slotstream.kafka.bootstrap-servers"), property.apply("slotstream.kafka.config"));
    }

    /**
     * @return {@code slotstream.registry.url} with {@code slotstream.registry.username}/{@code password} and the CA
     *         file {@code slotstream.registry.ca} (all optional but the URL); no auto-register
     */
    public static RegistrySettings registrySettings(java.util.function.Function<String, String> property) {
        return new RegistrySettings(required(property, "slotstream.registry.url"), false,
                property.apply("slotstream.registry.username"), property.apply("slotstream.registry.password"),
                property.apply("slotstream.registry.ca"));
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

    /**
     * @throws StackUnavailableException naming the unreachable broker or registry, or the missing topics; at once,
     *                                   without retrying, when Kafka rejects the client settings themselves (for
     *                                   example a client certificate key it cannot read)
     */
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
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "slotstream-preflight");
        // a consumer, not an admin client: it raises an authentication failure (wrong SASL password, refused
        // certificate) as such instead of a timeout
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Set<String> existing = consumer.listTopics(Duration.ofSeconds(6)).keySet();
            Set<String> missing = new TreeSet<>();
            for (Topic<?> topic : Topics.all()) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic.name());
                }
            }
            return missing.isEmpty() ? null
                    : "Kafka at " + kafka.bootstrapServers() + " lacks the catalogue topics " + missing + " (the stack or deploy step creates them)";
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof org.apache.kafka.common.errors.AuthenticationException refused) {
                    return "Kafka at " + kafka.bootstrapServers() + " refused the client (" + kafka.securityProtocol()
                            + ", check slotstream.kafka.config): " + refused.getMessage();
                }
                if (c instanceof org.apache.kafka.common.config.ConfigException
                        || c instanceof org.apache.kafka.common.errors.InvalidConfigurationException) {
                    // e.g. a client certificate's key that is not PKCS#8: no retry can fix it
                    throw new StackUnavailableException("the Kafka client settings are invalid (" + kafka.securityProtocol()
                            + ", check slotstream.kafka.config): " + messages(c));
                }
            }
            return "Kafka broker unreachable at " + kafka.bootstrapServers();
        } 
    }

    /** @return the messages of a throwable and its causes, distinct ones only, joined by ": " */
    private static String messages(Throwable t) {
        java.util.List<String> messages = new java.util.ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !messages.contains(c.getMessage())) {
                messages.add(c.getMessage());
            }
        }
        return String.join(": ", messages);
    }

    private String registryProblem() {
        String registryUrl = registry.registryUrl();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registryUrl + "/system/info"))
                .timeout(Duration.ofSeconds(3)).GET();
        if (registry.basicAuthorization() != null) {
            request.header("Authorization", registry.basicAuthorization());
        }
        javax.net.ssl.SSLContext tls;
        try {
            tls = registry.sslContext();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).sslContext(tls).build()) {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? null : "schema registry at " + registryUrl + " answered HTTP " + status
                    + (status == 401 || status == 403 ? " (check slotstream.registry.username/password)" : "");
        } catch (javax.net.ssl.SSLException e) {
            return "schema registry at " + registryUrl + " refused TLS (check slotstream.registry.ca): " + e.getMessage();
        } catch (IOException | IllegalArgumentException e) {
            return "schema registry unreachable at " + registryUrl;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking the schema registry";
        }
    }
}
