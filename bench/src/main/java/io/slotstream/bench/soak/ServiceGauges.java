package io.slotstream.bench.soak;

import io.slotstream.bench.http.HttpCall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One service's resource use, read from outside: heap, live threads and open files from its Micrometer
 * {@code /actuator/prometheus} scrape, resident set size from {@code /proc/<pid>/status} of the local process whose
 * command line runs the service's exec jar (found once; Linux only, RSS is -1 elsewhere or when not found).
 *
 * @param module     the service module, e.g. {@code ingest-service} (its exec jar is {@code slotstream-<module>-*-exec.jar})
 * @param baseUrl    the service's HTTP base URL
 * @param process    the service's local process, or null when none was found (RSS is then -1)
 */
record ServiceGauges(String module, String baseUrl, ProcessHandle process) {

    /**
     * One reading; -1 where a value could not be read. {@code rocksDbCacheMb} is what the shared RocksDB cache holds
     * ({@code slotstream_rocksdb_cache_usage_bytes}: availability-service only), the part of RSS that is bounded.
     */
    record Reading(double heapUsedMb, double rssMb, double threads, double openFiles, double rocksDbCacheMb) {
    }

    static ServiceGauges find(String module, String baseUrl) {
        String jar = "slotstream-" + module + "-";
        ProcessHandle process = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(jar) && c.contains("exec.jar")).orElse(false))
                .findFirst().orElse(null);
        return new ServiceGauges(module, baseUrl, process);
    }

    Reading read(HttpCall http) {
        double heap = -1;
        double threads = -1;
        double files = -1;
        double rocksDb = -1;
        HttpCall.Response r = http.get(baseUrl + "/actuator/prometheus");
        if (r.status() == 200) {
            String scrape = r.text();
            double heapBytes = sum(scrape, "jvm_memory_used_bytes{", "area=\"heap\"");
            heap = heapBytes < 0 ? -1 : heapBytes / (1024 * 1024);
            threads = sum(scrape, "jvm_threads_live_threads", null);
            files = sum(scrape, "process_files_open_files", null);
            double cacheBytes = sum(scrape, "slotstream_rocksdb_cache_usage_bytes", null);
            rocksDb = cacheBytes < 0 ? -1 : cacheBytes / (1024 * 1024);
        }
        return new Reading(heap, rssMb(), threads, files, rocksDb);
    }

    /** @return the sum of the samples of a Prometheus text-format metric whose line starts with {@code name} */
    static double sum(String scrape, String name, String labelFilter) {
        double total = 0;
        boolean any = false;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name) && (labelFilter == null || line.contains(labelFilter))) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                any = true;
            }
        }
        return any ? total : -1;
    }

    private double rssMb() {
        if (process == null || !process.isAlive()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024; // kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
