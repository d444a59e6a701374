package io.slotstream.publish.snapshot;

import java.util.List;

/**
 * The files of one incremental answer to {@code _since} (sched-8).
 *
 * @param since   the exclusive lower bound T, UTC epoch ms (clamped to the snapshot's transaction time)
 * @param output  resources changed in (T, S], in manifest order; empty types have no file
 * @param deleted files of transaction Bundles with {@code DELETE} entries for resources deleted in (T, S]
 */
public record Delta(long since, List<PublishedFile> output, List<PublishedFile> deleted) {

    public Delta {
        output = List.copyOf(output);
        deleted = List.copyOf(deleted);
    }
}
