package io.slotstream.publish.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.store.GroupKey;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.StoreCut;
import io.slotstream.publish.store.StoreView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Cuts the {@link PublicationStore} into the publication, incrementally: a cut writes only the groups changed since
 * the previous cut, reuses every other group's files, writes the {@link CutDelta} (every resource changed since the
 * previous cut less the overlap: what a client polling every cut downloads), records the new group table and the
 * delta in the store, and only then switches the {@link Publication} the manifest is built from. Files the
 * publication stops referencing are deleted after the grace period ({@link #deleteExpired()}).
 * <p>
 * The cost of a cut follows the changes, not the groups they touch: a changed group gets only its change tier (and
 * its deletion file when its deletions changed) and keeps its full files from an earlier cut, which become stale
 * ({@link PublishedGroup#filesTime()}). A group's full files are rewritten (content-named, so an unchanged part keeps
 * its name and is not stored again) when it has none yet, when a resource moved out of it, when its change tier would
 * pass a quarter of its bytes, when they have been stale for {@code fullRefreshInterval} of change time, and at rest:
 * a cut that finds no change since the previous one rewrites the oldest stale groups, up to a
 * {@value #AT_REST_CUTS}th of all groups, so replicas fed the same records end with the same full files within
 * {@value #AT_REST_CUTS} quiet cuts, and a lull between bursts costs what a busy cut's refreshes cost, not a rewrite
 * of the whole publication. While changes flow, the refreshes are a second step of the cut, after its changes are
 * published ({@link #cut()}).
 * <p>
 * A restart serves the same publication: the group table is in the store, the files are in the
 * {@link PublicationStorage}. Thread-safety: cuts are serialized; {@link #current()} is lock-free.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** quiet cuts over which the stale groups are rewritten at rest */
    static final int AT_REST_CUTS = 12;
    private final PublicationStore store;
    private final PublicationStorage storage;
    private final Path scratch;
    private final Duration sinceRetention;
    private final long sinceOverlapMs;
    private final long fullRefreshIntervalMs;
    private final long maxFileBytes;
    private final SnapshotMetrics metrics;
    private final GroupWriter writer;
    private final UnreferencedFiles unreferenced;
    private final AtomicReference<Publication> current = new AtomicReference<>();
    private final AtomicReference<CutFailure> lastFailure = new AtomicReference<>();
    private final Clock clock;
    private final TreeMap<GroupKey, PublishedGroup> table = new TreeMap<>();
    private final ExecutorService writers;

    /**
     * @param scratch        local directory for files being written (emptied now)
     * @param maxFileBytes   byte cap of one file (a single bigger line still gets a file of its own)
     * @param writerThreads  how many groups one cut writes at once (each: a store scan, NDJSON lines, a SHA-256, an
     *                       fsync or an object-storage PUT)
     * @param sinceRetention how long deletions are remembered before the newest change
     * @param sinceOverlap   the overlap {@code _since} answers use: the cut delta reaches this far
     *                       before the previous cut, so a client polling every cut is answered from it
     * @param fullRefreshInterval how long (in change time: record timestamps) a group's full files may stay stale
     *                       while its changes go to its change tier only; zero rewrites a changed group's full files
     *                       at every cut
     * @param grace          how long an unreferenced file stays downloadable
     * @param clock          wall clock of the grace period only (nothing published depends on it)
     * @throws UncheckedIOException when the scratch directory or the storage cannot be read
     */
    public SnapshotPublisher(PublicationStore store, PublicationStorage storage, Path scratch, long maxFileBytes,
                             int writerThreads, Duration sinceRetention, Duration sinceOverlap, Duration fullRefreshInterval,
                             Duration grace, Clock clock, SnapshotMetrics metrics) {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be >= 1, was " + maxFileBytes);
        }
        if (writerThreads < 1) {
            throw new IllegalArgumentException("writerThreads must be >= 1, was " + writerThreads);
        }
        this.writers = Executors.newFixedThreadPool(writerThreads,
                Thread.ofPlatform().name("publish-cut-writer-", 0).daemon().factory());
        this.store = store;
        this.storage = storage;
        this.scratch = scratch;
        this.sinceRetention = sinceRetention;
        this.sinceOverlapMs = sinceOverlap.toMillis();
        this.fullRefreshIntervalMs = fullRefreshInterval.toMillis();
        this.maxFileBytes = maxFileBytes;
        this.metrics = metrics;
        this.clock = clock;
        this.writer = new GroupWriter(storage, scratch, maxFileBytes);
        this.unreferenced = new UnreferencedFiles(storage, grace, clock);
        try {
            deleteTree(scratch);
            Files.createDirectories(scratch);
            for (Map.Entry<GroupKey, byte[]> entry : store.publishedGroups().entrySet()) {
                table.put(entry.getKey(), JSON.readValue(entry.getValue(), PublishedGroup.class));
            }
            long publishedTime = store.publishedTime();
            if (publishedTime >= 0) {
                byte[] delta = store.publishedDelta();
                Publication restored = new Publication(publishedTime, horizon(publishedTime), table.values(),
                        delta == null ? CutDelta.none(0) : JSON.readValue(delta, CutDelta.class));
                current.set(restored);
                metrics.published(restored);
            }
            unreferenced.adopt(current.get() == null ? Set.of() : current.get().fileNames());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the publication in " + scratch + " and " + storage.describe(), e);
        }
    }

    private long horizon(long transactionTime) {
        return Math.max(0, transactionTime - Math.min(sinceRetention.toMillis(), transactionTime));
    }

    /** @return the publication the manifest currently shows, empty before the first cut */
    public Optional<Publication> current() {
        return Optional.ofNullable(current.get());
    }

    /** @return why the last cut failed, empty when it succeeded (or none was tried) */
    public Optional<CutFailure> lastFailure() {
        return Optional.ofNullable(lastFailure.get());
    }

    /** @return where the files are */
    public PublicationStorage storage() {
        return storage;
    }

    /**
     * Cuts when some group changed since the last cut, when nothing is published yet, when some group's full files
     * are stale (at rest they are rewritten, a share per cut), or when the cut delta is not yet the one at rest (bounded by the
     * publication's own transactionTime less the overlap, so replicas at rest serve the same one); else returns empty.
     */
    public synchronized Optional<Publication> cutIfChanged() {
        Publication now = current.get();
        if (now != null && !store.hasDirtyGroups() && table.values().stream().noneMatch(PublishedGroup::stale)
                && now.delta().since() == deltaSince(now.transactionTime())) {
            return Optional.empty();
        }
        return Optional.of(cut());
    }

    /** @return the bound of the delta a cut after one at {@code previousTime} writes, UTC epoch ms */
    private long deltaSince(long previousTime) {
        return Math.max(0, previousTime - sinceOverlapMs);
    }

    /** How a cut writes one group. */
    enum GroupWrite {
        /** the full files, the change tier and the deletion file */
        FULL,
        /** the change tier only (and the deletion file when deletions changed); the full files stay */
        CHANGES
    }

    /**
     * Cuts now, in two steps. First it writes the changed groups (their change tier, or whole: see the class comment)
     * and the cut delta, and publishes: what a {@code _since} client waits for. Then, from the same point-in-time view,
     * it rewrites the stale groups due for a refresh whole and publishes again (same transactionTime, same delta): the
     * refreshes (every stale group once per {@code fullRefreshInterval} of change time: at the defaults, a twelfth of
     * them per 5-s cut) no longer delay the changes. A changed group due for a refresh gets its change tier in the
     * first step too: the first publication must hold its changes.
     * <p>
     * On failure of the first step (e.g. a full disk) the publication stays as it was, with every file it lists; files
     * the failed cut stored get the grace period like every unlisted file; its groups stay dirty for the next cut; the
     * failure is logged, counted and kept for {@link #lastFailure()}, and thrown. A failed refresh is logged, counted
     * and kept the same way, but not thrown: the changes are published and the groups stay stale for the next cut.
     *
     * @return the publication now served
     * @throws UncheckedIOException when a file of the first step cannot be written or stored (the message names the
     *                              file or directory)
     */
    public synchronized Publication cut() {
        long started = System.nanoTime();
        StoreCut cut = store.cut(sinceRetention);
        // at rest: no change since the previous cut; the oldest stale groups are rewritten
        boolean atRest = cut.groups().isEmpty();
        Publication previous = current.get();
        long previousTime = store.publishedTime();
        // changes applied after the previous cut have times >= its transaction time; less the overlap, a client
        // that read the previous cut is answered from the cut delta alone
        long latestSince = deltaSince(previousTime);
        Plan plan = plan(cut, atRest);
        long staleFrom = staleFrom(cut);
        long recentFloor = recentFloor(plan.writes(), staleFrom);
        TierBounds bounds = new TierBounds(latestSince, recentFloor, recentReach(recentFloor, previousTime), staleFrom);
        try (StoreView view = cut.view()) {
            Step changes;
            try {
                changes = step(cut, view, plan.writes(), bounds, null);
            } catch (IOException | RuntimeException e) {
                store.abandon(cut);
                RuntimeException failure = failed(cut, e, "cut");
                log.error("cut at transactionTime {} failed, {} groups stay dirty and the next cut retries; still serving {}: {}",
                        cut.transactionTime(), cut.groups().size(), previous == null ? "no publication"
                                : "transactionTime " + previous.transactionTime(), lastFailure.get().message());
                throw failure;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            log.info("published transactionTime {}, full manifest at {} ({} groups written, {} of them whole; {} bytes stored in {} ms; delta {})",
                    cut.transactionTime(), changes.publication().fullTransactionTime(), changes.groups(), changes.whole(),
                    changes.bytes(), took.toMillis(), changes.delta().complete() ? changes.delta().bytes() + " bytes" : "none");
            Step refreshed = Step.NONE;
            Map<GroupKey, GroupWrite> refreshes = new TreeMap<>();
            plan.refreshes().stream().filter(group -> table.containsKey(group) && table.get(group).stale())
                    .forEach(group -> refreshes.put(group, GroupWrite.FULL));
            if (!refreshes.isEmpty()) {
                long refreshStarted = System.nanoTime();
                try {
                    refreshed = step(cut, view, refreshes, bounds, changes.delta());
                    Duration refreshTook = Duration.ofNanos(System.nanoTime() - refreshStarted);
                    metrics.refreshed(refreshTook);
                    log.info("refreshed {} stale groups whole at transactionTime {}, full manifest at {} ({} bytes stored in {} ms)",
                            refreshed.groups(), cut.transactionTime(), refreshed.publication().fullTransactionTime(),
                            refreshed.bytes(), refreshTook.toMillis());
                } catch (IOException | RuntimeException e) {
                    failed(cut, e, "refresh");
                    log.error("refreshing {} stale groups at transactionTime {} failed, they stay stale and a later cut retries: {}",
                            refreshes.size(), cut.transactionTime(), lastFailure.get().message());
                }
            }
            metrics.cut(took, changes.groups() + refreshed.groups(), changes.whole() + refreshed.whole(),
                    changes.bytes() + refreshed.bytes(), changes.delta());
            return current.get();
        }
    }

    /** What one step of a cut wrote and published. */
    private record Step(Publication publication, int groups, int whole, long bytes, CutDelta delta) {
        static final Step NONE = new Step(null, 0, 0, 0, null);
    }

    /**
     * Writes the groups as planned (and, when {@code delta} is null, the cut delta), records them in the store and
     * switches the publication to them.
     */
    private Step step(StoreCut cut, StoreView view, Map<GroupKey, GroupWrite> writes, TierBounds bounds, CutDelta delta)
            throws IOException {
        Set<String> known = current.get() == null ? Set.of() : current.get().fileNames();
        Map<GroupKey, PublishedGroup> written = writeGroups(view, writes, cut.deletionGroups(), known, bounds);
        TreeMap<GroupKey, PublishedGroup> nextTable = new TreeMap<>(table);
        written.forEach((group, files) -> {
            if (files == null) {
                nextTable.remove(group);
            } else {
                nextTable.put(group, files);
            }
        });
        if (delta == null) {
            // one file's worth, or a quarter of the publication: past that, clients download less from the groups
            long publicationBytes = nextTable.values().stream().mapToLong(PublishedGroup::bytes).sum();
            delta = writer.writeDelta(view, Publication.inManifestOrder(nextTable.values()), bounds.latestSince(),
                    Math.max(maxFileBytes, publicationBytes / 4), known);
        }
        Map<GroupKey, byte[]> entries = new HashMap<>();
        for (Map.Entry<GroupKey, PublishedGroup> group : written.entrySet()) {
            entries.put(group.getKey(), group.getValue() == null ? null : JSON.writeValueAsBytes(group.getValue()));
        }
        store.commit(cut, entries, JSON.writeValueAsBytes(delta));
        table.clear();
        table.putAll(nextTable);
        Publication next = new Publication(cut.transactionTime(), cut.horizon(), table.values(), delta);
        current.set(next);
        Set<String> referenced = next.fileNames();
        unreferenced.switched(known, referenced);
        // stored but not listed: a delta given up at its byte limit
        unreferenced.unlisted(writer.takeStored().stream().filter(name -> !referenced.contains(name))
                .collect(Collectors.toSet()));
        long whole = written.values().stream().filter(g -> g == null || !g.stale()).count();
        metrics.published(next);
        lastFailure.set(null);
        return new Step(next, written.size(), (int) whole, writer.takeBytesStored(), delta);
    }

    /** Records a failed step: its stored files get the grace period, the scratch directory is emptied. */
    private RuntimeException failed(StoreCut cut, Exception e, String step) {
        writer.takeBytesStored();
        unreferenced.unlisted(writer.takeStored());
        RuntimeException failure = e instanceof IOException io
                ? new UncheckedIOException("cannot publish the " + step + " at " + cut.transactionTime(), io)
                : (RuntimeException) e;
        CutFailure failed = CutFailure.of(clock.instant(), failure);
        lastFailure.set(failed);
        metrics.failed(failed.diskFull());
        try {
            deleteTree(scratch);
            Files.createDirectories(scratch);
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
        return failure;
    }

    /**
     * How a cut writes its groups.
     *
     * @param writes    the first step: the changed groups (whole or their changes), and at rest the stale groups due
     * @param refreshes the second step: stale groups due for a refresh while changes flow, rewritten whole after the
     *                  changes are published
     */
    private record Plan(Map<GroupKey, GroupWrite> writes, List<GroupKey> refreshes) {
    }

    /**
     * @return how the cut writes each group: the changed ones (whole when new or a resource moved out, else their
     * changes), and the stale ones due for a refresh (at rest: the oldest, up to a {@value #AT_REST_CUTS}th of all
     * groups, in the first step; else in the second). Refreshes are spread over the
     * interval: besides the groups stale for the whole interval, a cut refreshes the oldest stale groups up to their
     * share of the change time it covers ({@code (S - first change) / interval} of them), so groups that went stale
     * together are not all rewritten in one cut. A group going stale now is stale from the cut's first change, not
     * from the previous cut: after a rest longer than the interval, the first busy cut would otherwise count every
     * group it touches as stale for the whole interval and rewrite them all (at 1M slots: 916 MB in 10.7 s).
     */
    private Plan plan(StoreCut cut, boolean atRest) {
        long staleFrom = staleFrom(cut);
        Map<GroupKey, GroupWrite> plan = new TreeMap<>();
        List<PublishedGroup> stale = new ArrayList<>();
        for (GroupKey group : cut.groups()) {
            PublishedGroup published = table.get(group);
            // a group a resource moved out of is rewritten: its stale files would list the resource twice in the
            // full manifest, with its old version
            boolean whole = published == null || atRest || cut.movedFromGroups().contains(group);
            plan.put(group, whole ? GroupWrite.FULL : GroupWrite.CHANGES);
            if (!whole && !published.stale()) {
                stale.add(published); // goes stale now, at the cut's first change
            }
        }
        table.values().stream().filter(g -> g.stale() && plan.get(g.key()) != GroupWrite.FULL).forEach(stale::add);
        if (fullRefreshIntervalMs <= 0) {
            stale.forEach(group -> plan.put(group.key(), GroupWrite.FULL));
            return new Plan(plan, List.of());
        }
        stale.sort(Comparator.comparingLong((PublishedGroup g) -> g.stale() ? g.filesTime() : staleFrom)
                .thenComparing(PublishedGroup::key));
        if (atRest) {
            long budget = Math.max(1, (table.size() + AT_REST_CUTS - 1) / AT_REST_CUTS);
            stale.stream().limit(budget).forEach(group -> plan.put(group.key(), GroupWrite.FULL));
            return new Plan(plan, List.of());
        }
        double share = (double) Math.max(0, cut.transactionTime() - staleFrom) / fullRefreshIntervalMs;
        long budget = (long) Math.floor(stale.size() * Math.min(1, share));
        List<GroupKey> refreshes = new ArrayList<>();
        for (PublishedGroup group : stale) {
            long filesTime = group.stale() ? group.filesTime() : staleFrom;
            if (budget <= 0 && cut.transactionTime() - filesTime < fullRefreshIntervalMs) {
                break;
            }
            refreshes.add(group.key());
            budget--;
        }
        return new Plan(plan, refreshes);
    }

    /**
     * @return the {@link PublishedGroup#filesTime()} of a group going stale in this cut, UTC epoch ms: just before the
     * cut's first change, so its full files hold every change up to it and a full manifest with a stale group is
     * always older than S
     */
    private static long staleFrom(StoreCut cut) {
        return cut.firstChangeTime() - 1;
    }

    /**
     * @return the latest bound a stale group's recent tier may have after this cut: the oldest time a group's full
     * files will be current at (the full manifest's transactionTime) less the overlap, so a client that read the full
     * manifest is answered from the tiers on its next {@code _since}; a group whose recent tier would then pass a
     * quarter of its bytes is rewritten whole
     */
    private long recentFloor(Map<GroupKey, GroupWrite> plan, long staleFrom) {
        long oldest = staleFrom;
        for (PublishedGroup published : table.values()) {
            if (published.stale() && plan.get(published.key()) != GroupWrite.FULL) {
                oldest = Math.min(oldest, published.filesTime());
            }
        }
        return oldest - sinceOverlapMs;
    }

    /**
     * The time bounds one cut writes its groups' files with, UTC epoch ms.
     *
     * @param latestSince the cut delta's bound: the previous cut's time less the overlap
     * @param recentFloor see {@link #recentFloor}
     * @param recentReach see {@link #recentReach}
     * @param staleFrom   see {@link #staleFrom}
     */
    private record TierBounds(long latestSince, long recentFloor, long recentReach, long staleFrom) {
    }

    /** Writes one group as planned; a group whose changes cannot be written alone is written whole. */
    private PublishedGroup writeGroup(StoreView view, GroupKey group, GroupWrite how, boolean deletionsChanged,
                                      Set<String> known, TierBounds bounds) {
        PublishedGroup published = table.get(group);
        if (how == GroupWrite.CHANGES) {
            long filesTime = published.stale() ? published.filesTime() : bounds.staleFrom();
            // a recent tier bounded at 0 is the group's full files: a group going stale restarts it at the floor
            long recentSince = published.recentSince() > 0
                    ? Math.min(published.recentSince(), bounds.recentFloor()) : bounds.recentFloor();
            Optional<PublishedGroup> changes = writer.writeChanges(view, group, known,
                    Math.max(recentSince, bounds.recentReach()), filesTime, deletionsChanged, published);
            if (changes.isPresent()) {
                return changes.get();
            }
        }
        long recentSince = published == null ? bounds.latestSince()
                : Math.min(published.recentSince(), bounds.latestSince());
        return writer.write(view, group, known, bounds.latestSince(), Math.max(recentSince, bounds.recentReach()),
                published);
    }

    /**
     * @return the oldest bound a recent tier keeps after this cut, UTC epoch ms: the floor (what a client of the full
     * manifest needs), or one refresh interval and the overlap before the previous cut when that is older. A recent
     * tier is rewritten at every cut that touches its group, so a bound kept from long ago made every cut rewrite up
     * to a quarter of every touched group (at 500 changes/s on 1M slots: 200-600 MB per cut, 6-11 s); a client
     * polling less often than the refresh interval is answered with the full manifest instead.
     */
    private long recentReach(long recentFloor, long previousTime) {
        return Math.min(recentFloor, previousTime - fullRefreshIntervalMs - sinceOverlapMs);
    }

    /**
     * Writes the groups on the writer threads (a full publication is CPU-bound: the scan, the lines and a SHA-256 per
     * file; a cut of change files mostly waits for fsyncs or PUTs). On a failure the groups not started are skipped, the running ones finish, and
     * the first failure is thrown.
     *
     * @return each group's files (null: the group is gone)
     */
    private Map<GroupKey, PublishedGroup> writeGroups(StoreView view, Map<GroupKey, GroupWrite> plan,
                                                      Set<GroupKey> deletionGroups, Set<String> known,
                                                      TierBounds bounds) {
        List<GroupKey> order = List.copyOf(plan.keySet());
        PublishedGroup[] files = new PublishedGroup[order.size()];
        if (order.size() == 1) {
            GroupKey group = order.get(0);
            files[0] = writeGroup(view, group, plan.get(group), deletionGroups.contains(group), known, bounds);
        } else if (!order.isEmpty()) {
            AtomicBoolean failed = new AtomicBoolean();
            List<Future<?>> running = new ArrayList<>(order.size());
            for (int i = 0; i < order.size(); i++) {
                int index = i;
                running.add(writers.submit(() -> {
                    if (!failed.get()) {
                        try {
                            GroupKey group = order.get(index);
                            files[index] = writeGroup(view, group, plan.get(group), deletionGroups.contains(group),
                                    known, bounds);
                        } catch (RuntimeException e) {
                            failed.set(true);
                            throw e;
                        }
                    }
                }));
            }
            RuntimeException first = null;
            for (Future<?> future : running) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    if (first == null) {
                        first = cause;
                    } else if (first != cause) {
                        first.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.set(true);
                    if (first == null) {
                        first = new IllegalStateException("interrupted while writing the cut", e);
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
        Map<GroupKey, PublishedGroup> written = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            written.put(order.get(i), files[i]);
        }
        return written;
    }

    /**
     * Deletes files unreferenced for longer than the grace period.
     *
     * @return how many were deleted
     */
    public int deleteExpired() {
        return unreferenced.deleteExpired();
    }

    /** Stops the writer threads and closes the storage client (the files stay). */
    @Override
    public void close() {
        writers.shutdownNow();
        storage.close();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
