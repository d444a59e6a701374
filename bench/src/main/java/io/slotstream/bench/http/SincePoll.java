package io.slotstream.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchException;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One publication poll as a Slot Discovery Client does it: {@code GET [publish]/$bulk-publish[?_since=...]}, then
 * every {@code output[].url}, each NDJSON line handed to a callback.
 *
 * @param transactionTime the manifest's transactionTime (the next poll's {@code _since})
 * @param bytes           manifest plus file bytes
 * @param resources       NDJSON lines read
 * @param millis          wall time of the whole poll, ms
 */
public record SincePoll(String transactionTime, long bytes, long resources, int files, double millis) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param since an instant for {@code _since}, or null for the full publication
     * @throws BenchException when the manifest or a file is not 200 or not JSON
     */
    public static SincePoll poll(HttpCall http, String publishBase, String since, Consumer<JsonNode> perResource) {
        long t0 = System.nanoTime();
        String url = publishBase + "/$bulk-publish" + (since == null ? "" : "?_since=" + SlotSearch.enc(since));
        HttpCall.Response manifest = HttpCall.expect2xx(http.get(url), "publish-service (" + url + ")");
        long bytes = manifest.body().length;
        long resources = 0;
        int files = 0;
        try {
            JsonNode m = JSON.readTree(manifest.body());
            long[] lines = {0};
            for (JsonNode output : m.path("output")) {
                String fileUrl = output.path("url").asText();
                files++;
                bytes += http.getLines(fileUrl, line -> {
                    lines[0]++;
                    if (perResource != null) {
                        try {
                            perResource.accept(JSON.readTree(line));
                        } catch (IOException e) {
                            throw new BenchException("a line of " + fileUrl + " is not JSON: " + e.getMessage(), e);
                        }
                    }
                });
            }
            resources = lines[0];
            return new SincePoll(m.path("transactionTime").asText(null), bytes, resources, files, (System.nanoTime() - t0) / 1e6);
        } catch (IOException e) {
            throw new BenchException("publish-service answered something that is not JSON/NDJSON at " + url + ": " + e.getMessage(), e);
        }
    }
}
