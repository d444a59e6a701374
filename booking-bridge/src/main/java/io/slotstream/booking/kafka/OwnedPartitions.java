package io.slotstream.booking.kafka;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * The partitions a consumer group gave this replica of a compacted topic it is the single writer of, where the
 * partition decides which replica acts on a key (appointment.v1's writing, booking.upstream-forwards.v1's retrying).
 * On assignment a partition is read from the start, so the replica knows what the topic holds before it acts; it is
 * {@link #owning} once read to its end. On revocation or loss it is dropped at once and {@code dropped} is told, so
 * the replica forgets that partition's keys. Callbacks run on the consumer's thread (inside poll); {@link #owning}
 * may be read from any thread.
 */
public final class OwnedPartitions implements ConsumerRebalanceListener {

    private final KafkaConsumer<String, ?> consumer;
    private final IntConsumer dropped;
    // consumer thread only:
    private final Set<Integer> assigned = new HashSet<>();
    private final Map<TopicPartition, Long> catchingUp = new HashMap<>();
    private final Set<Integer> owning = ConcurrentHashMap.newKeySet();

    /** @param dropped told the number of every partition revoked or lost */
    public OwnedPartitions(KafkaConsumer<String, ?> consumer, IntConsumer dropped) {
        this.consumer = consumer;
        this.dropped = dropped;
    }

    /** @return whether the group assigned the partition to this replica (it may still be reading it) */
    public boolean assigned(int partition) {
        return assigned.contains(partition);
    }

    /** @return the partitions assigned and read to their end: this replica acts on their keys */
    public Set<Integer> owning() {
        return Set.copyOf(owning);
    }

    /** @return whether the partition is assigned and read to its end */
    public boolean owns(int partition) {
        return owning.contains(partition);
    }

    /** Call after each poll. @return the partitions read to their end since the last call */
    public List<TopicPartition> caughtUp() {
        List<TopicPartition> done = catchingUp.entrySet().stream()
                .filter(e -> consumer.position(e.getKey()) >= e.getValue()).map(Map.Entry::getKey).toList();
        for (TopicPartition tp : done) {
            catchingUp.remove(tp);
            owning.add(tp.partition());
        }
        return done;
    }

    /** Forgets every partition (the loop stopped). */
    public void clear() {
        owning.clear();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        partitions.forEach(tp -> assigned.add(tp.partition()));
        consumer.seekToBeginning(partitions);
        catchingUp.putAll(consumer.endOffsets(partitions));
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        drop(partitions);
    }

    private void drop(Collection<TopicPartition> gone) {
        for (TopicPartition tp : gone) {
            assigned.remove(tp.partition());
            owning.remove(tp.partition());
            catchingUp.remove(tp);
            dropped.accept(tp.partition());
        }
    }
}
