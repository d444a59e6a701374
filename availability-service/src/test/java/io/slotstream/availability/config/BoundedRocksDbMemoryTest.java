package io.slotstream.availability.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedRocksDbMemoryTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void sizesAreReadAsBytesOrDataSizes() {
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.create(Map.of(
                BoundedRocksDbMemory.TOTAL_BYTES, "128MB", BoundedRocksDbMemory.MEMTABLE_BYTES, "1048576"));
        assertThat(shared.totalBytes()).isEqualTo(128L << 20);
        assertThat(shared.memtableBytes()).isEqualTo(1L << 20);
        assertThat(shared.writeBuffers().allowStall()).isFalse();
    }

    @Test
    void defaultsWhenUnset() {
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.create(Map.of());
        assertThat(shared.totalBytes()).isEqualTo(256L << 20);
        assertThat(shared.memtableBytes()).isEqualTo(64L << 20);
    }

    @Test
    void badSizesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> BoundedRocksDbMemory.create(Map.of(BoundedRocksDbMemory.TOTAL_BYTES, "lots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(BoundedRocksDbMemory.TOTAL_BYTES);
        assertThatThrownBy(() -> BoundedRocksDbMemory.create(Map.of(BoundedRocksDbMemory.TOTAL_BYTES, "0")))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> BoundedRocksDbMemory.create(Map.of(
                BoundedRocksDbMemory.TOTAL_BYTES, "1MB", BoundedRocksDbMemory.MEMTABLE_BYTES, "2MB")))
                .hasMessageContaining("must not exceed");
    }

    @Test
    void everyStoreSharesOneCacheAndWriteBufferManager() {
        // through apply, not setConfig: the JVM-wide cache stays unset for the application tests of this fork
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.create(Map.of(
                BoundedRocksDbMemory.TOTAL_BYTES, "32MB", BoundedRocksDbMemory.MEMTABLE_BYTES, "8MB"));
        try (Options first = new Options(); Options second = new Options()) {
            first.setTableFormatConfig(new BlockBasedTableConfig());
            second.setTableFormatConfig(new BlockBasedTableConfig());
            BoundedRocksDbMemory.apply(shared, first);
            BoundedRocksDbMemory.apply(shared, second);

            assertThat(first.writeBufferManager()).isNotNull().isSameAs(second.writeBufferManager())
                    .isSameAs(shared.writeBuffers());
            BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(first.compressionType()).isEqualTo(CompressionType.LZ4_COMPRESSION);
            assertThat(shared.cache().getUsage()).isGreaterThanOrEqualTo(0);
        }
    }

    /**
     * Many nearly empty stores (as many as the service opens) under one small memtable budget: each write must go
     * into a memtable, not trigger a flush. With RocksDB's default arena block every first write reserves about
     * 1 MiB, the budget is exceeded and each later write flushes its store.
     */
    @Test
    void manySmallStoresStayInTheirMemtablesUnderTheSharedBudget(@TempDir Path dir) throws Exception {
        BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.create(Map.of(
                BoundedRocksDbMemory.TOTAL_BYTES, "64MB", BoundedRocksDbMemory.MEMTABLE_BYTES, "16MB"));
        List<RocksDB> stores = new ArrayList<>();
        List<Options> options = new ArrayList<>();
        try {
            for (int i = 0; i < 130; i++) {
                Options o = new Options().setCreateIfMissing(true).setWriteBufferSize(16L << 20);
                o.setTableFormatConfig(new BlockBasedTableConfig());
                BoundedRocksDbMemory.apply(shared, o);
                options.add(o);
                stores.add(RocksDB.open(o, dir.resolve("store-" + i).toString()));
            }
            for (int round = 0; round < 20; round++) {
                for (RocksDB store : stores) {
                    store.put(("key-" + round).getBytes(StandardCharsets.UTF_8), new byte[100]);
                }
            }
            long tables = 0;
            for (RocksDB store : stores) {
                tables += Long.parseLong(store.getProperty("rocksdb.num-files-at-level0"));
            }
            assertThat(tables).as("SST files flushed by 2,600 writes of 100 bytes").isZero();
        } finally {
            stores.forEach(RocksDB::close);
            options.forEach(Options::close);
        }
    }
}
