package io.slotstream.bench.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one benchmark invocation: per-run metrics (one value per measured run: median and spread across
 * runs), latency metrics (samples pooled over the measured runs: p50/p90/p99/max, plus the spread of the per-run
 * p50 and p99), and free-form context. The first metric added is the headline ({@code median}/{@code unit} at the
 * top level of the JSON). Rendered as one JSON line ({@link #jsonLine()}) and a human summary ({@link #summary()}).
 *
 * <p>JSON shape: {@code {"benchmark","size","runs","warmup","smoke","unit","median","min","max","stdev",
 * "metrics":{name:{"kind":"per-run","unit","median","min","max","stdev","values":[...]} |
 * {"kind":"latency","unit":"ms","samples","p50","p90","p99","max","run_p50_min","run_p50_max","run_p99_min",
 * "run_p99_max"}}, "info":{...}, "options":{...}, "machine":{"cores","jdk","os","max_heap_mb", and where measured
 * "reference_work_ms","cpu_busy_pct","cpu_steal_pct"}}}.</p>
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String benchmark;
    private final BenchOptions options;
    private final Map<String, PerRun> perRun = new LinkedHashMap<>();
    private final Map<String, Latency> latency = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();
    private final Map<String, Object> info = new LinkedHashMap<>();
    private final Map<String, Double> machine = new LinkedHashMap<>();
    private Integer runsOverride;
    private Integer warmupOverride;

    private record PerRun(String unit, List<Double> values) {
    }

    private record Latency(String unit, List<double[]> runs) {
    }

    public Report(String benchmark, BenchOptions options) {
        this.benchmark = benchmark;
        this.options = options;
    }

    /** For benchmarks whose run counts differ from --runs/--warmup (JMH iterations, externally restarted services). */
    public synchronized void runCounts(int measured, int warmup) {
        this.runsOverride = measured;
        this.warmupOverride = warmup;
    }

    private int runs() {
        return runsOverride != null ? runsOverride : options.runs();
    }

    private int warmup() {
        return warmupOverride != null ? warmupOverride : options.warmup();
    }

    public String benchmark() {
        return benchmark;
    }

    /** Adds one measured run's value of a per-run metric (throughput, duration, bytes, ratio). */
    public synchronized void addRun(String metric, String unit, double value) {
        perRun.computeIfAbsent(metric, m -> {
            order.add(m);
            return new PerRun(unit, new ArrayList<>());
        }).values().add(value);
    }

    /** Adds one measured run's latency samples (ms) of a latency metric. */
    public synchronized void addLatencies(String metric, double[] millis) {
        latency.computeIfAbsent(metric, m -> {
            order.add(m);
            return new Latency("ms", new ArrayList<>());
        }).runs().add(millis);
    }

    /** Context that explains the numbers (record size, slots per run, URLs). */
    public synchronized void info(String key, Object value) {
        info.put(key, value);
    }

    /**
     * The state of the machine during the invocation ({@code reference_work_ms}, {@code cpu_busy_pct},
     * {@code cpu_steal_pct}: see {@link ReferenceWork}, {@link CpuTimes}), after the fixed {@code machine} fields.
     */
    public synchronized void machine(String key, double value) {
        machine.put(key, round(value));
    }

    /** @return the median of a per-run metric, or of the pooled samples of a latency metric; NaN when absent */
    public synchronized double median(String metric) {
        if (perRun.containsKey(metric)) {
            return Stats.median(values(perRun.get(metric)));
        }
        if (latency.containsKey(metric)) {
            return Stats.median(pooled(latency.get(metric)));
        }
        return Double.NaN;
    }

    /** @return the names of the metrics, in the order they were first added */
    public synchronized List<String> metrics() {
        return List.copyOf(order);
    }

    public synchronized String jsonLine() {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("size", options.size().name());
        root.put("runs", runs());
        root.put("warmup", warmup());
        root.put("smoke", options.smoke());
        ObjectNode metrics = JSON.createObjectNode();
        for (String name : order) {
            ObjectNode m = metrics.putObject(name);
            if (perRun.containsKey(name)) {
                PerRun r = perRun.get(name);
                double[] v = values(r);
                m.put("kind", "per-run").put("unit", r.unit());
                m.put("median", round(Stats.median(v))).put("min", round(Stats.min(v))).put("max", round(Stats.max(v)))
                        .put("stdev", round(Stats.stdev(v)));
                var arr = m.putArray("values");
                for (double d : v) {
                    arr.add(round(d));
                }
            } else {
                Latency l = latency.get(name);
                double[] all = pooled(l);
                m.put("kind", "latency").put("unit", l.unit()).put("samples", all.length);
                m.put("p50", round(Stats.percentile(all, 50))).put("p90", round(Stats.percentile(all, 90)))
                        .put("p99", round(Stats.percentile(all, 99))).put("max", round(Stats.max(all)));
                double[] p50s = l.runs().stream().mapToDouble(r -> Stats.percentile(r, 50)).toArray();
                double[] p99s = l.runs().stream().mapToDouble(r -> Stats.percentile(r, 99)).toArray();
                m.put("run_p50_min", round(Stats.min(p50s))).put("run_p50_max", round(Stats.max(p50s)));
                m.put("run_p99_min", round(Stats.min(p99s))).put("run_p99_max", round(Stats.max(p99s)));
            }
        }
        if (!order.isEmpty()) {
            ObjectNode headline = (ObjectNode) metrics.get(order.get(0));
            root.put("metric", order.get(0));
            root.put("unit", headline.path("unit").asText());
            if (headline.has("median")) {
                root.set("median", headline.get("median"));
                root.set("min", headline.get("min"));
                root.set("max", headline.get("max"));
                root.set("stdev", headline.get("stdev"));
            } else {
                root.set("p50", headline.get("p50"));
                root.set("p99", headline.get("p99"));
                root.set("min", headline.get("run_p50_min"));
                root.set("max", headline.get("run_p99_max"));
            }
        }
        root.set("metrics", metrics);
        root.set("info", JSON.valueToTree(info));
        root.set("options", JSON.valueToTree(options.asMap()));
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        this.machine.forEach(machine::put);
        return root.toString();
    }

    public synchronized String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s (size %s, %d measured run(s) after %d warm-up%s)%n", benchmark,
                options.size().name(), runs(), warmup(), options.smoke() ? ", SMOKE: numbers are meaningless" : ""));
        for (String name : order) {
            if (perRun.containsKey(name)) {
                PerRun r = perRun.get(name);
                double[] v = values(r);
                out.append(String.format(Locale.ROOT, "  %-28s median %s %s (min %s, max %s, stdev %s)%n", name,
                        fmt(Stats.median(v)), r.unit(), fmt(Stats.min(v)), fmt(Stats.max(v)), fmt(Stats.stdev(v))));
            } else {
                double[] all = pooled(latency.get(name));
                out.append(String.format(Locale.ROOT, "  %-28s p50 %s ms, p99 %s ms, max %s ms (%d samples)%n", name,
                        fmt(Stats.percentile(all, 50)), fmt(Stats.percentile(all, 99)), fmt(Stats.max(all)), all.length));
            }
        }
        info.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-28s %s%n", k, v)));
        machine.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  machine %-20s %s%n", k, fmt(v))));
        return out.toString();
    }

    private static double[] values(PerRun r) {
        return r.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] pooled(Latency l) {
        return l.runs().stream().flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    private static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.abs(v) >= 100 ? 10 : 1000;
        return Math.round(v * scale) / scale;
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
