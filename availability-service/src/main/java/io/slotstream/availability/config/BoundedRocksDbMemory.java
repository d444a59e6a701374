package io.slotstream.availability.config;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import org.springframework.util.unit.DataSize;

import java.util.Map;

/**
 * Bounds the native memory of every RocksDB store in this JVM (both Kafka Streams applications, every partition) by
 * one shared LRU block cache that also accounts for the memtables, index and filter blocks. Kafka Streams' default
 * gives each store its own 50 MB cache and three 16 MB memtables, so the native memory grows with stores × partitions
 * (the 30-minute soak in docs/benchmarks.md saw availability-service's RSS grow by 680 MB while its heap stayed flat).
 * This is the recipe of Kafka Streams' memory-management guide ("Bounded memory usage", RocksDB).
 *
 * <p>Sizes come from the Streams configuration (application.yml {@code slotstream.streams.rocksdb.*}):
 * {@value #TOTAL_BYTES} (bytes, default 256 MiB) for the shared cache, of which {@value #MEMTABLE_BYTES} (bytes,
 * default 64 MiB) may be memtables. They are read once, by the first store opened; later stores share that cache.
 * Sizes are bytes or Spring data sizes ({@code 256MB}). A value that is not a positive size fails the store's opening with an {@link IllegalArgumentException}.
 */
public class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams configuration key: the shared cache's capacity in bytes (memtables included). */
    public static final String TOTAL_BYTES = "slotstream.rocksdb.total-bytes";
    /** Streams configuration key: the part of the cache memtables may use, in bytes. */
    public static final String MEMTABLE_BYTES = "slotstream.rocksdb.memtable-bytes";

    private static final long DEFAULT_TOTAL_BYTES = 256L << 20;
    private static final long DEFAULT_MEMTABLE_BYTES = 64L << 20;
    /** Index and filter blocks get this share of the cache at high priority, so data blocks cannot evict them. */
    private static final double INDEX_FILTER_RATIO = 0.1;
    private static final long BLOCK_SIZE = 16L << 10;
    /**
     * SST block compression. Kafka Streams turns it off; with LZ4 the view's state at 1M slots shrank from 2.4 to
     * 1.0 GB (docs/benchmarks.md, {@code freshness}: Avro values with repeated references, codes and URLs), so more of
     * it stays in the OS page cache, and a point read, which blocks the stream thread, waits for the disk less often
     * (at 500 changes/s: 56-92 MB read from disk per two-minute run instead of 365-582 MB).
     */
    static final CompressionType COMPRESSION = CompressionType.LZ4_COMPRESSION;
    /**
     * Memtable arena block, bytes. RocksDB's default (min(1 MiB, write buffer / 8)) is allocated by every memtable on
     * its first write, so the ~130 stores of this JVM (stores × partitions, both applications) would hold more than
     * the shared memtable budget while nearly empty; the write buffer manager is then permanently over its limit and
     * flushes the written store's memtable on every write: a storm of tiny flushes and compactions that took a fifth
     * to a half of availability-service's CPU under load (docs/benchmarks.md, freshness).
     */
    static final long ARENA_BLOCK_BYTES = 64L << 10;

    private static Shared shared;

    /** The one cache and write buffer manager of the JVM, with the sizes they were made with (bytes). */
    record Shared(Cache cache, WriteBufferManager writeBuffers, long totalBytes, long memtableBytes) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        apply(shared(configs), options);
    }

    /** Points one store's options at the shared cache and write buffer manager. */
    static void apply(Shared memory, Options options) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
        options.setCompressionType(COMPRESSION);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared by every store of the JVM: never closed per store
    }

    /** The capacity of the shared cache in bytes, once a store has been opened (else -1). */
    public static synchronized long capacityBytes() {
        return shared == null ? -1 : shared.totalBytes();
    }

    /** What the shared cache holds now in bytes (blocks, memtables, pinned entries), or -1 before a store opened. */
    public static synchronized long usageBytes() {
        return shared == null ? -1 : shared.cache().getUsage();
    }

    private static synchronized Shared shared(Map<String, Object> configs) {
        if (shared == null) {
            shared = create(configs);
        }
        return shared;
    }

    /** Makes a cache and write buffer manager from the configuration; {@link IllegalArgumentException} on bad sizes. */
    static Shared create(Map<String, Object> configs) {
        long total = positive(configs, TOTAL_BYTES, DEFAULT_TOTAL_BYTES);
        long memtables = positive(configs, MEMTABLE_BYTES, DEFAULT_MEMTABLE_BYTES);
        if (memtables > total) {
            throw new IllegalArgumentException(MEMTABLE_BYTES + " (" + memtables + ") must not exceed "
                    + TOTAL_BYTES + " (" + total + ")");
        }
        Cache cache = new LRUCache(total, -1, false, INDEX_FILTER_RATIO);
        return new Shared(cache, new WriteBufferManager(memtables, cache), total, memtables);
    }

    private static long positive(Map<String, Object> configs, String key, long fallback) {
        Object value = configs.get(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            long bytes = DataSize.parse(value.toString().trim()).toBytes();
            if (bytes > 0) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new IllegalArgumentException(key + " must be a positive size (bytes, or e.g. 256MB), got '" + value + "'");
    }
}
