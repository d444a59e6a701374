package io.slotstream.bench.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceGaugesTest {

    static final String SCRAPE = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.9E7
            jvm_threads_live_threads 42.0
            process_files_open_files 311.0
            """;

    @Test
    void sumsTheSamplesOfOneMetricAndLabel() {
        assertThat(ServiceGauges.sum(SCRAPE, "jvm_memory_used_bytes{", "area=\"heap\"")).isEqualTo(12_582_912.0);
        assertThat(ServiceGauges.sum(SCRAPE, "jvm_threads_live_threads", null)).isEqualTo(42.0);
        assertThat(ServiceGauges.sum(SCRAPE, "process_files_open_files", null)).isEqualTo(311.0);
    }

    @Test
    void aMissingMetricIsMinusOne() {
        assertThat(ServiceGauges.sum(SCRAPE, "process_cpu_usage", null)).isEqualTo(-1);
    }
}
