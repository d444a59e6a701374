package io.slotstream.edge.stack;

import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.StackPreflight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StackConnectionAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(StackConnectionAutoConfiguration.class));

    @Test
    void theChartsSettingsBecomeTheServicesKafkaAndRegistrySettings(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        runner.withPropertyValues(
                        "slotstream.kafka.bootstrap-servers=broker:9093",
                        "slotstream.kafka.config=" + file,
                        "slotstream.registry.url=https://registry:8443/apis/registry/v3",
                        "slotstream.registry.username=slotstream",
                        "slotstream.registry.password=pw")
                .run(context -> {
                    KafkaClientSettings kafka = context.getBean(KafkaClientSettings.class);
                    assertThat(kafka.clientConfig()).containsEntry("bootstrap.servers", "broker:9093")
                            .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
                    RegistrySettings registry = context.getBean(RegistrySettings.class);
                    assertThat(registry.autoRegister()).isFalse();
                    assertThat(registry.serdeConfig()).containsEntry("apicurio.registry.auth.username", "slotstream")
                            .containsEntry("apicurio.registry.url", "https://registry:8443/apis/registry/v3");
                });
    }

    @Test
    void withoutAConfigFileTheClusterIsPlaintextAndAnUnreadableFileStopsTheStart(@TempDir Path dir) {
        runner.withPropertyValues("slotstream.kafka.bootstrap-servers=b:1", "slotstream.registry.url=http://r/apis/registry/v3")
                .run(context -> assertThat(context.getBean(KafkaClientSettings.class).clientConfig()).containsOnlyKeys("bootstrap.servers"));
        runner.withPropertyValues("slotstream.kafka.bootstrap-servers=b:1", "slotstream.kafka.config=" + dir.resolve("missing"))
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("IllegalArgumentException: cannot read the Kafka client properties slotstream.kafka.config="
                                + dir.resolve("missing")));
    }

    @Test
    void aStackThatCannotBeReachedIsReportedWithTheSettingsToCheck() {
        FailureAnalysis analysis = new StackUnavailableFailureAnalyzer()
                .analyze(new IllegalStateException(new StackPreflight.StackUnavailableException("Kafka broker unreachable at b:1")));
        assertThat(analysis.getDescription()).isEqualTo("Kafka broker unreachable at b:1");
        assertThat(analysis.getAction()).contains("slotstream.kafka.config").contains("SLOTSTREAM_REGISTRY_USERNAME");
    }
}
