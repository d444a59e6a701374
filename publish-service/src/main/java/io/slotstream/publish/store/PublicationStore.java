package io.slotstream.publish.store;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The materialized view of the publication, on disk (RocksDB), so that 10M slots never sit in the heap.
 * <p>
 * Per resource it keeps the rendered NDJSON line, a grouping hint and the <b>change time</b>: the instant the
 * publisher's view changed it (transactionTime semantics, sched-8). Deletions are remembered with their time for
 * {@link #sinceRetention retention}; before that, {@link #horizon()} says how far back {@code _since} can be answered.
 * Column families: {@code current} (resource key -> time, group, line), {@code live_by_time} and
 * {@code deleted_by_time} (time key -> empty, one entry per resource at its last change), {@code deleted} (resource
 * key -> delete time), and the default family for metadata (consumed offsets, horizon, render fingerprint).
 * <p>
 * <b>Clock.</b> Each {@link #apply} gets one change time, strictly greater than every earlier change time and every
 * earlier {@link #cut()} time; so a cut at S holds exactly the changes with time &lt;= S, and {@code _since=S} later
 * returns exactly the changes after it.
 * <p>
 * Thread-safety: apply, cut and prune serialize on one lock; {@link StoreView}s read concurrently.
 */
public final class PublicationStore implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] FINGERPRINT = "fingerprint".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HORIZON = "horizon".getBytes(StandardCharsets.UTF_8);
    private static final String OFFSET_PREFIX = "offset:";

    private final Clock clock;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    final ColumnFamilyHandle current;
    final ColumnFamilyHandle liveByTime;
    final ColumnFamilyHandle deleted;
    final ColumnFamilyHandle deletedByTime;
    private final WriteOptions writeOptions = new WriteOptions();
    private final ReentrantLock lock = new ReentrantLock();

    private long floor;
    private long horizon;
    private boolean dirty = true;

    private PublicationStore(Path dir, Clock clock) throws RocksDBException {
        this.clock = clock;
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        this.cfOptions = new ColumnFamilyOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : List.of("default", "current", "live_by_time", "deleted", "deleted_by_time")) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), cfOptions));
        }
        this.handles = new ArrayList<>();
        this.db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        this.meta = handles.get(0);
        this.current = handles.get(1);
        this.liveByTime = handles.get(2);
        this.deleted = handles.get(3);
        this.deletedByTime = handles.get(4);
    }

    /**
     * Opens (or creates) the store in {@code dir}. A store written with another render fingerprint (the published
     * JSON would differ, e.g. a new default patient type) is wiped and rebuilt from the topics.
     *
     * @param fingerprint identifies how lines were rendered; any String
     * @throws UncheckedIOException when RocksDB cannot open the directory
     */
    public static PublicationStore open(Path dir, String fingerprint, Clock clock) {
        try {
            Files.createDirectories(dir);
            PublicationStore store = new PublicationStore(dir, clock);
            byte[] stored = store.db.get(store.meta, FINGERPRINT);
            if (stored != null && !Arrays.equals(stored, fingerprint.getBytes(StandardCharsets.UTF_8))) {
                store.close();
                deleteTree(dir);
                Files.createDirectories(dir);
                store = new PublicationStore(dir, clock);
            }
            store.initialise(fingerprint);
            return store;
        } catch (RocksDBException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot open the publication store in " + dir, e));
        }
    }

    private void initialise(String fingerprint) throws RocksDBException {
        db.put(meta, FINGERPRINT, fingerprint.getBytes(StandardCharsets.UTF_8));
        byte[] storedHorizon = db.get(meta, HORIZON);
        if (storedHorizon == null) {
            // A new store knows no deletion from before it existed: older _since gets the full publication.
            horizon = clock.millis();
            db.put(meta, HORIZON, StoreKeys.longBytes(horizon));
        } else {
            horizon = StoreKeys.longValue(storedHorizon);
        }
        floor = Math.max(horizon, maxTime(liveByTime, deletedByTime));
    }

    private long maxTime(ColumnFamilyHandle... families) {
        long max = 0;
        for (ColumnFamilyHandle family : families) {
            try (RocksIterator it = db.newIterator(family)) {
                it.seekToLast();
                if (it.isValid()) {
                    max = Math.max(max, StoreKeys.timeOf(it.key()));
                }
            }
        }
        return max;
    }

    /**
     * Applies the changes atomically, with the consumed offsets (so a restart resumes exactly after them). Within the
     * list the last change of a key wins. An upsert identical to the stored line is no change (replays keep change
     * times); a delete of an unknown resource is ignored.
     *
     * @param offsets consumed position per {@code topic:partition}, stored with the batch; may be empty
     * @return the change time given to the batch, or -1 when nothing changed
     */
    public long apply(List<StoreChange> changes, Map<String, Long> offsets) {
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            long time = Math.max(clock.millis(), floor + 1);
            Map<String, StoreChange> lastPerKey = new LinkedHashMap<>();
            for (StoreChange change : changes) {
                lastPerKey.put(change.type().tag() + ":" + change.id(), change);
            }
            boolean changed = false;
            for (StoreChange change : lastPerKey.values()) {
                changed |= change.isDelete() ? delete(batch, change, time) : upsert(batch, change, time);
            }
            for (Map.Entry<String, Long> offset : offsets.entrySet()) {
                batch.put(meta, (OFFSET_PREFIX + offset.getKey()).getBytes(StandardCharsets.UTF_8),
                        StoreKeys.longBytes(offset.getValue()));
            }
            db.write(writeOptions, batch);
            if (!changed) {
                return -1;
            }
            floor = time;
            dirty = true;
            return time;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the publication store", e);
        } finally {
            lock.unlock();
        }
    }

    private boolean upsert(WriteBatch batch, StoreChange change, long time) throws RocksDBException {
        byte[] key = StoreKeys.resourceKey(change.type(), change.id());
        byte[] old = db.get(current, key);
        if (old != null) {
            StoredResource previous = StoreKeys.decode(key, old);
            if (previous.group().equals(change.group()) && Arrays.equals(previous.line(), change.line())) {
                return false;
            }
            batch.delete(liveByTime, StoreKeys.timeKey(previous.changeTime(), key));
        }
        byte[] tombstone = db.get(deleted, key);
        if (tombstone != null) {
            batch.delete(deletedByTime, StoreKeys.timeKey(StoreKeys.longValue(tombstone), key));
            batch.delete(deleted, key);
        }
        batch.put(current, key, StoreKeys.currentValue(time, change.group(), change.line()));
        batch.put(liveByTime, StoreKeys.timeKey(time, key), EMPTY);
        return true;
    }

    private boolean delete(WriteBatch batch, StoreChange change, long time) throws RocksDBException {
        byte[] key = StoreKeys.resourceKey(change.type(), change.id());
        byte[] old = db.get(current, key);
        if (old == null) {
            return false;
        }
        batch.delete(current, key);
        batch.delete(liveByTime, StoreKeys.timeKey(StoreKeys.longValue(old), key));
        batch.put(deleted, key, StoreKeys.longBytes(time));
        batch.put(deletedByTime, StoreKeys.timeKey(time, key), EMPTY);
        return true;
    }

    /** @return the stored offsets per {@code topic:partition} */
    public Map<String, Long> offsets() {
        Map<String, Long> offsets = new HashMap<>();
        byte[] prefix = OFFSET_PREFIX.getBytes(StandardCharsets.UTF_8);
        try (RocksIterator it = db.newIterator(meta)) {
            for (it.seek(prefix); it.isValid(); it.next()) {
                String key = new String(it.key(), StandardCharsets.UTF_8);
                if (!key.startsWith(OFFSET_PREFIX)) {
                    break;
                }
                offsets.put(key.substring(OFFSET_PREFIX.length()), StoreKeys.longValue(it.value()));
            }
        }
        return offsets;
    }

    /** @return whether anything changed since the last {@link #cut()} (true before the first cut) */
    public boolean changedSinceLastCut() {
        lock.lock();
        try {
            return dirty;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cuts a consistent point-in-time view (a RocksDB snapshot). Its transaction time S is at least every change time
     * in it, and every later change gets a time after S. The caller owns the view and must close it.
     */
    public StoreView cut() {
        lock.lock();
        try {
            long transactionTime = Math.max(clock.millis(), floor);
            floor = transactionTime;
            dirty = false;
            return new StoreView(this, db, db.getSnapshot(), transactionTime, horizon);
        } finally {
            lock.unlock();
        }
    }

    /** Marks the store changed again: the view of the last {@link #cut()} could not be published. */
    public void markDirty() {
        lock.lock();
        try {
            dirty = true;
        } finally {
            lock.unlock();
        }
    }

    /** @return the earliest {@code _since} the store can answer incrementally, UTC epoch ms */
    public long horizon() {
        lock.lock();
        try {
            return horizon;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets deletions older than {@code now - retention} and moves the horizon there.
     *
     * @return how many deletions were forgotten
     */
    public int pruneDeletions(java.time.Duration retention) {
        lock.lock();
        try (WriteBatch batch = new WriteBatch(); RocksIterator it = db.newIterator(deletedByTime)) {
            long cutoff = clock.millis() - retention.toMillis();
            if (cutoff <= horizon) {
                return 0;
            }
            int pruned = 0;
            for (it.seekToFirst(); it.isValid() && StoreKeys.timeOf(it.key()) < cutoff; it.next()) {
                batch.delete(deletedByTime, it.key());
                batch.delete(deleted, StoreKeys.resourceKeyOfTimeKey(it.key()));
                pruned++;
            }
            batch.put(meta, HORIZON, StoreKeys.longBytes(cutoff));
            db.write(writeOptions, batch);
            horizon = cutoff;
            return pruned;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot prune the publication store", e);
        } finally {
            lock.unlock();
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
