package io.slotstream.publish.store;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A consistent point-in-time view of the {@link PublicationStore} (a RocksDB snapshot): what publication S holds.
 * Reads stream from disk. Thread-safe; {@link #close()} waits for running reads and makes later reads fail.
 */
public final class StoreView implements AutoCloseable {

    private final PublicationStore store;
    private final RocksDB db;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final long transactionTime;
    private final long horizon;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    StoreView(PublicationStore store, RocksDB db, Snapshot snapshot, long transactionTime, long horizon) {
        this.store = store;
        this.db = db;
        this.snapshot = snapshot;
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
        this.transactionTime = transactionTime;
        this.horizon = horizon;
    }

    /** @return S: every change with a time &lt;= S is in this view, none after; UTC epoch ms */
    public long transactionTime() {
        return transactionTime;
    }

    /** @return the earliest {@code _since} this view can answer incrementally, UTC epoch ms */
    public long horizon() {
        return horizon;
    }

    /** Streams every resource of the type, in id byte order. */
    public void forEach(ResourceType type, Consumer<StoredResource> action) {
        read(() -> {
            try (RocksIterator it = db.newIterator(store.current, readOptions)) {
                for (it.seek(new byte[]{type.tag()}); it.isValid() && it.key()[0] == type.tag(); it.next()) {
                    action.accept(StoreKeys.decode(it.key(), it.value()));
                }
            }
        });
    }

    /**
     * Streams the changes with a change time after {@code since}: the resources as they are in this view, then the
     * deletions. Only meaningful for {@code since >= horizon()}.
     *
     * @param since     exclusive lower bound, UTC epoch ms
     * @param upserts   receives each resource changed (created or updated) after {@code since}
     * @param deletions receives each resource deleted after {@code since} (and not re-created)
     */
    public void changesSince(long since, Consumer<StoredResource> upserts, Consumer<StoredResource> deletions) {
        read(() -> {
            byte[] from = StoreKeys.timeFloor(since + 1);
            try (RocksIterator it = db.newIterator(store.liveByTime, readOptions)) {
                for (it.seek(from); it.isValid(); it.next()) {
                    byte[] key = StoreKeys.resourceKeyOfTimeKey(it.key());
                    byte[] value = getOrFail(store.current, key);
                    upserts.accept(StoreKeys.decode(key, value));
                }
            }
            try (RocksIterator it = db.newIterator(store.deletedByTime, readOptions)) {
                for (it.seek(from); it.isValid(); it.next()) {
                    byte[] key = StoreKeys.resourceKeyOfTimeKey(it.key());
                    deletions.accept(new StoredResource(StoreKeys.typeOf(key), StoreKeys.idOf(key),
                            StoreKeys.timeOf(it.key()), "", new byte[0]));
                }
            }
        });
    }

    private byte[] getOrFail(org.rocksdb.ColumnFamilyHandle family, byte[] key) {
        try {
            byte[] value = db.get(family, readOptions, key);
            if (value == null) {
                throw new IllegalStateException("store index points at a missing resource " + StoreKeys.idOf(key));
            }
            return value;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the publication store", e);
        }
    }

    private void read(Runnable reading) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store view " + transactionTime + " is closed");
            }
            reading.run();
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
