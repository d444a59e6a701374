package io.slotstream.bench.query;

import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.core.BenchOptions;
import io.slotstream.bench.core.Benchmark;
import io.slotstream.bench.core.Report;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.Provider;
import io.slotstream.bench.http.HttpCall;
import io.slotstream.bench.http.Services;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code view-build}: how fast availability-service rebuilds its view from the topics after losing its state
 * (restore from scratch). Client side only: the bench makes sure the system of {@code --size} is loaded (as
 * {@code query} does), then, per run, runs {@code --restart-cmd} (a shell command that stops availability-service,
 * deletes its state directory and starts it again) or, without it, waits for you to do that (it notices the
 * service going down). It then polls {@code --samples} (default 20) random schedules' last days until all of them
 * are fully visible again. Reports the rebuild time (from the restart command, or from the moment the service was
 * seen down, to the view answering completely; includes JVM start-up) and events/s = Slots of the source / time.
 * Server side, it also reads availability-service's restore listener metrics after each rebuild
 * ({@code slotstream.availability.restore.records} and {@code .restore.duration}, see {@code RestoreMetrics}) and
 * reports {@code server_restore_events_per_s} = restored records ÷ the longest store partition's restore.
 * Options: {@code --timeout} seconds per run (default 1800).
 */
public final class ViewBuildBenchmark implements Benchmark {

    @Override
    public String name() {
        return "view-build";
    }

    @Override
    public String description() {
        return "availability view rebuild from the topics after a state wipe, events/s (needs the stack + --restart-cmd)";
    }

    @Override
    public void run(BenchOptions options, Report report) throws Exception {
        Services services = Services.from(options);
        HealthSystem system = new HealthSystem(GeneratorConfig.fromNextMonday(options.size(), options.seed()));
        String source = options.string("source", "bench-q-" + options.size().name());
        String restart = options.string("restart-cmd", null);
        double timeout = options.number("timeout", 1800);
        HttpCall http = new HttpCall();
        LoadedSystem.ensure(http, services.ingest(), services.availability(), system, source, timeout);
        long events = system.countSlots();
        SplittableRandom rnd = new SplittableRandom(options.seed());
        List<Provider> samples = new ArrayList<>();
        for (int k = 0; k < options.integer("samples", 20); k++) {
            samples.add(system.providers().get(rnd.nextInt(system.providers().size())));
        }
        samples.add(system.providers().get(system.providers().size() - 1));
        int total = restart == null ? 1 : options.warmup() + options.runs();
        int warmup = restart == null ? 0 : options.warmup();
        report.runCounts(total - warmup, warmup);
        report.info("source", source);
        report.info("events_in_view_for_source", events);
        report.info("restart_cmd", restart == null ? "(manual restart)" : restart);
        for (int i = 0; i < total; i++) {
            long t0;
            if (restart != null) {
                t0 = System.nanoTime();
                Process p = new ProcessBuilder("bash", "-c", restart).inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new BenchException("--restart-cmd exited with " + p.exitValue());
                }
            } else {
                System.err.println("view-build: now stop availability-service, delete its state dir "
                        + "(SLOTSTREAM_STATE_DIR) and start it again; waiting for it to go down ...");
                t0 = awaitDown(http, services.availability(), timeout);
            }
            long deadline = t0 + (long) (timeout * 1e9);
            for (Provider p : samples) {
                while (!up(http, services.availability(), system, source, p)) {
                    if (System.nanoTime() > deadline) {
                        throw new BenchException("the view did not answer completely within " + timeout + " s");
                    }
                    Thread.sleep(100);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            ServerRestore server = serverRestore(http, services.availability());
            if (i >= warmup) {
                report.addRun("events_per_s", "events/s", events / seconds);
                report.addRun("rebuild_time", "s", seconds);
                if (server.records() > 0 && server.seconds() > 0) {
                    report.addRun("server_restore_events_per_s", "events/s", server.records() / server.seconds());
                    report.addRun("server_restored_records", "records", server.records());
                    report.addRun("server_restore_time", "s", server.seconds());
                }
            }
            System.err.printf(java.util.Locale.ROOT, "view-build run %d: complete after %.1f s; server side: %,.0f records restored, "
                    + "longest store partition %.1f s%n", i, seconds, server.records(), server.seconds());
        }
    }

    /**
     * @param records restored records, all stores ({@code slotstream.availability.restore.records})
     * @param seconds the longest store partition's restore ({@code slotstream.availability.restore.duration} max;
     *                partitions restore side by side, so this approximates the restore's wall time from below)
     */
    record ServerRestore(double records, double seconds) {
    }

    /**
     * Reads availability-service's restore listener metrics ({@code RestoreMetrics}) from its prometheus endpoint;
     * counters start at zero with the restarted process, so they describe this restore. Zeros when unavailable.
     */
    static ServerRestore serverRestore(HttpCall http, String availability) {
        HttpCall.Response r;
        try {
            r = http.get(availability + "/actuator/prometheus");
        } catch (BenchException e) {
            return new ServerRestore(0, 0);
        }
        if (r.status() != 200) {
            return new ServerRestore(0, 0);
        }
        return parseRestore(r.text());
    }

    static ServerRestore parseRestore(String prometheus) {
        double records = 0;
        double max = 0;
        double sum = 0;
        double count = 0;
        for (String line : prometheus.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } catch (RuntimeException notAValue) {
                continue;
            }
            if (line.startsWith("slotstream_availability_restore_records_total")) {
                records += value;
            } else if (line.startsWith("slotstream_availability_restore_duration_seconds_max")) {
                max = Math.max(max, value);
            } else if (line.startsWith("slotstream_availability_restore_duration_seconds_sum")) {
                sum += value;
            } else if (line.startsWith("slotstream_availability_restore_duration_seconds_count")) {
                count += value;
            }
        }
        // the max decays after a few minutes; the mean partition restore is the fallback
        return new ServerRestore(records, max > 0 ? max : count > 0 ? sum / count : 0);
    }

    private static boolean up(HttpCall http, String availability, HealthSystem system, String source, Provider p) {
        try {
            return LoadedSystem.visible(http, availability, system, source, p);
        } catch (BenchException e) {
            return false; // not listening yet
        }
    }

    private static long awaitDown(HttpCall http, String availability, double timeout) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeout * 1e9);
        while (System.nanoTime() < deadline) {
            try {
                http.get(availability + "/fhir/metadata");
            } catch (BenchException e) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new BenchException("availability-service did not go down within " + timeout + " s");
    }
}
