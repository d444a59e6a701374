package io.slotstream.bench.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatsTest {

    @Test
    void medianPercentilesAndSpread() {
        double[] v = {5, 1, 4, 2, 3};
        assertThat(Stats.median(v)).isEqualTo(3);
        assertThat(Stats.median(new double[] {1, 2, 3, 4})).isEqualTo(2.5);
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(Stats.percentile(hundred, 50)).isEqualTo(50);
        assertThat(Stats.percentile(hundred, 99)).isEqualTo(99);
        assertThat(Stats.min(v)).isEqualTo(1);
        assertThat(Stats.max(v)).isEqualTo(5);
        assertThat(Stats.stdev(v)).isCloseTo(1.5811, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Stats.median(new double[0])).isNaN();
    }

    @Test
    void optionsParseAndSmokeDefaults() {
        BenchOptions o = BenchOptions.parse(List.of("--size", "medium", "--runs=3", "--smoke", "--rate", "250"));
        assertThat(o.size().name()).isEqualTo("medium");
        assertThat(o.runs()).isEqualTo(3);
        assertThat(o.warmup()).isZero();
        assertThat(o.number("rate", 500)).isEqualTo(250);
    }
}
