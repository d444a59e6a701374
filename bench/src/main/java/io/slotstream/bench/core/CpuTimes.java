package io.slotstream.bench.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The machine's aggregate CPU times from the first line of Linux's {@code /proc/stat} (clock ticks since boot, all
 * cores): taken before and after a benchmark, they say how busy the whole machine was meanwhile (a saturated
 * machine queues everything, so latencies measured on it are mostly waiting) and how much time the hypervisor gave
 * to other guests ({@code steal}).
 *
 * @param idle  idle plus iowait ticks
 * @param steal ticks stolen by the hypervisor
 * @param total all ticks (user, nice, system, idle, iowait, irq, softirq, steal)
 */
public record CpuTimes(long idle, long steal, long total) {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** @return the machine's CPU times now, or empty where there is no {@code /proc/stat} (not Linux) */
    public static Optional<CpuTimes> read() {
        try {
            // by lines: procfs files report size 0, which whole-file reads may take literally
            List<String> lines;
            try (var stream = Files.lines(PROC_STAT)) {
                lines = stream.limit(1).toList();
            }
            return lines.isEmpty() ? Optional.empty() : Optional.of(parse(lines.get(0)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * @param cpuLine the aggregate line, {@code cpu  user nice system idle iowait irq softirq steal [guest guest_nice]}
     * @throws IllegalArgumentException when it is not such a line
     */
    static CpuTimes parse(String cpuLine) {
        String[] fields = cpuLine.trim().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: " + cpuLine);
        }
        long[] ticks = new long[8];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = Long.parseLong(fields[i + 1]);
        }
        long total = 0;
        for (long t : ticks) {
            total += t;
        }
        // guest time is already counted in user and nice, so it is not added again
        return new CpuTimes(ticks[3] + ticks[4], ticks[7], total);
    }

    /** @return the share of the machine's CPU time not idle between this reading and a later one, in percent */
    public double busyPercentUntil(CpuTimes later) {
        long ticks = later.total - this.total;
        return ticks <= 0 ? Double.NaN : 100.0 * (ticks - (later.idle - idle)) / ticks;
    }

    /** @return the share of the machine's CPU time stolen by the hypervisor between the readings, in percent */
    public double stealPercentUntil(CpuTimes later) {
        long ticks = later.total - this.total;
        return ticks <= 0 ? Double.NaN : 100.0 * (later.steal - steal) / ticks;
    }
}
