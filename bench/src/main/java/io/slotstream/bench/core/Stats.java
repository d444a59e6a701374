package io.slotstream.bench.core;

import java.util.Arrays;

/** Order statistics over a sample. Percentiles are nearest-rank (p99 of 100 values is the 99th smallest). */
public final class Stats {

    private Stats() {
    }

    /** @return the median (mean of the two middle values for an even count); NaN when empty */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = sorted(values);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /** @param p in (0, 100]; @return the nearest-rank percentile; NaN when empty */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = sorted(values);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** @return the sample standard deviation (n - 1); 0 for one value, NaN when empty */
    public static double stdev(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        if (values.length == 1) {
            return 0;
        }
        double mean = Arrays.stream(values).average().orElse(0);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    private static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }
}
