package io.slotstream.booking.command;

import io.slotstream.avro.BookingRequest;
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
 * Writes booking requests to booking.requests.v1, keyed by Schedule id (the decision point's partitioning: every slot
 * of one request reaches the same owner). Idempotent producer, acks=all; {@link #send} returns once the broker has
 * the request.
 */
@Component
public class RequestPublisher implements DisposableBean {

    private final KafkaProducer<String, BookingRequest> producer;

    public RequestPublisher(KafkaClientSettings kafka, RegistrySettings registry) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "booking-bridge-requests");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), TopicSerdes.valueSerde(Topics.BOOKING_REQUESTS, registry).serializer());
    }

    /**
     * @param request the request; its scheduleId is the key
     * @throws IllegalStateException when the broker does not acknowledge within 10 s
     */
    public void send(BookingRequest request) {
        try {
            producer.send(new ProducerRecord<>(Topics.BOOKING_REQUESTS.name(), request.getScheduleId(), request))
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing booking request " + request.getRequestId(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("booking request " + request.getRequestId() + " was not accepted by Kafka: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
