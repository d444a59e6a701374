package io.slotstream.bench.core;

import io.slotstream.bench.generator.SystemSize;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of one benchmark: {@code --size small|medium|large} (default small), {@code --runs N}
 * (measured runs, default 5; 1 with {@code --smoke}), {@code --warmup N} (runs before measuring, excluded; default
 * 1; 0 with {@code --smoke}), {@code --smoke} (smallest, seconds-long variant: proves the harness works, its numbers
 * mean nothing), and any other {@code --key value} a benchmark reads (URLs, rates, durations).
 */
public final class BenchOptions {

    private final Map<String, String> values;
    private final boolean smoke;

    private BenchOptions(Map<String, String> values, boolean smoke) {
        this.values = values;
        this.smoke = smoke;
    }

    /**
     * @param args {@code --key value} pairs and the {@code --smoke} flag
     * @throws IllegalArgumentException on a token that is not {@code --key}, or a key without a value
     */
    public static BenchOptions parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        boolean smoke = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--smoke")) {
                smoke = true;
            } else if (a.startsWith("--") && a.contains("=")) {
                values.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("--") && i + 1 < args.size()) {
                values.put(a.substring(2), args.get(++i));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "': options are --key value (or --smoke)");
            }
        }
        return new BenchOptions(values, smoke);
    }

    public boolean smoke() {
        return smoke;
    }

    public SystemSize size() {
        return SystemSize.parse(string("size", "small"));
    }

    public int runs() {
        return integer("runs", smoke ? 1 : 5);
    }

    public int warmup() {
        return integer("warmup", smoke ? 0 : 1);
    }

    public long seed() {
        return Long.parseLong(string("seed", "20260301"));
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** @throws IllegalArgumentException when the value is not an integer */
    public int integer(String key, int fallback) {
        String v = values.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    /** @throws IllegalArgumentException when the value is not a number */
    public double number(String key, double fallback) {
        String v = values.get(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
        }
    }

    /** The options as given, for the report. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>(values);
        if (smoke) {
            m.put("smoke", "true");
        }
        return m;
    }
}
