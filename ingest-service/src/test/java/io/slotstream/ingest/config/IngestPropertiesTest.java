package io.slotstream.ingest.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestPropertiesTest {

    @Test
    void producerOverridesCannotWeakenTheWritersDurability() {
        for (String key : IngestProperties.Kafka.FIXED_PRODUCER_PROPERTIES) {
            assertThatThrownBy(() -> new IngestProperties.Kafka("w", Map.of(key, "1"), 5000, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("slotstream.ingest.kafka.producer." + key);
        }
    }

    @Test
    void otherProducerPropertiesPassThrough() {
        var kafka = new IngestProperties.Kafka("w", Map.of("linger.ms", "5", "batch.size", "65536"), 5000, 2);
        assertThat(kafka.producer()).containsEntry("linger.ms", "5").containsEntry("batch.size", "65536");
    }
}
