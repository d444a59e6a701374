package io.slotstream.publish.snapshot;

import java.util.List;

/**
 * The files of one incremental answer to {@code _since=T} (sched-8): all of them are files of the current publication.
 *
 * @param since   T, UTC epoch ms
 * @param output  the current files of every group holding a resource changed at or after {@code T - overlap}, in manifest
 *                order
 * @param deleted the current deletion files of every group with a deletion at or after {@code T - overlap}: transaction
 *                Bundles of {@code DELETE Type/id} entries
 */
public record Delta(long since, List<PublishedFile> output, List<PublishedFile> deleted) {

    public Delta {
        output = List.copyOf(output);
        deleted = List.copyOf(deleted);
    }
}
