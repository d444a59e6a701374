package io.slotstream.web.status;

import io.slotstream.avro.DeadLetter;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the topics hold, folded from the records the {@link io.slotstream.web.live.TopicFollower} reads: live keys per
 * compacted {@code fhir.*.v1} topic (a tombstone removes its key), slots per effective status from
 * {@code slot.availability.v1}, and dead letters of {@code ingest.dead-letter.v1} grouped by source and rule (the
 * reason text when no rule is named). Thread-safe; memory grows with the number of live keys (about 100 bytes each).
 */
@Component
public class TopicCounts {

    /** One group of dead letters. {@code lastAt} is the latest {@code receivedAt}. */
    public record DeadLetterGroup(String source, String reason, long count, Instant lastAt) {
    }

    private final Map<String, Set<String>> liveKeys = new HashMap<>();
    private final Map<String, String> slotStatus = new HashMap<>();
    private final Map<List<String>, DeadLetterGroup> deadLetters = new HashMap<>();
    private long deadLetterTotal;

    /** A record of a compacted FHIR topic: {@code present} false for a tombstone. */
    public synchronized void resource(String topic, String key, boolean present) {
        Set<String> keys = liveKeys.computeIfAbsent(topic, t -> new HashSet<>());
        if (present) {
            keys.add(key);
        } else {
            keys.remove(key);
        }
    }

    /** A record of slot.availability.v1: {@code effectiveStatus} null for a tombstone (the slot left the view). */
    public synchronized void slot(String slotId, String effectiveStatus) {
        if (effectiveStatus == null) {
            slotStatus.remove(slotId);
        } else {
            slotStatus.put(slotId, effectiveStatus);
        }
    }

    public synchronized void deadLetter(DeadLetter letter) {
        String reason = letter.getRule() != null ? letter.getRule() : letter.getReason();
        Instant at = letter.getReceivedAt();
        deadLetters.merge(List.of(letter.getSource(), reason), new DeadLetterGroup(letter.getSource(), reason, 1, at),
                (a, b) -> new DeadLetterGroup(a.source(), a.reason(), a.count() + 1, a.lastAt().isAfter(b.lastAt()) ? a.lastAt() : b.lastAt()));
        deadLetterTotal++;
    }

    /** @return live keys per topic name (topics without records yet are absent) */
    public synchronized Map<String, Integer> liveKeys() {
        Map<String, Integer> counts = new TreeMap<>();
        liveKeys.forEach((topic, keys) -> counts.put(topic, keys.size()));
        return counts;
    }

    /** @return slots per effective status code (free, busy, ...), most first */
    public synchronized Map<String, Long> slotsByStatus() {
        Map<String, Long> counts = new HashMap<>();
        slotStatus.values().forEach(s -> counts.merge(s, 1L, Long::sum));
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    public synchronized long deadLetterTotal() {
        return deadLetterTotal;
    }

    /** @return at most {@code limit} groups, largest first */
    public synchronized List<DeadLetterGroup> deadLetterGroups(int limit) {
        return deadLetters.values().stream()
                .sorted(Comparator.comparingLong(DeadLetterGroup::count).reversed().thenComparing(DeadLetterGroup::reason))
                .limit(limit).toList();
    }
}
