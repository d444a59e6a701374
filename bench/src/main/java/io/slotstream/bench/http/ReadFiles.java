package io.slotstream.bench.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The publication files a client has already read, by URL. A publication's files are immutable (content-named, served
 * with {@code Cache-Control: immutable}), so a client polling {@code _since} back to back never downloads one twice:
 * an answer repeats the files of the cut it was already given until the next cut (the {@code since-overlap} keeps
 * them in). Bounded: the least recently listed URLs are forgotten first.
 *
 * <p>Skipping a listed file is a measuring shortcut, not what a client should do: a small group's change tier can
 * return to an earlier file's bytes and URL after a different version in between (publish-service README, "Known
 * limits"). Here that can only make a change look unseen, never seen early.</p>
 */
public final class ReadFiles {

    private final Set<String> urls;

    /** @param capacity how many URLs are remembered (a 1M-slot publication lists a few hundred files per cut) */
    public ReadFiles(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        urls = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        }));
    }

    /** @return whether the file at this URL is yet to be read (and marks it as read: the caller reads it now) */
    boolean firstListing(String url) {
        return urls.add(url);
    }

    /** Forgets a URL whose download failed, so that the next poll reads it again. */
    void forget(String url) {
        urls.remove(url);
    }
}
