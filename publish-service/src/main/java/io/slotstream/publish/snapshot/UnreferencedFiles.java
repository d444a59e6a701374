package io.slotstream.publish.snapshot;

import io.slotstream.publish.storage.PublicationStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The grace period of files the publication no longer references: a file stays downloadable for {@code grace} after
 * the manifest stopped pointing at it (a client that read the previous manifest can finish), then it is deleted. A
 * file that is referenced again in time is kept. Files found in storage at start that the publication does not
 * reference (a cut interrupted by a crash, an older publication) get the same grace from then.
 * Thread-safe.
 */
final class UnreferencedFiles {

    private static final Logger log = LoggerFactory.getLogger(UnreferencedFiles.class);

    private final PublicationStorage storage;
    private final Duration grace;
    private final Clock clock;
    private final Map<String, Long> since = new ConcurrentHashMap<>();

    UnreferencedFiles(PublicationStorage storage, Duration grace, Clock clock) {
        this.storage = storage;
        this.grace = grace;
        this.clock = clock;
    }

    /** Starts the grace period of every stored file not in {@code referenced}. */
    void adopt(Set<String> referenced) throws IOException {
        long now = clock.millis();
        for (String name : storage.list()) {
            if (!referenced.contains(name)) {
                since.putIfAbsent(name, now);
            }
        }
    }

    /** The publication moved from {@code before} to {@code after}. */
    void switched(Set<String> before, Set<String> after) {
        long now = clock.millis();
        for (String name : before) {
            if (!after.contains(name)) {
                since.putIfAbsent(name, now);
            }
        }
        after.forEach(since::remove);
    }

    /** Starts the grace period of stored files no publication listed (a failed cut's); listed ones stay as they are. */
    void unlisted(Set<String> names) {
        long now = clock.millis();
        for (String name : names) {
            since.putIfAbsent(name, now);
        }
    }

    /** @return how many files were deleted because their grace period was over */
    int deleteExpired() {
        long cutoff = clock.millis() - grace.toMillis();
        int deleted = 0;
        for (Iterator<Map.Entry<String, Long>> it = since.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() <= cutoff) {
                try {
                    storage.delete(entry.getKey());
                    it.remove();
                    deleted++;
                } catch (IOException e) {
                    log.warn("cannot delete unreferenced file {}; retrying on the next tick", entry.getKey(), e);
                }
            }
        }
        return deleted;
    }

    /** @return files waiting for their grace period to end */
    int pending() {
        return since.size();
    }
}
