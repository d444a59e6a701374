package io.slotstream.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One publication poll as a Slot Discovery Client does it: {@code GET [publish]/$bulk-publish[?_since=...]}, then
 * every {@code output[].url}, each NDJSON line handed to a callback.
 *
 * @param transactionTime the manifest's transactionTime (the next poll's {@code _since})
 * @param bytes           manifest plus file bytes
 * @param resources       NDJSON lines read
 * @param files           files listed in the manifest
 * @param filesAlreadyRead of them, files not downloaded because an earlier poll read them ({@link ReadFiles})
 * @param millis          wall time of the whole poll, ms
 */
public record SincePoll(String transactionTime, long bytes, long resources, int files, int filesAlreadyRead,
                        double millis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The S of the publication now, read from manifests only (no file is downloaded): the full manifest's
     * {@code transactionTime} may lag S by up to the refresh interval while groups are stale, and a {@code _since}
     * answer for it carries S. A client that polls {@code _since} from it holds everything published so far.
     *
     * @return S as the manifest writes it
     * @throws BenchException when a manifest is not 200 or not JSON, or has no transactionTime
     */
    public static String currentTransactionTime(HttpCall http, String publishBase) {
        String full = transactionTime(http, publishBase + "/$bulk-publish");
        return transactionTime(http, publishBase + "/$bulk-publish?_since=" + SlotSearch.enc(full));
    }

    private static String transactionTime(HttpCall http, String url) {
        HttpCall.Response manifest = HttpCall.expect2xx(http.get(url), "publish-service (" + url + ")");
        try {
            String time = JSON.readTree(manifest.body()).path("transactionTime").asText(null);
            if (time == null) {
                throw new BenchException("the manifest at " + url + " has no transactionTime");
            }
            return time;
        } catch (IOException e) {
            throw new BenchException("publish-service answered something that is not JSON at " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Downloads the files one after the other.
     *
     * @param since an instant for {@code _since}, or null for the full publication
     * @throws BenchException when the manifest or a file is not 200 or not JSON
     */
    public static SincePoll poll(HttpCall http, String publishBase, String since, Consumer<JsonNode> perResource) {
        return poll(http, publishBase, since, 1, null, perResource);
    }

    /**
     * @param since         an instant for {@code _since}, or null for the full publication
     * @param parallelFiles how many files are downloaded at once (a client's connection pool; a {@code _since} answer
     *                      at hundreds of changes/s lists a change file per group, hundreds of files)
     * @param readFiles     the files earlier polls read, which are not downloaded again (and this poll's are added);
     *                      null to download every listed file
     * @param perResource   called from up to {@code parallelFiles} threads at once when it is above 1
     * @throws BenchException when the manifest or a file is not 200 or not JSON
     */
    public static SincePoll poll(HttpCall http, String publishBase, String since, int parallelFiles,
                                 ReadFiles readFiles, Consumer<JsonNode> perResource) {
        long t0 = System.nanoTime();
        String url = publishBase + "/$bulk-publish" + (since == null ? "" : "?_since=" + SlotSearch.enc(since));
        HttpCall.Response manifest = HttpCall.expect2xx(http.get(url), "publish-service (" + url + ")");
        JsonNode m;
        try {
            m = JSON.readTree(manifest.body());
        } catch (IOException e) {
            throw new BenchException("publish-service answered something that is not JSON at " + url + ": " + e.getMessage(), e);
        }
        List<String> urls = new ArrayList<>();
        int listed = m.path("output").size();
        m.path("output").forEach(output -> {
            String fileUrl = output.path("url").asText();
            if (readFiles == null || readFiles.firstListing(fileUrl)) {
                urls.add(fileUrl);
            }
        });
        AtomicLong bytes = new AtomicLong(manifest.body().length);
        AtomicLong lines = new AtomicLong();
        Consumer<String> download = fileUrl -> {
            try {
                bytes.addAndGet(http.getLines(fileUrl, line -> {
                    lines.incrementAndGet();
                    if (perResource != null) {
                        try {
                            perResource.accept(JSON.readTree(line));
                        } catch (IOException e) {
                            throw new BenchException("a line of " + fileUrl + " is not JSON: " + e.getMessage(), e);
                        }
                    }
                }));
            } catch (RuntimeException e) {
                if (readFiles != null) {
                    readFiles.forget(fileUrl);
                }
                throw e;
            }
        };
        if (parallelFiles <= 1 || urls.size() <= 1) {
            urls.forEach(download);
        } else {
            Semaphore slots = new Semaphore(parallelFiles);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> downloads = new ArrayList<>();
                for (String fileUrl : urls) {
                    slots.acquireUninterruptibly();
                    downloads.add(pool.submit(() -> {
                        try {
                            download.accept(fileUrl);
                        } finally {
                            slots.release();
                        }
                    }));
                }
                for (Future<?> downloaded : downloads) {
                    downloaded.get();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof BenchException b ? b
                        : new BenchException("downloading a file of " + url + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while downloading the files of " + url, e);
            }
        }
        return new SincePoll(m.path("transactionTime").asText(null), bytes.get(), lines.get(), listed,
                listed - urls.size(), (System.nanoTime() - t0) / 1e6);
    }
}
