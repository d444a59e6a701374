package io.slotstream.publish.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.slotstream.publish.store.GroupKey;
import io.slotstream.publish.store.ResourceType;

import java.util.List;

/**
 * The published files of one group, as a cut left them (persisted in the store's group table, so a restart serves
 * the same files). Besides the full files, a change tier lets {@code _since} send only what changed: it holds the
 * current version of every resource of the group changed at or after its bound, so an answer for a T at or after the
 * bound (less the overlap) is exact with that tier alone. (A client that polls every cut is answered from the cut's
 * {@link CutDelta} instead, one file set for all groups.)
 * <p>
 * The full files may be <b>stale</b>: a cut that changes only a few resources of the group writes its change tier and
 * keeps the full files of an earlier cut ({@code filesTime} set). The recent tier of a stale group then holds every
 * change at or after {@code filesTime} less the overlap, so the full files plus the recent tier are the group's current
 * content, and {@code _since} never answers a stale group with its full files ({@link #answersSince}).
 *
 * @param type          resource type
 * @param group         the group's hint (see {@link GroupKey})
 * @param files         its resources, rolled by the byte cap, in id order
 * @param deletions     its remembered deletions (transaction Bundles), empty when none
 * @param lastUpsert    newest change time of a resource in the group, UTC epoch ms; 0 when it has none (of a stale
 *                      group: of a resource that was in it, one that left since may count)
 * @param lastDelete    newest delete time remembered in the group, UTC epoch ms; 0 when none
 * @param recent        the resources changed at or after {@code recentSince}: the group's changes since its change
 *                      tier was last compacted (at most about a quarter of the group, else it restarts at
 *                      the previous cut's time less the overlap), reaching back no further than the full manifest's time or one
 *                      {@code full-refresh-interval} before the cut, whichever is older, less the overlap
 * @param recentSince   bound of {@code recent}, UTC epoch ms (0: the full files)
 * @param filesTime     null when the full files hold the group's current content; else a time they hold every
 *                      change of the group before, and may lack its changes at or after, UTC epoch ms: just before
 *                      the first change after the cut that last wrote them (a group table stored before stale files
 *                      existed has no such field: current)
 */
@JsonIgnoreProperties(ignoreUnknown = true) // tables stored before the cut delta also hold a per-group latest tier
public record PublishedGroup(ResourceType type, String group, List<PublishedFile> files, List<PublishedFile> deletions,
                             long lastUpsert, long lastDelete, List<PublishedFile> recent, long recentSince,
                             Long filesTime) {

    public PublishedGroup {
        files = List.copyOf(files);
        deletions = List.copyOf(deletions);
        recent = recent == null ? files : List.copyOf(recent);
    }

    public GroupKey key() {
        return new GroupKey(type, group);
    }

    /** @return whether the full files lack some of the group's changes (then {@link #filesTime()} is set) */
    public boolean stale() {
        return filesTime != null;
    }

    /** @return bytes of the full files */
    public long bytes() {
        return files.stream().mapToLong(PublishedFile::bytes).sum();
    }

    /** @return resources in the group's full files */
    public long lines() {
        return files.stream().mapToLong(PublishedFile::lines).sum();
    }

    /**
     * @param from the earliest change time the client may lack, UTC epoch ms
     * @return whether {@link #changedSince} can answer it: a change tier reaches back to {@code from}, or the full
     * files are current
     */
    public boolean answersSince(long from) {
        return !stale() || from >= recentSince;
    }

    /**
     * @param from the earliest change time the client may lack, UTC epoch ms; {@link #answersSince} must hold
     * @return the smallest files holding the current version of every resource of the group changed at or after
     * {@code from}: the change tier when its bound allows, else the (current) full files
     */
    public List<PublishedFile> changedSince(long from) {
        return from >= recentSince ? recent : files;
    }
}
