package io.slotstream.bench.generator;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;

/**
 * Everything the generated health system depends on: the same config always yields byte-identical resources.
 *
 * @param size      how many locations, practitioners and days
 * @param seed      the random seed; every entity draws from its own stream derived from it
 * @param startDate first calendar day of slots (slot times are local to each Location's zone)
 */
public record GeneratorConfig(SystemSize size, long seed, LocalDate startDate) {

    /** The seed the benchmarks use unless told otherwise. */
    public static final long DEFAULT_SEED = 20260301L;

    public GeneratorConfig {
        if (size == null || startDate == null) {
            throw new IllegalArgumentException("size and startDate are required");
        }
    }

    /** Slots starting next Monday (so a running stack sees them as future), with the default seed. */
    public static GeneratorConfig fromNextMonday(SystemSize size, long seed) {
        return new GeneratorConfig(size, seed, LocalDate.now().with(TemporalAdjusters.next(DayOfWeek.MONDAY)));
    }
}
