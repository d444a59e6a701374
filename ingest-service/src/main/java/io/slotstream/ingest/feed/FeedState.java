package io.slotstream.ingest.feed;

import io.slotstream.avro.FeedSubscription;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this replica knows about one feed it polls: the subscription, the conditional-request validators, the
 * inventory of resources the feed delivered (for removals) and the status the admin API reports. Guarded by its own
 * monitor: one poll at a time per feed; the admin API reads {@link #status()} snapshots.
 */
final class FeedState {

    /** Where a resource came from: the file (URL without query) and the publisher's id when the local id differs. */
    record Held(String file, String publisherId) {
    }

    /** One file's outcome in the last poll. */
    record FileOutcome(String url, String type, String outcome, long lines, String error) {
    }

    volatile FeedSubscription subscription;
    final Instant subscribedAt;

    // Poll state, touched only by the polling thread while it holds the monitor.
    final Map<String, FeedHttp.Validators> validators = new HashMap<>();
    /** "Type/localId" -> where it came from; what a full snapshot compares against. */
    Map<String, Held> inventory = new HashMap<>();
    /** Volatile: the admin API reads it while a poll (which holds the monitor) runs. */
    volatile Instant lastTransactionTime;
    Instant stampFloor;
    Instant lastFullAt;
    /** The publisher answered a {@code _since} request with a full snapshot: stop sending it (conditional requests instead). */
    boolean sinceIgnored;
    int consecutiveFailures;

    // Status (written by the polling thread, read by the admin API).
    volatile Instant lastPollAt;
    volatile Instant lastSuccessAt;
    volatile Instant lastChangeAt;
    volatile Instant nextPollAt;
    volatile String lastMode;
    volatile String lastError;
    volatile boolean stale;
    volatile boolean withdrawn;
    volatile Map<String, Long> resourcesByType = Map.of();
    volatile Map<String, Long> lastWrites = Map.of();
    volatile Map<String, Long> lastWarnings = Map.of();
    volatile List<FileOutcome> lastFiles = List.of();
    volatile long lastRejects;
    volatile long totalRejects;
    volatile boolean pollRequested;

    FeedState(FeedSubscription subscription, Instant now) {
        this.subscription = subscription;
        this.subscribedAt = now;
        this.lastChangeAt = now;
        this.nextPollAt = now;
    }

    /** Recomputes resources per type from the inventory (after a poll). */
    void countResources() {
        Map<String, Long> counts = new TreeMap<>();
        for (String key : inventory.keySet()) {
            counts.merge(key.substring(0, key.indexOf('/')), 1L, Long::sum);
        }
        resourcesByType = counts;
    }
}
