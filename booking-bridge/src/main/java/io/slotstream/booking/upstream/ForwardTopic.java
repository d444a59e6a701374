package io.slotstream.booking.upstream;

import io.slotstream.avro.UpstreamForward;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ForwardLog} on booking.upstream-forwards.v1 (topic catalogue; booking-bridge is its single writer):
 * idempotent producer, acks=all, each write acknowledged within 10 s. Which replica retries a forward is
 * {@link ForwardRetrier}'s business.
 */
@Component
public class ForwardTopic implements ForwardLog, DisposableBean {

    private final KafkaProducer<String, UpstreamForward> producer;

    public ForwardTopic(KafkaClientSettings kafka, RegistrySettings registry) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "booking-bridge-upstream-forwards");
        this.producer = new KafkaProducer<>(config, new StringSerializer(),
                TopicSerdes.valueSerde(Topics.UPSTREAM_FORWARDS, registry).serializer());
    }

    @Override
    public void put(UpstreamForward forward) {
        write(forward.getAppointmentId(), forward);
    }

    @Override
    public void remove(String appointmentId) {
        write(appointmentId, null);
    }

    private void write(String appointmentId, UpstreamForward value) {
        try {
            producer.send(new ProducerRecord<>(Topics.UPSTREAM_FORWARDS.name(), appointmentId, value)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the EHR forward of " + appointmentId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the EHR forward of Appointment " + appointmentId
                    + " was not accepted by Kafka: " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
