package io.slotstream.bench.ingest;

import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.LatencyRecorder;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.TransactionBundles;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Loader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ingest}: slot writes per second through ingest-service's REST intake ({@code POST /fhir}, transaction
 * Bundles of 100 Slot PUTs, {@code --clients} concurrent senders, default 4) and the latency of each Bundle (send
 * to last response byte, ms). Each run writes the whole generated system under a new source id, so every write is
 * new (no idempotent no-op): the reference resources (Locations ... Schedules) are loaded untimed first, then the
 * Slots are timed. Bundles are generated while sending (a bounded queue of 64), which costs far less CPU than
 * ingest itself. Option {@code --ingest-url} (default {@code http://127.0.0.1:8081}).
 */
public final class IngestBenchmark implements Benchmark {

    private static final byte[] END = new byte[0];

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public String description() {
        return "slot writes/s and p50/p99 per Bundle of 100 through ingest-service POST /fhir (needs the stack running)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        String ingest = options.string("ingest-url", "http://127.0.0.1:8081");
        int clients = options.integer("clients", 4);
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        HttpCall http = new HttpCall();
        String nonce = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        report.info("ingest_url", ingest);
        report.info("clients", clients);
        report.info("bundle_size", Loader.BUNDLE_SIZE);
        report.info("slots_per_run", system.countSlots());
        for (int i = 0; i < options.warmup() + options.runs(); i++) {
            boolean measured = i >= options.warmup();
            String source = "bench-ingest-" + nonce + "-" + i;
            new Loader(http, ingest).loadReferences(system, source);
            LatencyRecorder latencies = new LatencyRecorder();
            long t0 = System.nanoTime();
            long slots = sendSlots(system, http, ingest, source, clients, latencies);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (measured) {
                report.addRun("throughput", "slots/s", slots / seconds);
                report.addLatencies("bundle_latency", latencies.toArray());
                report.addRun("run_duration", "s", seconds);
            }
            System.err.printf("ingest run %d%s: %d slots in %.2f s%n", i, measured ? "" : " (warm-up)", slots, seconds);
        }
    }

    private long sendSlots(HealthSystem system, HttpCall http, String ingest, String source, int clients,
                           LatencyRecorder latencies) throws Exception {
        BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(64);
        AtomicLong slots = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(senders.submit(() -> {
                while (true) {
                    byte[] bundle = queue.take();
                    if (bundle == END) {
                        return null;
                    }
                    HttpCall.Response r = http.postBundle(ingest, source, bundle);
                    HttpCall.expect2xx(r, "ingest-service (" + ingest + "/fhir)");
                    latencies.recordNanos(r.nanos());
                    slots.addAndGet(Loader.BUNDLE_SIZE);
                }
            }));
        }
        try {
            List<GeneratedSlot> batch = new ArrayList<>(Loader.BUNDLE_SIZE);
            long[] remainder = {0};
            system.forEachSlot(slot -> {
                batch.add(slot);
                if (batch.size() == Loader.BUNDLE_SIZE) {
                    put(queue, TransactionBundles.slots(batch), futures);
                    batch.clear();
                }
            });
            if (!batch.isEmpty()) {
                // the last, partial Bundle is sent inline so the slot count stays exact
                HttpCall.Response r = HttpCall.expect2xx(http.postBundle(ingest, source, TransactionBundles.slots(batch)),
                        "ingest-service (" + ingest + "/fhir)");
                latencies.recordNanos(r.nanos());
                remainder[0] = batch.size();
            }
            for (int c = 0; c < clients; c++) {
                put(queue, END, futures);
            }
            for (Future<?> f : futures) {
                unwrap(f);
            }
            return slots.get() + remainder[0];
        } finally {
            senders.shutdownNow();
        }
    }

    private static void put(BlockingQueue<byte[]> queue, byte[] bundle, List<Future<?>> senders) {
        try {
            while (!queue.offer(bundle, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                for (Future<?> f : senders) {
                    if (f.isDone()) {
                        unwrap(f); // a sender failed: surface its error instead of waiting forever
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", e);
        }
    }

    private static void unwrap(Future<?> f) {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new BenchException("sender failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", e);
        }
        if (!f.isDone()) {
            throw new IllegalStateException("unreachable");
        }
    }
}
