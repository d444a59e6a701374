package io.slotstream.ingest.kafka;

import io.slotstream.ingest.config.IngestProperties;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.ingest.ordering.ContentEquality;
import io.slotstream.ingest.ordering.WriteSequencer;
import io.slotstream.ingest.store.AcceptedLog;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/** The single writer (its transactional producer is the writer lease) and the serializers (producers never register schemas: the stack does). */
@Configuration(proxyBeanMethods = false)
public class KafkaConfig {

    @Bean
    RecordSerializers recordSerializers(RegistrySettings registry) {
        return new RecordSerializers(registry);
    }

    @Bean
    TransactionalWriter transactionalWriter(WriteSequencer sequencer, RecordSerializers serializers) {
        return new TransactionalWriter(sequencer, serializers);
    }

    /** acks=all and idempotence (transactions need both), lz4, a short linger so group commits fill batches. */
    @Bean(destroyMethod = "close")
    WriteSequencer writeSequencer(KafkaClientSettings kafka, AcceptedLog store, FhirAvroMapper mapper,
                                  IngestProperties properties) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-service");
        config.putAll(properties.kafka().producer());
        return new WriteSequencer(store, new ContentEquality(mapper), kafka.clientConfig(), config, properties.kafka().transactionalId(),
                properties.kafka().maxRecordsPerTransaction(), properties.kafka().commitLanes(),
                properties.store().catchUpTimeout());
    }
}
