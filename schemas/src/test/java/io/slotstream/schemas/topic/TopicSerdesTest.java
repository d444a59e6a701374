package io.slotstream.schemas.topic;

import io.apicurio.registry.serde.avro.AvroSerde;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/**
 * Serde configuration only: round trips need a registry (the lead's integration test uses the real one). The values
 * are those of spec/toolchain-notes.md §3 that give the Confluent wire format.
 */
class TopicSerdesTest {

    private static final String URL = "http://127.0.0.1:18080/apis/registry/v3";

    @Test
    void serdeConfigIsExactlyTheConfluentWireFormatSettings() {
        assertThat(new RegistrySettings(URL, false).serdeConfig()).containsOnly(
                entry("apicurio.registry.url", URL),
                entry("apicurio.registry.auto-register", "false"),
                entry("apicurio.registry.use-id", "contentId"),
                entry("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler"),
                entry("apicurio.registry.headers.enabled", "false"),
                entry("apicurio.registry.dereference-schema", "true"),
                entry("apicurio.registry.http.adapter", "JDK"),
                entry("apicurio.registry.use-specific-avro-reader", "true"),
                entry("apicurio.registry.avro-datum-provider", "io.slotstream.schemas.topic.CachedAvroDatumProvider"));
        assertThat(new RegistrySettings(URL, true).serdeConfig()).containsEntry("apicurio.registry.auto-register", "true");
    }

    @Test
    void registryUrlMustBeTheV3ApiNotCcompat() {
        assertThatThrownBy(() -> new RegistrySettings("http://127.0.0.1:18080/apis/ccompat/v7", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ccompat");
        assertThatThrownBy(() -> new RegistrySettings("127.0.0.1:18080", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http");
    }

    @Test
    @Timeout(20)
    void valueSerdeIsTheApicurioAvroSerdeAndDoesNotCallTheRegistryYet() {
        // Port 9 (discard) on loopback: nothing listens; configuring must not need the registry.
        try (Serde<FhirSlot> serde = TopicSerdes.valueSerde(Topics.SLOT,
                new RegistrySettings("http://127.0.0.1:9/apis/registry/v3", false))) {
            assertThat(serde).isInstanceOf(AvroSerde.class);
            assertThat(serde.serializer()).isNotNull();
            assertThat(serde.deserializer().deserialize(Topics.SLOT.name(), null)).as("tombstone").isNull();
        }
    }

    @Test
    void keysAreUtf8Strings() {
        try (Serde<String> keys = TopicSerdes.keySerde()) {
            byte[] bytes = keys.serializer().serialize("fhir.slot.v1", "src.slot-1");
            assertThat(bytes).isEqualTo("src.slot-1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(keys.deserializer().deserialize("fhir.slot.v1", bytes)).isEqualTo("src.slot-1");
        }
    }
}
