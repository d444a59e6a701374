package io.slotstream.booking.audit;

import io.slotstream.avro.AuditEvent;
import io.slotstream.booking.kafka.TopicReplay;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topics;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;

/**
 * The audit trail as booking-bridge serves it ({@code GET /fhir/AuditEvent}): every partition of
 * {@code audit.events.v1} read from the beginning (no consumer group: each replica holds the whole trail), the newest
 * {@code slotstream.booking.audit-log.max-events} events of every service kept in memory, ordered by
 * {@code recorded}. Older events stay on the topic (365 days) for export and SIEM shipping. An undecodable record is
 * logged and skipped.
 */
@Component
public class AuditLog extends TopicReplay<AuditEvent> {

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::recordedMillis).thenComparing(Key::id);

    private final int maxEvents;
    private final ConcurrentSkipListMap<Key, AuditEvent> byTime = new ConcurrentSkipListMap<>(ORDER);
    private final Map<String, AuditEvent> byId = new ConcurrentHashMap<>();

    public AuditLog(KafkaClientSettings kafka, RegistrySettings registry, @Value("${slotstream.booking.audit-log.max-events:100000}") int maxEvents) {
        super(Topics.AUDIT_EVENTS, kafka, registry, false, "booking-bridge-audit-log");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("slotstream.booking.audit-log.max-events must be at least 1, was " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    /** Adds one event (idempotent by id), dropping the oldest beyond the limit. */
    @Override
    protected void onValue(AuditEvent event) {
        if (byId.putIfAbsent(event.getId(), event) != null) {
            return;
        }
        byTime.put(new Key(event.getRecorded().toEpochMilli(), event.getId()), event);
        while (byTime.size() > maxEvents) {
            Map.Entry<Key, AuditEvent> oldest = byTime.pollFirstEntry();
            if (oldest == null) {
                break;
            }
            byId.remove(oldest.getKey().id());
        }
    }

    /** @return the event with that id, if still held */
    public Optional<AuditEvent> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** @return the held events matching {@code filter}, newest first */
    public List<AuditEvent> search(Predicate<AuditEvent> filter) {
        return byTime.descendingMap().values().stream().filter(filter).toList();
    }

    private record Key(long recordedMillis, String id) {
    }
}
