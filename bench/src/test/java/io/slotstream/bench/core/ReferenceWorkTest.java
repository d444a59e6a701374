package io.slotstream.bench.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceWorkTest {

    @Test
    void theWorkIsTheSameOnEveryRun() {
        assertThat(ReferenceWork.run()).isEqualTo(ReferenceWork.run());
    }

    @Test
    void theFastestRepetitionIsReportedInMilliseconds() {
        long start = System.nanoTime();
        double best = ReferenceWork.bestOf(2);
        double elapsedMs = (System.nanoTime() - start) / 1e6;
        // twelve runs in all (ten warm-up): the fastest is positive and at most a twelfth of the whole
        assertThat(best).isPositive().isLessThanOrEqualTo(elapsedMs / 12);
    }

    @Test
    void atLeastOneRepetitionIsNeeded() {
        assertThatThrownBy(() -> ReferenceWork.bestOf(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
