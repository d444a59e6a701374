package io.slotstream.schemas.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientSettingsTest {

    @Test
    void theChartsClientPropertiesFileReachesEveryClientConfig(@TempDir Path dir) throws Exception {
        // the shape deploy/helm renders for SASL_SSL (kafka-client-configmap.yaml)
        Path file = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                config.providers=env
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env:KAFKA_SASL_USERNAME}" password="${env:KAFKA_SASL_PASSWORD}";
                ssl.truststore.type=PEM
                bootstrap.servers=ignored:9092
                """);
        KafkaClientSettings settings = KafkaClientSettings.load("broker:9093", file.toString());

        assertThat(settings.securityProtocol()).isEqualTo("SASL_SSL");
        assertThat(settings.clientConfig())
                .containsEntry("bootstrap.servers", "broker:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("config.providers", "env")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"${env:KAFKA_SASL_USERNAME}\" password=\"${env:KAFKA_SASL_PASSWORD}\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .hasSize(7);
        // each call is a fresh map a client may add to
        settings.clientConfig().put("group.id", "g");
        assertThat(settings.clientConfig()).doesNotContainKey("group.id");
    }

    @Test
    void noFileMeansPlaintext() {
        assertThat(KafkaClientSettings.load("b:1", null).clientConfig()).containsOnlyKeys("bootstrap.servers");
        assertThat(KafkaClientSettings.load("b:1", " ").securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> KafkaClientSettings.load("b:1", missing.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotstream.kafka.config=" + missing);
        assertThatThrownBy(() -> KafkaClientSettings.plaintext(" "))
                .hasMessage("slotstream.kafka.bootstrap-servers is empty");
    }

    @Test
    void registryCredentialsReachTheSerdesAndNeverTheLogs() {
        RegistrySettings secured = new RegistrySettings("http://registry:8080/apis/registry/v3", false, "slotstream", "s3cret");
        assertThat(secured.serdeConfig())
                .containsEntry("apicurio.registry.auth.username", "slotstream")
                .containsEntry("apicurio.registry.auth.password", "s3cret");
        assertThat(secured.basicAuthorization()).isEqualTo("Basic c2xvdHN0cmVhbTpzM2NyZXQ=");
        assertThat(secured.toString()).doesNotContain("s3cret").contains("password=***");

        RegistrySettings open = new RegistrySettings("http://registry:8080/apis/registry/v3", false, "", null);
        assertThat(open.basicAuthorization()).isNull();
        assertThat(open.serdeConfig()).doesNotContainKey("apicurio.registry.auth.username");
        assertThatThrownBy(() -> new RegistrySettings("http://registry:8080/apis/registry/v3", false, "u", ""))
                .hasMessage("slotstream.registry.username is set but slotstream.registry.password is not");
    }
}
