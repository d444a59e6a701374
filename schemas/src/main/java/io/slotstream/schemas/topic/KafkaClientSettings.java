package io.slotstream.schemas.topic;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How every Slotstream Kafka client (producer, consumer, admin, Streams) reaches the cluster: {@code bootstrap.servers}
 * plus the cluster's client properties (security.protocol, sasl.*, ssl.*, config.providers, ...), read from the file
 * the Helm chart mounts ({@code slotstream.kafka.config}, env {@code SLOTSTREAM_KAFKA_CONFIG}). Every client config
 * starts from {@link #clientConfig()} so a secured cluster (SASL/SCRAM, mTLS) needs no per-client setting.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}, e.g. {@code 127.0.0.1:19092}
 * @param properties       the cluster's client properties, as Strings; {@code ${env:NAME}} placeholders stay for
 *                         Kafka's {@code EnvVarConfigProvider} to resolve, so secrets never sit in the file
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> properties) {

    /**
     * @throws NullPointerException     when an argument is null
     * @throws IllegalArgumentException when bootstrapServers is blank
     */
    public KafkaClientSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("slotstream.kafka.bootstrap-servers is empty");
        }
        properties = Map.copyOf(properties);
    }

    /** A plaintext cluster: {@code bootstrap.servers} only. */
    public static KafkaClientSettings plaintext(String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, Map.of());
    }

    /**
     * @param bootstrapServers Kafka {@code bootstrap.servers}
     * @param configFile       a Java properties file of Kafka client settings, or null/blank for none
     * @throws IllegalArgumentException when the file cannot be read (the message names it)
     */
    public static KafkaClientSettings load(String bootstrapServers, String configFile) {
        if (configFile == null || configFile.isBlank()) {
            return plaintext(bootstrapServers);
        }
        Path file = Path.of(configFile.strip());
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            read.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties slotstream.kafka.config="
                    + file + ": " + e.getMessage(), e);
        }
        Map<String, String> properties = new TreeMap<>();
        read.stringPropertyNames().forEach(name -> properties.put(name, read.getProperty(name).strip()));
        properties.remove("bootstrap.servers"); // slotstream.kafka.bootstrap-servers is the one source of it
        return new KafkaClientSettings(bootstrapServers, properties);
    }

    /**
     * @return a new mutable map: the cluster's client properties and {@code bootstrap.servers}, to which a client adds
     *         its own settings (serializers, group id, ...)
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(properties);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /** @return the security protocol in force ({@code PLAINTEXT} when the file sets none), for start-up messages */
    public String securityProtocol() {
        return properties.getOrDefault("security.protocol", "PLAINTEXT");
    }
}
