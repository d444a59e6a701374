package io.slotstream.deploy.local;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record written by the Apicurio serdes through the real broker and registry is readable the way a Confluent
 * consumer reads it: magic byte 0, a 4-byte schema id, Avro binary, the writer schema fetched by id from
 * {@code /apis/ccompat/v7/schemas/ids/{id}}.
 */
@Timeout(180)
class ConfluentWireFormatIntegrationTest {

    private static final String SLOT_JSON = """
            {"resourceType":"Slot","id":"wire-1","schedule":{"reference":"Schedule/s1"},"status":"free",
             "start":"2026-03-21T10:45:00-04:00","end":"2026-03-21T11:15:00-04:00",
             "extension":[
              {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link","valueUrl":"https://ehr.example.org/booking/slots/123"},
              {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type","valueCoding":{"system":"http://terminology.hl7.org/CodeSystem/accepting-patients","code":"newpt"}}]}
            """;

    @Test
    void confluentStyleConsumerDecodesByIdFromCcompat() throws Exception {
        LocalStack stack = SharedStack.get();
        FhirContext fhir = FhirContext.forR4Cached();
        Slot slot = fhir.newJsonParser().parseResource(Slot.class, SLOT_JSON);
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Provenance provenance = Provenance.newBuilder().setSource("ehr-a").setSourceResourceId("wire-1")
                .setSourceVersionId(null).setSourceLastUpdated(null).setEventTime(now).setIngestTime(now).build();
        FhirSlot written = new FhirAvroMapper().toAvro(slot, provenance);

        RegistrySettings registry = new RegistrySettings(stack.registryApiUrl(), false);
        var valueSerde = TopicSerdes.valueSerde(Topics.SLOT, registry);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), TopicSerdes.keySerde().serializer(), valueSerde.serializer())) {
            producer.send(new ProducerRecord<>(Topics.SLOT.name(), "ehr-a.wire-1", written)).get();
        }

        ConsumerRecord<String, byte[]> raw = readOne(stack, Topics.SLOT.name(), "ehr-a.wire-1");
        byte[] bytes = raw.value();
        assertThat(bytes[0]).as("Confluent magic byte").isZero();
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(schemaId).isEqualTo(stack.schemaIds().get(Topics.SLOT.name() + "-value"));

        Schema writerSchema = fetchSchemaFromCcompat(stack, schemaId);
        var reader = new SpecificDatumReader<FhirSlot>(writerSchema, FhirSlot.getClassSchema());
        FhirSlot decoded = reader.read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
        assertThat(decoded).isEqualTo(written);
        assertThat(decoded.getBookingDeepLink()).isEqualTo("https://ehr.example.org/booking/slots/123");
        assertThat(decoded.getStartOffsetSeconds()).isEqualTo(-4 * 3600);
    }

    private static Schema fetchSchemaFromCcompat(LocalStack stack, int id) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(stack.registryCcompatUrl() + "/schemas/ids/" + id)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.has("references")).as("schema registered dereferenced, without references").isFalse();
            return new Schema.Parser().parse(body.get("schema").asText());
        }
    }

    private static ConsumerRecord<String, byte[]> readOne(LocalStack stack, String topic, String key) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "wire-format-test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                    seen.add(record);
                }
            }
            throw new AssertionError("no record with key " + key + " on " + topic + " within 60 s; saw " + seen.size());
        }
    }
}
