package io.slotstream.ingest.feed;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Warning counts of one poll. Not thread-safe: one poll runs on one thread. */
final class FeedWarnings {

    private final EnumMap<FeedWarning, Long> counts = new EnumMap<>(FeedWarning.class);

    void add(FeedWarning warning) {
        add(warning, 1);
    }

    void add(FeedWarning warning, long n) {
        if (n > 0) {
            counts.merge(warning, n, Long::sum);
        }
    }

    long count(FeedWarning warning) {
        return counts.getOrDefault(warning, 0L);
    }

    /** @return warning code to count, in declaration order */
    Map<String, Long> byCode() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((w, n) -> out.put(w.code(), n));
        return out;
    }

    Map<FeedWarning, Long> counts() {
        return counts;
    }
}
