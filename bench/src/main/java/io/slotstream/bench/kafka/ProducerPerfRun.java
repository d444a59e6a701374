package io.slotstream.bench.kafka;

import io.slotstream.bench.core.BenchException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ProducerPerformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One in-process run of Kafka's own {@code kafka-producer-perf-test} ({@link ProducerPerformance}), with its final
 * summary line parsed. Its stdout is captured (and echoed to stderr) while it runs; its {@code Exit} calls are
 * turned into exceptions.
 *
 * @param recordsPerSecond records/s
 * @param mbPerSecond      MB/s as the tool reports it (2^20 bytes)
 * @param avgLatencyMs     mean send-to-ack latency, ms; p50/p99 in whole ms as the tool reports them
 */
public record ProducerPerfRun(long records, double recordsPerSecond, double mbPerSecond, double avgLatencyMs,
                              double maxLatencyMs, double p50Ms, double p95Ms, double p99Ms) {

    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, "
                    + "(\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    /**
     * @param acks producer {@code acks} (ingest-service uses the Kafka default, all)
     * @throws BenchException when the tool fails or prints no summary
     */
    public static synchronized ProducerPerfRun run(String bootstrap, String topic, long records, int recordSize, String acks) {
        List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(records),
                "--record-size", Integer.toString(recordSize), "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrap, "acks=" + acks, "client.id=slotstream-bench-perf"));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                captured.write(b);
                System.err.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                System.err.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        Exit.setExitProcedure((code, message) -> {
            throw new BenchException("kafka-producer-perf-test exited with " + code + (message == null ? "" : ": " + message));
        });
        try {
            System.setOut(tee);
            ProducerPerformance.main(args.toArray(String[]::new));
        } catch (BenchException e) {
            throw e;
        } catch (Exception e) {
            throw new BenchException("kafka-producer-perf-test failed against " + bootstrap + ": " + e, e);
        } finally {
            System.out.flush();
            System.setOut(original);
            Exit.resetExitProcedure();
        }
        return parse(captured.toString(StandardCharsets.UTF_8));
    }

    /** @throws BenchException when the output has no final summary line */
    static ProducerPerfRun parse(String output) {
        Matcher m = SUMMARY.matcher(output);
        ProducerPerfRun last = null;
        while (m.find()) {
            last = new ProducerPerfRun(Long.parseLong(m.group(1)), d(m.group(2)), d(m.group(3)), d(m.group(4)),
                    d(m.group(5)), d(m.group(6)), d(m.group(7)), d(m.group(8)));
        }
        if (last == null) {
            throw new BenchException("kafka-producer-perf-test printed no summary line; output was: "
                    + output.substring(Math.max(0, output.length() - 500)));
        }
        return last;
    }

    private static double d(String s) {
        return Double.parseDouble(s.replace(',', '.').toLowerCase(Locale.ROOT));
    }
}
