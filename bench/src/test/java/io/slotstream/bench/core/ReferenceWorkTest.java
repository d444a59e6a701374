package io.slotstream.bench.core;

import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceWorkTest {

    @Test
    void theWorkIsTheSameOnEveryRun() {
        assertThat(ReferenceWork.run()).isEqualTo(ReferenceWork.run());
    }

    @Test
    void theFastestRepetitionIsReportedInMilliseconds() {
        // three timed runs of 5, 3 and 4 ms by the clock's readings (ns)
        Iterator<Long> clock = List.of(0L, 5_000_000L, 10_000_000L, 13_000_000L, 20_000_000L, 24_000_000L).iterator();
        assertThat(ReferenceWork.bestOf(3, clock::next)).isEqualTo(3.0);
        assertThat(clock.hasNext()).as("each timed run reads the clock twice, the warm-up runs never").isFalse();
    }

    @Test
    void onTheRealClockTheFastestOfTwoIsAtMostTheirMean() {
        long start = System.nanoTime();
        double best = ReferenceWork.bestOf(2);
        double elapsedMs = (System.nanoTime() - start) / 1e6;
        assertThat(best).isPositive().isLessThanOrEqualTo(elapsedMs / 2);
    }

    @Test
    void atLeastOneRepetitionIsNeeded() {
        assertThatThrownBy(() -> ReferenceWork.bestOf(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
