package io.slotstream.bench.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CpuTimesTest {

    @Test
    void busyAndStealAreSharesOfAllTicksBetweenTwoReadings() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        CpuTimes before = CpuTimes.parse("cpu  1000 0 500 8000 100 0 0 40 300 0");
        CpuTimes after = CpuTimes.parse("cpu  1550 0 700 8150 150 0 0 90 500 0");
        // 1,000 ticks passed: 200 idle or iowait, 50 stolen; guest ticks are inside user and not counted twice
        assertThat(after.total() - before.total()).isEqualTo(1000);
        assertThat(before.busyPercentUntil(after)).isCloseTo(80.0, within(1e-9));
        assertThat(before.stealPercentUntil(after)).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void noTimePassedGivesNoShare() {
        CpuTimes reading = CpuTimes.parse("cpu 1 2 3 4 5 6 7 8");
        assertThat(reading.busyPercentUntil(reading)).isNaN();
        assertThat(reading.stealPercentUntil(reading)).isNaN();
    }

    @Test
    void aLineThatIsNotTheAggregateCpuLineIsRefused() {
        assertThatThrownBy(() -> CpuTimes.parse("cpu0 1 2 3 4 5 6 7 8"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cpu0 1 2");
        assertThatThrownBy(() -> CpuTimes.parse("cpu 1 2 3"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thisLinuxMachineIsRead() {
        CpuTimes now = CpuTimes.read().orElseThrow();
        assertThat(now.total()).isGreaterThan(now.idle()).isGreaterThan(0);
        assertThat(now.steal()).isBetween(0L, now.total());
    }
}
