package io.slotstream.edge.stack;

import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * How every service reaches the stack, read once from the same settings the Helm chart sets:
 * {@code slotstream.kafka.bootstrap-servers} with the cluster's client properties file {@code slotstream.kafka.config}
 * (security.protocol, sasl.*, ssl.*; env {@code SLOTSTREAM_KAFKA_CONFIG}), and {@code slotstream.registry.url} with
 * {@code slotstream.registry.username}/{@code password}. Every Kafka client a service builds starts from
 * {@link KafkaClientSettings#clientConfig()}, every serde from {@link RegistrySettings#serdeConfig()}.
 */
@AutoConfiguration
@ConditionalOnProperty("slotstream.kafka.bootstrap-servers")
public class StackConnectionAutoConfiguration {

    /** @throws IllegalArgumentException when {@code slotstream.kafka.config} names a file that cannot be read */
    @Bean
    @ConditionalOnMissingBean
    KafkaClientSettings kafkaClientSettings(Environment environment) {
        return StackPreflight.kafkaSettings(environment::getProperty);
    }

    /** @throws IllegalArgumentException when the URL is not a v3 API base or a user comes without a password */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty("slotstream.registry.url")
    RegistrySettings registrySettings(Environment environment) {
        return StackPreflight.registrySettings(environment::getProperty);
    }
}
