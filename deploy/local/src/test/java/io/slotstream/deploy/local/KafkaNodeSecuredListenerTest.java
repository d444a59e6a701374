package io.slotstream.deploy.local;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test broker's {@code SSL} listener (issue 14: a TLS Kafka listener test): mutual TLS with certificates made at
 * the start; a client with the CA and a certificate of it is served (key and chain in one file, or the two files of
 * a mounted Secret read by Kafka's DirectoryConfigProvider as the Helm chart's {@code kafka.tls.clientSecret} renders
 * it), a client without a certificate is refused at the handshake. ({@code SASL_SSL} is covered end to end by deploy/e2e's SecuredStackEndToEndTest.)
 */
class KafkaNodeSecuredListenerTest {

    @Test
    void theSslListenerServesClientsWithACertificateOfItsCaAndRefusesOthers(@TempDir Path dir) throws Exception {
        LocalCertificates certificates = LocalCertificates.create(dir.resolve("tls"));
        int sslPort = Ports.free("127.0.0.1");
        try (KafkaNode node = KafkaNode.start("127.0.0.1", Ports.free("127.0.0.1"), Ports.free("127.0.0.1"), dir.resolve("kafka"),
                new KafkaNode.SecuredListener(sslPort, Map.of(), certificates))) {
            // the client.properties a service would get (slotstream.kafka.config) for a mutual-TLS cluster
            Map<String, Object> client = new HashMap<>(Map.of(
                    "bootstrap.servers", "127.0.0.1:" + sslPort,
                    "security.protocol", "SSL",
                    "ssl.truststore.type", "PEM",
                    "ssl.truststore.location", certificates.caCertificate().toString(),
                    "request.timeout.ms", 5_000,
                    "default.api.timeout.ms", 10_000));
            Map<String, Object> withCertificate = new HashMap<>(client);
            withCertificate.put("ssl.keystore.type", "PEM");
            withCertificate.put("ssl.keystore.location", certificates.keyAndCertificate().toString());
            try (Admin admin = Admin.create(withCertificate)) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            }
            // the Helm chart's shape (kafka.tls.clientSecret): certificate chain and key read from the mounted Secret's
            // files by Kafka's DirectoryConfigProvider (deploy/helm kafka-client-configmap.yaml)
            Path secret = certificates.privateKey().getParent();
            Map<String, Object> chartShape = new HashMap<>(client);
            chartShape.putAll(Map.of(
                    "config.providers", "dir",
                    "config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                    "config.providers.dir.param.allowed.paths", secret.toString(),
                    "ssl.keystore.type", "PEM",
                    "ssl.keystore.certificate.chain", "${dir:" + secret + ":" + certificates.certificateChain().getFileName() + "}",
                    "ssl.keystore.key", "${dir:" + secret + ":" + certificates.privateKey().getFileName() + "}"));
            try (Admin admin = Admin.create(chartShape)) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            }
            try (Admin anonymous = Admin.create(client)) {
                assertThatThrownBy(() -> anonymous.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
            }
        }
    }
}
