package io.slotstream.bench.kafka;

import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code kafka-producer-perf}: the anchor for {@code ingest}. Runs Kafka's own {@code kafka-producer-perf-test}
 * ({@code org.apache.kafka.tools.ProducerPerformance}, unthrottled) against the same broker, with records the size
 * of a {@code fhir.slot.v1} value ({@link RecordSize}), {@code acks=all} (the producer default ingest-service uses)
 * and a scratch topic {@code bench.producer-perf} with the catalogue's partition count, deleted afterwards. Reports
 * records/s, MB/s and the tool's p50/p99 send-to-ack latency. Options: {@code --bootstrap} (default
 * {@code 127.0.0.1:19092}), {@code --records} (default 100k small / 1M medium / 10M large; 5k in smoke),
 * {@code --record-size} (bytes; default the measured slot value size), {@code --acks} (default all).
 */
public final class KafkaProducerPerfBenchmark implements Benchmark {

    static final String TOPIC = "bench.producer-perf";

    @Override
    public String name() {
        return "kafka-producer-perf";
    }

    @Override
    public String description() {
        return "anchor: Kafka's kafka-producer-perf-test on the same broker with slot-sized records (needs Kafka)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        String bootstrap = options.string("bootstrap", "127.0.0.1:19092");
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        int recordSize = options.integer("record-size", RecordSize.meanSlotValueBytes(system, "bench-ingest-0", 500));
        int defaultRecords = options.smoke() ? 5_000 : switch (options.size().name()) {
            case "large" -> 10_000_000;
            case "medium" -> 1_000_000;
            default -> 100_000;
        };
        long records = options.integer("records", defaultRecords);
        String acks = options.string("acks", "all");
        report.info("bootstrap", bootstrap);
        report.info("record_size_bytes", recordSize);
        report.info("records_per_run", records);
        report.info("acks", acks);
        report.info("partitions", Topics.PARTITIONS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            createTopic(admin, bootstrap);
            try {
                for (int i = 0; i < options.warmup() + options.runs(); i++) {
                    ProducerPerfRun run = ProducerPerfRun.run(bootstrap, TOPIC, records, recordSize, acks);
                    if (i >= options.warmup()) {
                        report.addRun("throughput", "records/s", run.recordsPerSecond());
                        report.addRun("throughput_mb", "MB/s", run.mbPerSecond());
                        report.addRun("p50_latency", "ms", run.p50Ms());
                        report.addRun("p99_latency", "ms", run.p99Ms());
                        report.addRun("avg_latency", "ms", run.avgLatencyMs());
                    }
                }
            } finally {
                admin.deleteTopics(List.of(TOPIC)).all().get(15, TimeUnit.SECONDS);
            }
        }
    }

    private static void createTopic(Admin admin, String bootstrap) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(TOPIC, Topics.PARTITIONS, (short) 1))).all().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new BenchException("cannot create topic " + TOPIC + " on " + bootstrap + ": " + e.getCause(), e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new BenchException("Kafka at " + bootstrap + " did not answer within 15 s (is the stack running?)", e);
        }
    }
}
