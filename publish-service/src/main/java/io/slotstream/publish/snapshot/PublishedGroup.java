package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.GroupKey;
import io.slotstream.publish.store.ResourceType;

import java.util.List;

/**
 * The published files of one group, as a cut left them (persisted in the store's group table, so a restart serves
 * the same files).
 *
 * @param type        resource type
 * @param group       the group's hint (see {@link GroupKey})
 * @param files       its resources, rolled by the byte cap, in id order
 * @param deletions   its remembered deletions (transaction Bundles), empty when none
 * @param lastUpsert  newest change time of a resource in the group, UTC epoch ms; 0 when it has none
 * @param lastDelete  newest delete time remembered in the group, UTC epoch ms; 0 when none
 */
public record PublishedGroup(ResourceType type, String group, List<PublishedFile> files, List<PublishedFile> deletions,
                             long lastUpsert, long lastDelete) {

    public PublishedGroup {
        files = List.copyOf(files);
        deletions = List.copyOf(deletions);
    }

    public GroupKey key() {
        return new GroupKey(type, group);
    }

    /** @return resources in the group */
    public long lines() {
        return files.stream().mapToLong(PublishedFile::lines).sum();
    }
}
