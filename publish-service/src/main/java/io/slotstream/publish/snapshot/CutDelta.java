package io.slotstream.publish.snapshot;

import java.util.List;

/**
 * The changes of one cut for the clients that poll every cut: the current version of every resource of the
 * publication changed at or after {@code since} (the previous cut's transactionTime less the overlap), one file set
 * per type ({@code changes-<Type>-<hash>.ndjson}, rolled at the byte cap), in manifest order. A {@code _since} answer
 * for a T with {@code T - overlap >= since} lists these files and no group's: one or two downloads instead of one per
 * touched group. Persisted with the group table, so a restart serves the same URLs.
 *
 * @param since    the bound, UTC epoch ms; 0 when the cut had no previous one (then there are no files)
 * @param files    the files, in type order
 * @param complete false when the cut wrote none because they would pass a quarter of the publication's bytes (or it
 *                 was the first cut): then no answer comes from them
 */
public record CutDelta(long since, List<PublishedFile> files, boolean complete) {

    public CutDelta {
        files = List.copyOf(files);
    }

    /** @return a delta that answers nothing, at that bound */
    static CutDelta none(long since) {
        return new CutDelta(since, List.of(), false);
    }

    /** @return bytes of the files: what a client polling every cut downloads */
    long bytes() {
        return files.stream().mapToLong(PublishedFile::bytes).sum();
    }

    /**
     * @param from the earliest change time the client may lack, UTC epoch ms
     * @return whether these files hold every change at or after it
     */
    boolean answers(long from) {
        return complete && from >= since;
    }
}
