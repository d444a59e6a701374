package io.slotstream.ingest.kafka;

import io.slotstream.ingest.config.IngestProperties;
import io.slotstream.schemas.topic.RegistrySettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.HashMap;
import java.util.Map;

/** The transactional producer and the registry settings (producers never register schemas: the stack does). */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    @Bean
    RegistrySettings registrySettings(@Value("${slotstream.registry.url}") String registryUrl) {
        return new RegistrySettings(registryUrl, false);
    }

    @Bean
    DefaultKafkaProducerFactory<String, byte[]> ingestProducerFactory(
            @Value("${slotstream.kafka.bootstrap-servers}") String bootstrapServers, IngestProperties properties) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-service");
        config.putAll(properties.kafka().producer());
        DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(config,
                new StringSerializer(), new ByteArraySerializer());
        factory.setTransactionIdPrefix(properties.kafka().transactionalIdPrefix());
        return factory;
    }

    @Bean
    TransactionalWriter transactionalWriter(DefaultKafkaProducerFactory<String, byte[]> factory, RegistrySettings registry,
                                            IngestProperties properties) {
        return new TransactionalWriter(new KafkaTemplate<>(factory), registry, properties.kafka().maxConcurrentTransactions(),
                properties.kafka().maxRecordsPerTransaction());
    }
}
