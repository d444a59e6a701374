package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.GroupKey;
import io.slotstream.publish.store.ResourceType;

import java.util.List;

/**
 * The published files of one group, as a cut left them (persisted in the store's group table, so a restart serves
 * the same files). Besides the full files, two change tiers let {@code _since} send only what changed: each holds
 * the current version of every resource of the group changed at or after its bound, so an answer for a T at or
 * after the bound (less the overlap) is exact with that tier alone.
 *
 * @param type          resource type
 * @param group         the group's hint (see {@link GroupKey})
 * @param files         its resources, rolled by the byte cap, in id order
 * @param deletions     its remembered deletions (transaction Bundles), empty when none
 * @param lastUpsert    newest change time of a resource in the group, UTC epoch ms; 0 when it has none
 * @param lastDelete    newest delete time remembered in the group, UTC epoch ms; 0 when none
 * @param latest        the resources changed at or after {@code latestSince} (the changes of the group's last cut)
 * @param latestSince   transaction time of the cut before the one that wrote the group, UTC epoch ms (0: first cut)
 * @param recent        the resources changed at or after {@code recentSince}: the group's changes since its change
 *                      tier was last compacted (at most about a quarter of the group, else it restarts at
 *                      {@code latestSince})
 * @param recentSince   bound of {@code recent}, UTC epoch ms; {@code <= latestSince}
 */
public record PublishedGroup(ResourceType type, String group, List<PublishedFile> files, List<PublishedFile> deletions,
                             long lastUpsert, long lastDelete, List<PublishedFile> latest, long latestSince,
                             List<PublishedFile> recent, long recentSince) {

    public PublishedGroup {
        files = List.copyOf(files);
        deletions = List.copyOf(deletions);
        latest = latest == null ? files : List.copyOf(latest);
        recent = recent == null ? files : List.copyOf(recent);
    }

    public GroupKey key() {
        return new GroupKey(type, group);
    }

    /** @return resources in the group */
    public long lines() {
        return files.stream().mapToLong(PublishedFile::lines).sum();
    }

    /**
     * @param from the earliest change time the client may lack, UTC epoch ms
     * @return the smallest files holding the current version of every resource of the group changed at or after
     * {@code from}: the latest or recent change tier when its bound allows, else the full files
     */
    public List<PublishedFile> changedSince(long from) {
        if (from >= latestSince) {
            return latest;
        }
        return from >= recentSince ? recent : files;
    }
}
