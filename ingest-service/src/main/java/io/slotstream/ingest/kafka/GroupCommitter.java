package io.slotstream.ingest.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit: the record sets of concurrent requests that wait together go out in one Kafka transaction, so the
 * cost of a transaction (begin, commit markers, acks=all round trips) is shared by every request that queued behind
 * the previous one, rather than paid per request. Each request's records are still all-or-nothing: they are never
 * split across transactions. When a shared transaction fails, each of its request sets is retried alone, so one bad
 * set cannot fail its neighbours. A fixed number of committer threads (each with its own transactional producer)
 * bounds the producers and the concurrency the broker sees.
 */
final class GroupCommitter implements AutoCloseable {

    /** One request's records, serialised, and what it waits on. */
    record Pending(List<ProducerRecord<String, byte[]>> records, CompletableFuture<Void> done) {
    }

    private final KafkaTemplate<String, byte[]> template;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final int maxRecordsPerTransaction;
    private final List<Thread> committers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param committers               threads, each running one transaction at a time
     * @param maxRecordsPerTransaction a transaction takes queued request sets until it holds at least this many records
     */
    GroupCommitter(KafkaTemplate<String, byte[]> template, int committers, int maxRecordsPerTransaction) {
        this.template = template;
        this.maxRecordsPerTransaction = maxRecordsPerTransaction;
        for (int i = 0; i < committers; i++) {
            this.committers.add(Thread.ofPlatform().name("ingest-group-commit-" + i).daemon().start(this::run));
        }
    }

    /** Queues one request's records; the future completes when they are committed, or exceptionally when not. */
    CompletableFuture<Void> submit(List<ProducerRecord<String, byte[]>> records) {
        Pending pending = new Pending(records, new CompletableFuture<>());
        if (!running) {
            pending.done().completeExceptionally(new IllegalStateException("the Kafka writer is shutting down"));
            return pending.done();
        }
        queue.add(pending);
        return pending.done();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int records = first.records().size();
                Pending next;
                while (records < maxRecordsPerTransaction && (next = queue.poll()) != null) {
                    batch.add(next);
                    records += next.records().size();
                }
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        try {
            transaction(batch);
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException shared) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(shared);
                return;
            }
            for (Pending alone : batch) { // isolate the failing set
                try {
                    transaction(List.of(alone));
                    alone.done().complete(null);
                } catch (RuntimeException e) {
                    alone.done().completeExceptionally(e);
                }
            }
        }
    }

    private void transaction(List<Pending> batch) {
        template.executeInTransaction(ops -> {
            for (Pending pending : batch) {
                pending.records().forEach(ops::send);
            }
            return null; // commitTransaction flushes and fails when any send failed
        });
    }

    /** Commits what is queued, then stops the committer threads (waits up to 30 s). */
    @Override
    public void close() {
        running = false;
        for (Thread committer : committers) {
            try {
                committer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
