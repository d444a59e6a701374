package io.slotstream.bench.query;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The server-side restore figures {@code view-build} reads from availability-service's prometheus endpoint. */
class ViewBuildRestoreMetricsTest {

    @Test
    void sumsRecordsOverStoresAndTakesTheLongestPartitionRestore() {
        String text = """
                # HELP slotstream_availability_restore_records_total
                # TYPE slotstream_availability_restore_records_total counter
                slotstream_availability_restore_records_total{application="availability-service",store="slots"} 1000.0
                slotstream_availability_restore_records_total{application="availability-service",store="contexts"} 500.0
                slotstream_availability_restore_duration_seconds_count{application="availability-service",store="slots"} 6
                slotstream_availability_restore_duration_seconds_sum{application="availability-service",store="slots"} 12.0
                slotstream_availability_restore_duration_seconds_max{application="availability-service",store="slots"} 3.0
                slotstream_availability_restore_duration_seconds_max{application="availability-service",store="contexts"} 1.5
                process_cpu_usage{application="availability-service"} 0.5
                """;
        ViewBuildBenchmark.ServerRestore restore = ViewBuildBenchmark.parseRestore(text);
        assertThat(restore.records()).isEqualTo(1500.0);
        assertThat(restore.seconds()).isEqualTo(3.0);
    }

    @Test
    void fallsBackToTheMeanPartitionRestoreOnceTheMaxHasDecayed() {
        String text = """
                slotstream_availability_restore_records_total{store="slots"} 10.0
                slotstream_availability_restore_duration_seconds_count{store="slots"} 4
                slotstream_availability_restore_duration_seconds_sum{store="slots"} 8.0
                slotstream_availability_restore_duration_seconds_max{store="slots"} 0.0
                """;
        assertThat(ViewBuildBenchmark.parseRestore(text).seconds()).isEqualTo(2.0);
        assertThat(ViewBuildBenchmark.parseRestore("").records()).isZero();
    }
}
