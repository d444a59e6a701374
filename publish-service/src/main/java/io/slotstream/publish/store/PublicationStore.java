package io.slotstream.publish.store;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The materialized publication on disk (RocksDB), laid out by file group so that a cut rewrites only the groups that
 * changed: one changed slot at 10M slots costs one group range scan, not a pass over the store.
 * <p>
 * Per resource it keeps the rendered NDJSON line and its <b>change time</b>: the input's time (the Kafka record
 * timestamp), raised to the newest change time applied before it, so change times never decrease in apply order and a
 * change applied after a cut at S has a time &gt;= S. The newest change time, the transaction time of a cut, is thus
 * the newest record timestamp consumed: every replica fed the same records has the same one and the same content,
 * whatever order it consumed the partitions in. Deletions are kept as tombstones in their group until {@code since-retention} before the
 * newest change; that bound is the {@linkplain StoreCut#horizon() horizon} of {@code _since}.
 * <p>
 * Column families: {@code members} and {@code tombstones} (group prefix + id), {@code changes} (group prefix + change
 * time + id: a group's resources changed since a time without scanning the group), {@code locator} (resource -> group,
 * live or deleted), {@code tombstones_by_time} (for pruning), {@code dirty} (groups changed since the last published
 * cut), {@code published} (the published group table, opaque to the store), and the default family for metadata
 * (partition positions, newest change time, render fingerprint). Nothing of the data is in the heap except the set
 * of dirty groups.
 * <p>
 * Thread-safety: apply, cut and commit serialize on one lock; {@link StoreView}s read concurrently.
 */
public final class PublicationStore implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] FINGERPRINT = bytes("fingerprint");
    private static final byte[] MAX_CHANGE_TIME = bytes("max-change-time");
    private static final byte[] PUBLISHED_TIME = bytes("published-time");
    private static final byte[] PUBLISHED_DELTA = bytes("published-delta");
    private static final String POSITION_PREFIX = "position:";
    private static final List<String> FAMILIES = List.of("default", "members", "locator", "tombstones",
            "tombstones_by_time", "dirty", "published", "changes");

    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    final ColumnFamilyHandle members;
    private final ColumnFamilyHandle locator;
    final ColumnFamilyHandle tombstones;
    private final ColumnFamilyHandle tombstonesByTime;
    private final ColumnFamilyHandle dirtyFamily;
    private final ColumnFamilyHandle published;
    final ColumnFamilyHandle changes;
    private final WriteOptions writeOptions = new WriteOptions();
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<GroupKey> dirty = new HashSet<>();
    /** The dirty groups whose remembered deletions changed too; after a restart, every dirty group (not persisted). */
    private final Set<GroupKey> deletionsDirty = new HashSet<>();
    /** The dirty groups a resource moved out of; after a restart, every dirty group (not persisted). */
    private final Set<GroupKey> movedFrom = new HashSet<>();

    private long maxChangeTime;
    /**
     * The oldest change time applied since the last cut, UTC epoch ms; {@link Long#MAX_VALUE} when none. After a
     * restart with dirty groups it is unknown and taken as the last published cut's time (no change applied after a
     * cut is older).
     */
    private long firstChangeTime = Long.MAX_VALUE;

    private PublicationStore(Path dir) throws RocksDBException {
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2);
        // Bloom filters: most upserts of a bulk load look up a locator that does not exist yet.
        this.cfOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(64L * 1024 * 1024)
                .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10)));
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : FAMILIES) {
            descriptors.add(new ColumnFamilyDescriptor(bytes(name), cfOptions));
        }
        this.handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.meta = handles.get(0);
        this.members = handles.get(1);
        this.locator = handles.get(2);
        this.tombstones = handles.get(3);
        this.tombstonesByTime = handles.get(4);
        this.dirtyFamily = handles.get(5);
        this.published = handles.get(6);
        this.changes = handles.get(7);
    }

    /**
     * Opens (or creates) the store in {@code dir}. A store written with another fingerprint (another store layout,
     * or lines that would render differently, e.g. a new default patient type) is wiped and rebuilt from the topics.
     *
     * @param fingerprint identifies the layout and how lines were rendered; any String
     * @throws UncheckedIOException when RocksDB cannot open the directory
     */
    public static PublicationStore open(Path dir, String fingerprint) {
        try {
            Files.createDirectories(dir);
            PublicationStore store = new PublicationStore(dir);
            byte[] stored = store.db.get(store.meta, FINGERPRINT);
            if (stored != null && !Arrays.equals(stored, bytes(fingerprint))) {
                store.close();
                deleteTree(dir);
                Files.createDirectories(dir);
                store = new PublicationStore(dir);
            }
            store.initialise(fingerprint);
            return store;
        } catch (RocksDBException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot open the publication store in " + dir, e));
        }
    }

    private void initialise(String fingerprint) throws RocksDBException {
        db.put(meta, FINGERPRINT, bytes(fingerprint));
        byte[] max = db.get(meta, MAX_CHANGE_TIME);
        maxChangeTime = max == null ? 0 : StoreKeys.timeOf(max);
        try (RocksIterator it = db.newIterator(dirtyFamily)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                dirty.add(GroupKey.of(it.key()));
            }
            deletionsDirty.addAll(dirty);
            movedFrom.addAll(dirty);
        }
        if (!dirty.isEmpty()) {
            firstChangeTime = Math.max(0, publishedTime());
        }
    }

    /**
     * Applies the changes atomically, with the partition positions (so a restart resumes exactly after them). Within
     * the list the last change of a resource wins. An upsert identical to the stored line in the same group is no
     * change (replays keep change times); a delete of an unknown or deleted resource is ignored. Every group whose
     * content changed becomes dirty.
     *
     * @param changes   in consumption order; each time is raised to the newest change time before it
     * @param positions consumed position per {@code topic:partition}, stored with the batch; may be empty
     * @return whether anything changed
     */
    public boolean apply(List<TimedChange> changes, Map<String, PartitionPosition> positions) {
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            Map<String, TimedChange> lastPerKey = new LinkedHashMap<>();
            for (TimedChange timed : changes) {
                lastPerKey.put(timed.change().type().tag() + ":" + timed.change().id(), timed);
            }
            Set<GroupKey> touched = new HashSet<>();
            Set<GroupKey> touchedDeletions = new HashSet<>();
            long newest = maxChangeTime;
            long first = firstChangeTime;
            for (TimedChange timed : lastPerKey.values()) {
                // Never before an earlier change: a record arriving after a cut at S gets a time >= S.
                TimedChange at = new TimedChange(timed.change(), Math.max(timed.time(), newest));
                boolean changed = at.change().isDelete() ? delete(batch, at, touched, touchedDeletions)
                        : upsert(batch, at, touched, touchedDeletions);
                if (changed) {
                    newest = at.time();
                    first = Math.min(first, at.time());
                }
            }
            for (Map.Entry<String, PartitionPosition> position : positions.entrySet()) {
                batch.put(meta, bytes(POSITION_PREFIX + position.getKey()), StoreKeys.positionBytes(position.getValue()));
            }
            for (GroupKey group : touched) {
                batch.put(dirtyFamily, group.bytes(), EMPTY);
            }
            if (newest != maxChangeTime) {
                batch.put(meta, MAX_CHANGE_TIME, StoreKeys.longBytes(newest));
            }
            db.write(writeOptions, batch);
            maxChangeTime = newest;
            firstChangeTime = first;
            dirty.addAll(touched);
            deletionsDirty.addAll(touchedDeletions);
            return !touched.isEmpty();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the publication store", e);
        } finally {
            lock.unlock();
        }
    }

    private boolean upsert(WriteBatch batch, TimedChange timed, Set<GroupKey> touched, Set<GroupKey> touchedDeletions)
            throws RocksDBException {
        StoreChange change = timed.change();
        GroupKey group = new GroupKey(change.type(), change.group());
        byte[] locatorKey = StoreKeys.locatorKey(change.type(), change.id());
        byte[] located = db.get(locator, locatorKey);
        if (located != null) {
            GroupKey old = new GroupKey(change.type(), StoreKeys.groupOfLocator(located));
            byte[] oldKey = StoreKeys.memberKey(old, change.id());
            if (located[0] == StoreKeys.LIVE) {
                byte[] value = db.get(members, oldKey);
                if (old.equals(group) && value != null && StoreKeys.sameLine(value, change.line())) {
                    return false;
                }
                if (value != null) {
                    batch.delete(changes, StoreKeys.changeKey(old, StoreKeys.timeOf(value), change.id()));
                }
                if (!old.equals(group)) {
                    batch.delete(members, oldKey);
                    touched.add(old);
                    movedFrom.add(old);
                }
            } else {
                byte[] tombstone = db.get(tombstones, oldKey);
                if (tombstone != null) {
                    batch.delete(tombstones, oldKey);
                    batch.delete(tombstonesByTime, StoreKeys.timeKey(StoreKeys.timeOf(tombstone), locatorKey));
                    touchedDeletions.add(old);
                }
                touched.add(old);
            }
        }
        batch.put(members, StoreKeys.memberKey(group, change.id()), StoreKeys.memberValue(timed.time(), change.line()));
        batch.put(changes, StoreKeys.changeKey(group, timed.time(), change.id()), EMPTY);
        batch.put(locator, locatorKey, StoreKeys.locatorValue(StoreKeys.LIVE, change.group()));
        touched.add(group);
        return true;
    }

    private boolean delete(WriteBatch batch, TimedChange timed, Set<GroupKey> touched, Set<GroupKey> touchedDeletions)
            throws RocksDBException {
        StoreChange change = timed.change();
        byte[] locatorKey = StoreKeys.locatorKey(change.type(), change.id());
        byte[] located = db.get(locator, locatorKey);
        if (located == null || located[0] != StoreKeys.LIVE) {
            return false;
        }
        GroupKey group = new GroupKey(change.type(), StoreKeys.groupOfLocator(located));
        byte[] key = StoreKeys.memberKey(group, change.id());
        byte[] value = db.get(members, key);
        if (value != null) {
            batch.delete(changes, StoreKeys.changeKey(group, StoreKeys.timeOf(value), change.id()));
        }
        batch.delete(members, key);
        batch.put(tombstones, key, StoreKeys.longBytes(timed.time()));
        batch.put(tombstonesByTime, StoreKeys.timeKey(timed.time(), locatorKey), group.bytes());
        batch.put(locator, locatorKey, StoreKeys.locatorValue(StoreKeys.DELETED, group.group()));
        touched.add(group);
        touchedDeletions.add(group);
        return true;
    }

    /** @return the stored position per {@code topic:partition} */
    public Map<String, PartitionPosition> positions() {
        Map<String, PartitionPosition> positions = new HashMap<>();
        byte[] prefix = bytes(POSITION_PREFIX);
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                String key = new String(it.key(), StandardCharsets.UTF_8);
                if (!key.startsWith(POSITION_PREFIX)) {
                    break;
                }
                positions.put(key.substring(POSITION_PREFIX.length()), StoreKeys.position(it.value()));
            }
        }
        return positions;
    }

    /** @return the newest change time in the store, UTC epoch ms; 0 for an empty store */
    public long maxChangeTime() {
        lock.lock();
        try {
            return maxChangeTime;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether some group changed since the last committed cut */
    public boolean hasDirtyGroups() {
        lock.lock();
        try {
            return !dirty.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cuts a consistent point-in-time view (a RocksDB snapshot) with the groups to rewrite. First forgets the
     * deletions at or before {@code transactionTime - sinceRetention} (their groups become dirty: their deletion files
     * change), so a cut's content and horizon depend only on the input. The caller writes the groups and then calls
     * {@link #commit} or {@link #abandon}, and closes the view.
     */
    public StoreCut cut(Duration sinceRetention) {
        lock.lock();
        try {
            long transactionTime = maxChangeTime;
            long horizon = Math.max(0, transactionTime - Math.min(sinceRetention.toMillis(), transactionTime));
            prune(horizon);
            Set<GroupKey> groups = new TreeSet<>(dirty);
            Set<GroupKey> deletionGroups = new TreeSet<>(deletionsDirty);
            Set<GroupKey> movedFromGroups = new TreeSet<>(movedFrom);
            long firstChange = Math.min(firstChangeTime, transactionTime);
            firstChangeTime = Long.MAX_VALUE;
            dirty.clear();
            deletionsDirty.clear();
            movedFrom.clear();
            StoreView view = new StoreView(this, db, db.getSnapshot());
            return new StoreCut(view, groups, deletionGroups, movedFromGroups, firstChange, transactionTime, horizon);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot prune the publication store", e);
        } finally {
            lock.unlock();
        }
    }

    private void prune(long horizon) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(tombstonesByTime)) {
            Set<GroupKey> touched = new HashSet<>();
            for (it.seekToFirst(); it.isValid() && StoreKeys.timeOf(it.key()) <= horizon; it.next()) {
                byte[] locatorKey = StoreKeys.locatorKeyOfTimeKey(it.key());
                GroupKey group = GroupKey.of(it.value());
                String id = new String(locatorKey, 1, locatorKey.length - 1, StandardCharsets.UTF_8);
                batch.delete(tombstonesByTime, it.key());
                batch.delete(tombstones, StoreKeys.memberKey(group, id));
                batch.delete(locator, locatorKey);
                touched.add(group);
            }
            if (touched.isEmpty()) {
                return;
            }
            touched.forEach(group -> put(batch, dirtyFamily, group.bytes(), EMPTY));
            db.write(writeOptions, batch);
            dirty.addAll(touched);
            deletionsDirty.addAll(touched);
        }
    }

    /**
     * Records a published cut: its group table entries (null value = the group is gone), its cut delta and, for each
     * of its groups not changed again since, that it is clean. Atomic.
     *
     * @param delta the cut's delta as the publisher serializes it
     */
    public void commit(StoreCut cut, Map<GroupKey, byte[]> entries, byte[] delta) {
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            for (GroupKey group : cut.groups()) {
                if (!dirty.contains(group)) {
                    batch.delete(dirtyFamily, group.bytes());
                }
            }
            for (Map.Entry<GroupKey, byte[]> entry : entries.entrySet()) {
                if (entry.getValue() == null) {
                    batch.delete(published, entry.getKey().bytes());
                } else {
                    batch.put(published, entry.getKey().bytes(), entry.getValue());
                }
            }
            batch.put(meta, PUBLISHED_TIME, StoreKeys.longBytes(cut.transactionTime()));
            batch.put(meta, PUBLISHED_DELTA, delta);
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot record the published cut", e);
        } finally {
            lock.unlock();
        }
    }

    /** Marks the cut's groups dirty again: it could not be published. */
    public void abandon(StoreCut cut) {
        lock.lock();
        try {
            dirty.addAll(cut.groups());
            deletionsDirty.addAll(cut.deletionGroups());
            movedFrom.addAll(cut.movedFromGroups());
            firstChangeTime = Math.min(firstChangeTime, cut.firstChangeTime());
        } finally {
            lock.unlock();
        }
    }

    /** @return the group table of the last committed cut, in group order; empty before the first */
    public TreeMap<GroupKey, byte[]> publishedGroups() {
        TreeMap<GroupKey, byte[]> groups = new TreeMap<>();
        try (RocksIterator it = db.newIterator(published)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                groups.put(GroupKey.of(it.key()), it.value());
            }
        }
        return groups;
    }

    /** @return the transaction time of the last committed cut, or -1 before the first */
    public long publishedTime() {
        byte[] value = readMeta(PUBLISHED_TIME);
        return value == null ? -1 : StoreKeys.timeOf(value);
    }

    /** @return the cut delta of the last committed cut as committed, or null (before the first, or a store older than it) */
    public byte[] publishedDelta() {
        return readMeta(PUBLISHED_DELTA);
    }

    private byte[] readMeta(byte[] key) {
        try {
            return db.get(meta, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the publication store", e);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            dbOptions.close();
            cfOptions.close();
        } finally {
            lock.unlock();
        }
    }

    private static void put(WriteBatch batch, ColumnFamilyHandle family, byte[] key, byte[] value) {
        try {
            batch.put(family, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
