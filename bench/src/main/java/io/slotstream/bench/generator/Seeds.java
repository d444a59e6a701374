package io.slotstream.bench.generator;

import java.util.SplittableRandom;

/**
 * Independent random streams per entity, so any Location, practitioner or schedule-day can be generated on its own
 * (streaming, no global state) and always comes out the same.
 */
final class Seeds {

    static final long LOCATION = 0x4C4F43L;
    static final long PROVIDER = 0x50524FL;
    static final long DAY = 0x444159L;
    static final long CHANGES = 0x434847L;

    private Seeds() {
    }

    /** A random stream for (seed, salt, a, b): SplitMix64-finalised, so neighbouring indexes are unrelated. */
    static SplittableRandom of(long seed, long salt, long a, long b) {
        long h = mix(seed ^ mix(salt + 0x9E3779B97F4A7C15L * (a + 1)) ^ mix(~b * 0xC2B2AE3D27D4EB4FL));
        return new SplittableRandom(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
