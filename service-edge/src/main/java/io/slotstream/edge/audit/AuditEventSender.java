package io.slotstream.edge.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.avro.AuditEvent;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Appends {@link AuditEvent}s to {@code audit.events.v1} without ever slowing or failing the audited request: {@link
 * #send} only queues (bounded, {@code slotstream.audit.queue-capacity}); one sender thread serializes (Avro via the
 * registry) and hands the record to an idempotent producer ({@code acks=all}). A failed or dropped event is logged
 * (event id, service, interaction; never patient data) and counted: {@code slotstream_audit_events_total} with
 * {@code outcome} = {@code sent}, {@code failed} or {@code dropped}.
 */
public final class AuditEventSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditEventSender.class);
    static final String METRIC = "slotstream.audit.events";

    private final Producer<String, AuditEvent> producer;
    private final ThreadPoolExecutor executor;
    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;

    /**
     * @param kafka            the stack's Kafka client settings (bootstrap servers, SASL/TLS)
     * @param registry         the Apicurio registry (the schema is registered by provisioning)
     * @param service          the service name, part of the producer's client id
     * @param queueCapacity    events that may wait for the sender thread
     * @param meters           where the counters go; null = not exported
     */
    public AuditEventSender(KafkaClientSettings kafka, RegistrySettings registry, String service, int queueCapacity,
                            MeterRegistry meters) {
        this(new KafkaProducer<>(producerConfig(kafka, service), new StringSerializer(),
                TopicSerdes.valueSerde(Topics.AUDIT_EVENTS, registry).serializer()), queueCapacity, meters);
    }

    private static Map<String, Object> producerConfig(KafkaClientSettings kafka, String service) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // a broker outage must not park the sender thread for a minute per event
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-audit");
        return config;
    }

    AuditEventSender(Producer<String, AuditEvent> producer, int queueCapacity, MeterRegistry meters) {
        this.producer = producer;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                r -> Thread.ofPlatform().name("audit-sender").daemon().unstarted(r), new ThreadPoolExecutor.AbortPolicy());
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        this.sent = counter(registry, "sent");
        this.failed = counter(registry, "failed");
        this.dropped = counter(registry, "dropped");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(METRIC).tag("outcome", outcome)
                .description("Audit events (audit.events.v1) by outcome: sent, failed (Kafka/registry error), dropped (queue full)")
                .register(registry);
    }

    /** Queues the event; returns at once. Never throws: a full queue drops the event (logged, counted). */
    public void send(AuditEvent event) {
        try {
            executor.execute(() -> write(event));
        } catch (RejectedExecutionException e) {
            dropped.increment();
            log.error("audit event {} ({} {} by {}) dropped: the send queue is full or closed", event.getId(),
                    event.getService(), event.getInteraction(), event.getClientId());
        }
    }

    private void write(AuditEvent event) {
        try {
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS.name(), key(event), event), (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                } else {
                    fail(event, error);
                }
            });
        } catch (RuntimeException e) {
            fail(event, e);
        }
    }

    private void fail(AuditEvent event, Throwable error) {
        failed.increment();
        log.error("audit event {} ({} {} by {}) was not written to {}: {}", event.getId(), event.getService(),
                event.getInteraction(), event.getClientId(), Topics.AUDIT_EVENTS.name(), error.toString());
    }

    /** The catalogue key: source id, else client id, else the recording service. */
    static String key(AuditEvent event) {
        return event.getSource() != null ? event.getSource()
                : event.getClientId() != null ? event.getClientId() : event.getService();
    }

    /** Sends what is queued (up to 10 s), then closes the producer. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
