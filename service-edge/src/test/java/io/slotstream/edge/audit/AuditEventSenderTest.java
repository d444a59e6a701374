package io.slotstream.edge.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.avro.AuditEvent;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sending never blocks or fails the caller; each outcome is counted. (Broker + registry: the services' integration tests.) */
class AuditEventSenderTest {

    @Test
    void sentAndFailedSendsAreCountedAndNeverThrow() {
        MockProducer<String, AuditEvent> producer = new MockProducer<>(false, null, new StringSerializer(), (t, v) -> new byte[0]);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (AuditEventSender sender = new AuditEventSender(producer, 10, meters)) {
            sender.send(event("a"));
            sender.send(event("b"));
            await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
            assertThat(producer.completeNext()).isTrue();
            assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker down"))).isTrue();

            assertThat(meters.counter(AuditEventSender.METRIC, "outcome", "sent").count()).isEqualTo(1);
            assertThat(meters.counter(AuditEventSender.METRIC, "outcome", "failed").count()).isEqualTo(1);
            assertThat(producer.history().getFirst().topic()).isEqualTo("audit.events.v1");
            assertThat(producer.history().getFirst().key()).isEqualTo("src-a");
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        MockProducer<String, AuditEvent> producer = new MockProducer<>(true, null, new StringSerializer(), (t, v) -> {
            try {
                blocked.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new byte[0];
        });
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (AuditEventSender sender = new AuditEventSender(producer, 1, meters)) {
            for (int i = 0; i < 5; i++) {
                sender.send(event("e" + i)); // one in the sender thread (blocked), one queued, three dropped
            }
            assertThat(meters.counter(AuditEventSender.METRIC, "outcome", "dropped").count()).isGreaterThanOrEqualTo(3);
            blocked.countDown();
        }
    }

    private static AuditEvent event(String id) {
        return AuditEvent.newBuilder().setId(id).setRecorded(Instant.EPOCH).setService("svc").setAction("C")
                .setInteraction("create").setMethod("POST").setPath("/fhir/Slot").setHttpStatus(201).setOutcome(0)
                .setSource("src-a").build();
    }
}
