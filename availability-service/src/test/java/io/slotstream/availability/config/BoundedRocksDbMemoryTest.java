package io.slotstream.availability.config;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

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
            assertThat(shared.cache().getUsage()).isGreaterThanOrEqualTo(0);
        }
    }
}
