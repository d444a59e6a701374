package io.slotstream.helm;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client.properties the chart renders for mutual TLS, read the way every component reads it
 * ({@code KafkaClientSettings}: the file's properties plus {@code bootstrap.servers}) and handed to Kafka's own config
 * classes: the config providers resolve the mounted Secret's files and Kafka's SSL engine factory builds a key store
 * from them. No broker: deploy/local's KafkaNodeSecuredListenerTest connects with the same shape to a broker that
 * requires client certificates.
 */
class KafkaClientConfigTest {

    private static final String MOUNTS = "/etc/slotstream/";

    /** The Secret volume as a pod sees it: a self-signed certificate and its PKCS#8 key under the projected names. */
    @TempDir
    static Path mounts;

    private static String certificatePem;
    private static String keyPem;

    @BeforeAll
    static void mountTheSecrets() throws Exception {
        Path secret = Files.createDirectories(mounts.resolve("kafka-client-cert"));
        Path store = mounts.resolve("user.p12");
        keytool("-genkeypair", "-alias", "user", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=slotstream", "-keystore", store.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "test-only".toCharArray());
        }
        X509Certificate certificate = (X509Certificate) keys.getCertificate("user");
        PrivateKey key = (PrivateKey) keys.getKey("user", "test-only".toCharArray());
        certificatePem = pem("CERTIFICATE", certificate.getEncoded());
        keyPem = pem("PRIVATE KEY", key.getEncoded());
        Files.writeString(secret.resolve("tls.crt"), certificatePem);
        Files.writeString(secret.resolve("tls.key"), keyPem);
        Files.createDirectories(mounts.resolve("kafka-ca"));
        Files.writeString(mounts.resolve("kafka-ca/ca.crt"), certificatePem);
    }

    @Test
    void everyClientKindResolvesTheCertificateAndKeyFromTheMountedSecret() {
        for (String protocol : List.of("SSL", "SASL_SSL")) {
            Map<String, Object> config = renderedClientConfig(protocol);

            for (var parsed : List.of(new AdminClientConfig(config),
                    new ProducerConfig(withSerdes(config, "key.serializer", ByteArraySerializer.class)),
                    new ConsumerConfig(withSerdes(config, "key.deserializer", ByteArrayDeserializer.class)))) {
                assertThat(parsed.getString(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG)).as(protocol).isEqualTo("PEM");
                // (Kafka trims parsed values)
                assertThat(parsed.getPassword(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG).value()).as(protocol)
                        .isEqualTo(certificatePem.strip());
                assertThat(parsed.getPassword(SslConfigs.SSL_KEYSTORE_KEY_CONFIG).value()).as(protocol)
                        .isEqualTo(keyPem.strip());
            }
            // Kafka Streams (availability-service): its producers, consumers and admin client get the same key store
            Map<String, Object> streams = new HashMap<>(config);
            streams.put(StreamsConfig.APPLICATION_ID_CONFIG, "slotstream-availability");
            StreamsConfig streamsConfig = new StreamsConfig(streams);
            for (Map<String, Object> client : List.of(streamsConfig.getMainConsumerConfigs("g", "c", 0),
                    streamsConfig.getProducerConfigs("c"), streamsConfig.getAdminConfigs("c"))) {
                assertThat(client).as(protocol).containsEntry(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM")
                        .containsEntry(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, keyPem)
                        .containsEntry(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, certificatePem);
            }
        }
    }

    @Test
    void kafkasSslEngineFactoryBuildsAKeyStoreHoldingTheClientCertificate() throws Exception {
        AdminClientConfig parsed = new AdminClientConfig(renderedClientConfig("SSL"));
        try (DefaultSslEngineFactory factory = new DefaultSslEngineFactory()) {
            factory.configure(parsed.values());
            KeyStore keyStore = factory.keystore();
            List<String> aliases = Collections.list(keyStore.aliases());
            assertThat(aliases).hasSize(1);
            assertThat(keyStore.isKeyEntry(aliases.getFirst())).isTrue();
            X509Certificate presented = (X509Certificate) keyStore.getCertificate(aliases.getFirst());
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=slotstream");
            assertThat(factory.truststore().size()).as("the broker CA from kafka.tls.caSecret").isEqualTo(1);
        }
    }

    @Test
    void aSecretWithoutTheKeyFailsWhenTheClientIsBuilt() throws Exception {
        Map<String, Object> config = renderedClientConfig("SSL");
        config.replaceAll((name, value) -> value.toString().replace(":tls.key}", ":missing.key}"));
        AdminClientConfig parsed = new AdminClientConfig(config);
        try (DefaultSslEngineFactory factory = new DefaultSslEngineFactory()) {
            assertThatThrownBy(() -> factory.configure(parsed.values()))
                    .isInstanceOf(org.apache.kafka.common.errors.InvalidConfigurationException.class)
                    .hasMessage("Invalid PEM keystore configs");
        }
    }

    /**
     * The chart's client.properties for a client certificate (and a CA), its mount paths moved to this test's
     * directory, as {@code KafkaClientSettings#clientConfig()} builds it.
     */
    private static Map<String, Object> renderedClientConfig(String protocol) {
        String properties = RenderedChart.withDefaults(t -> t.set("kafka.securityProtocol", protocol)
                        .set("kafka.sasl.existingSecret", "slotstream")
                        .set("kafka.tls.caSecret", "events-cluster-ca-cert")
                        .set("kafka.tls.clientSecret", "slotstream")
                        .set("provisioning.hook", false))
                .kafkaClientProperties();
        assertThat(properties).contains(MOUNTS + "kafka-client-cert");
        Properties read = new Properties();
        try {
            read.load(new StringReader(properties.replace(MOUNTS, mounts.toAbsolutePath() + "/")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> config = new HashMap<>();
        read.stringPropertyNames().forEach(name -> config.put(name, read.getProperty(name).strip()));
        config.put("bootstrap.servers", "events-kafka-bootstrap.kafka.svc:9093");
        return config;
    }

    private static Map<String, Object> withSerdes(Map<String, Object> config, String keyName, Class<?> type) {
        Map<String, Object> with = new HashMap<>(config);
        with.put(keyName, type);
        with.put(keyName.replace("key.", "value."), type);
        return with;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", "test-only", "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0).as("keytool: " + output).isTrue();
    }
}
