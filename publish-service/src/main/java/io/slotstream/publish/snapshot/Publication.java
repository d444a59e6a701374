package io.slotstream.publish.snapshot;


import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One published state: the group files of a cut. Immutable. Two times: {@link #transactionTime()} (S, the newest change
 * in it: what {@code _since} answers are exact to) and {@link #fullTransactionTime()} (the full manifest's: the oldest
 * time a group's full files are current at). A group whose full files are stale (see {@link PublishedGroup}) is in the
 * full manifest as of its {@code filesTime}; files newer than the full transactionTime are harmless upserts for the
 * client's next {@code _since}. At rest every group's files are current, so replicas fed the same records build equal
 * publications (same files, same times, same {@link #version()}).
 * <p>
 * Manifest order: Location, Schedule, PractitionerRole, HealthcareService, then Slot groups, each by file name base
 * and part order. Every file carries its group's states as its state hint (sched-4).
 */
public final class Publication {

    private final long transactionTime;
    private final long fullTransactionTime;
    private final long horizon;
    private final List<PublishedGroup> groups;
    private final CutDelta delta;
    private final List<PublishedFile> files;
    private final String version;

    /**
     * @param transactionTime S, UTC epoch ms: the newest change time in it
     * @param horizon         deletions at or before it are forgotten, UTC epoch ms
     * @param delta           the cut's changes for clients polling every cut
     */
    public Publication(long transactionTime, long horizon, Collection<PublishedGroup> groups, CutDelta delta) {
        this.transactionTime = transactionTime;
        this.horizon = horizon;
        this.delta = delta;
        this.groups = inManifestOrder(groups);
        this.files = this.groups.stream().flatMap(g -> g.files().stream()).toList();
        this.fullTransactionTime = this.groups.stream().filter(PublishedGroup::stale)
                .mapToLong(PublishedGroup::filesTime).min().orElse(transactionTime);
        this.version = digest(transactionTime, fullTransactionTime, this.groups, delta);
    }

    /** @return S, UTC epoch ms: every change with a time up to S that the publisher consumed is in it */
    public long transactionTime() {
        return transactionTime;
    }

    /**
     * @return the full manifest's transactionTime, UTC epoch ms, {@code <= transactionTime()}: every full file holds
     * its group as of this time or later (S when no group's full files are stale)
     */
    public long fullTransactionTime() {
        return fullTransactionTime;
    }

    /** @return deletions at or before it are forgotten, UTC epoch ms */
    public long horizon() {
        return horizon;
    }

    /** @return the groups ordered as the manifest lists them: by type, file name base, then group */
    static List<PublishedGroup> inManifestOrder(Collection<PublishedGroup> groups) {
        Map<PublishedGroup, String> bases = new IdentityHashMap<>();
        groups.forEach(g -> bases.put(g, GroupWriter.baseName(g.key())));
        List<PublishedGroup> ordered = new ArrayList<>(groups);
        ordered.sort(Comparator.comparing((PublishedGroup g) -> g.type().ordinal())
                .thenComparing(bases::get).thenComparing(PublishedGroup::group));
        return List.copyOf(ordered);
    }

    /** @return the cut's changes for clients polling every cut */
    public CutDelta delta() {
        return delta;
    }

    /** @return the groups in manifest order */
    public List<PublishedGroup> groups() {
        return groups;
    }

    /** @return the full publication's files, in manifest order */
    public List<PublishedFile> files() {
        return files;
    }

    /**
     * @return a short hash of both times, every full and deletion file name and the cut delta: equal for equal
     * publications (the manifest's ETag)
     */
    public String version() {
        return version;
    }

    /** @return every file name the publication references (resources and deletions) */
    public Set<String> fileNames() {
        Set<String> names = new HashSet<>();
        for (PublishedGroup group : groups) {
            group.files().forEach(f -> names.add(f.path()));
            group.deletions().forEach(f -> names.add(f.path()));
            group.recent().forEach(f -> names.add(f.path()));
        }
        delta.files().forEach(f -> names.add(f.path()));
        return names;
    }

    /**
     * The incremental answer to {@code _since=T} (sched-8): when {@code T - overlap} is at or after the cut delta's
     * bound (a client that read the previous cut), the {@link CutDelta}'s files; else, for each group holding a
     * resource changed at or after {@code T - overlap}, the smaller of its change tier and its full files that holds
     * every such change ({@link PublishedGroup#changedSince}). Then the deletion files of the groups with a deletion
     * at or after it. A change this
     * replica applied after its cut at T has a time &gt;= T, so with no overlap one replica's answers are exact; the
     * overlap covers a T read from another replica that consumed the partitions in another order (its change times
     * differ by the partitions' skew). Files sent again are harmless upserts. A group whose full files are stale is
     * answered from its change tier or the cut delta only (its recent tier reaches back to the full transactionTime less the overlap).
     *
     * @param since   T, UTC epoch ms
     * @param overlap how far before T to look, ms, &gt;= 0
     * @return empty when only the full publication is right: T is after S (this replica has not caught up with the
     * one the client read last, so the client may hold resources this one does not), {@code T - overlap} is not
     * after the horizon (deletions forgotten), or it is before the recent tier of a group whose full files are stale
     */
    public Optional<Delta> since(long since, long overlap) {
        long from = since - overlap;
        if (since > transactionTime || from <= horizon) {
            return Optional.empty();
        }
        boolean fromDelta = delta.answers(from);
        List<PublishedFile> output = new ArrayList<>(fromDelta ? delta.files() : List.of());
        List<PublishedFile> deleted = new ArrayList<>();
        for (PublishedGroup group : groups) {
            if (!fromDelta && group.lastUpsert() >= from) {
                if (!group.answersSince(from)) {
                    return Optional.empty();
                }
                output.addAll(group.changedSince(from));
            }
            if (group.lastDelete() >= from) {
                deleted.addAll(group.deletions());
            }
        }
        return Optional.of(new Delta(since, output, deleted));
    }

    private static String digest(long transactionTime, long fullTransactionTime, List<PublishedGroup> groups,
                                 CutDelta delta) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((transactionTime + " " + fullTransactionTime).getBytes(StandardCharsets.UTF_8));
            for (PublishedGroup group : groups) {
                for (PublishedFile file : group.files()) {
                    digest.update(file.path().getBytes(StandardCharsets.UTF_8));
                }
                for (PublishedFile file : group.deletions()) {
                    digest.update(file.path().getBytes(StandardCharsets.UTF_8));
                }
            }
            digest.update((" " + delta.since()).getBytes(StandardCharsets.UTF_8));
            for (PublishedFile file : delta.files()) {
                digest.update(file.path().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
