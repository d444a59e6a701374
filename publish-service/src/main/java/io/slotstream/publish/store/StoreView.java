package io.slotstream.publish.store;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A consistent point-in-time view of the {@link PublicationStore} (a RocksDB snapshot). Reads are key-ordered range
 * scans of one group, streamed from disk. Thread-safe; {@link #close()} waits for running reads and makes later reads
 * fail.
 */
public final class StoreView implements AutoCloseable {

    /** Receives one resource of a group. */
    @FunctionalInterface
    public interface MemberVisitor {
        /**
         * @param time   change time, UTC epoch ms
         * @param value  buffer holding the line from {@code offset} to its end (minified JSON, UTF-8, no newline)
         */
        void member(long time, byte[] value, int offset);
    }

    /** Receives one deletion of a group. */
    @FunctionalInterface
    public interface TombstoneVisitor {
        /** @param time delete time, UTC epoch ms */
        void tombstone(String id, long time);
    }

    private final PublicationStore store;
    private final RocksDB db;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    StoreView(PublicationStore store, RocksDB db, Snapshot snapshot) {
        this.store = store;
        this.db = db;
        this.snapshot = snapshot;
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    /** Streams the group's resources in id byte order. */
    public void members(GroupKey group, MemberVisitor visitor) {
        scan(store.members, group, StoreKeys.groupPrefix(group),
                (key, value, prefixLength) -> visitor.member(StoreKeys.timeOf(value), value, 8));
    }

    /**
     * Streams the group's resources changed at or after {@code since} (UTC epoch ms), in change time order, from the
     * change-time index: the cost follows the changes, not the group's size.
     */
    public void changedMembers(GroupKey group, long since, MemberVisitor visitor) {
        scan(store.changes, group, StoreKeys.changeKeyFrom(group, Math.max(0, since)), (key, value, prefixLength) -> {
            byte[] member = get(store.members, StoreKeys.memberKeyOfChange(key, prefixLength));
            if (member != null) {
                visitor.member(StoreKeys.timeOf(member), member, 8);
            }
        });
    }

    /** Streams the group's remembered deletions in id byte order. */
    public void tombstones(GroupKey group, TombstoneVisitor visitor) {
        scan(store.tombstones, group, StoreKeys.groupPrefix(group), (key, value, prefixLength) ->
                visitor.tombstone(StoreKeys.idOfMember(key, prefixLength), StoreKeys.timeOf(value)));
    }

    private interface Entry {
        void accept(byte[] key, byte[] value, int prefixLength);
    }

    /** Called under the read lock of a scan. */
    private byte[] get(ColumnFamilyHandle family, byte[] key) {
        try {
            return db.get(family, readOptions, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the publication store", e);
        }
    }

    /** Streams the group's entries of the family from {@code start} (a key with the group's prefix) to its end. */
    private void scan(ColumnFamilyHandle family, GroupKey group, byte[] start, Entry entry) {
        byte[] prefix = StoreKeys.groupPrefix(group);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store view is closed");
            }
            try (RocksIterator it = db.newIterator(family, readOptions)) {
                for (it.seek(start); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                        break;
                    }
                    entry.accept(key, it.value(), prefix.length);
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Releases the RocksDB snapshot. Idempotent. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                db.releaseSnapshot(snapshot);
                readOptions.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
