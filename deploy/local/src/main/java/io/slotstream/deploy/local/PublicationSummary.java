package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What a Slot Discovery Client sees when it polls publish-service: the manifest's {@code transactionTime}, resources
 * per type and Slots per status, read the way a client reads them (manifest, then every output file).
 *
 * @param transactionTime the manifest's {@code transactionTime}, as published
 * @param resourcesByType resources per {@code output[].type}, over all files
 * @param slotsByStatus   Slot lines per {@code status}
 */
public record PublicationSummary(String manifestUrl, String transactionTime, Map<String, Integer> resourcesByType,
                                 Map<String, Integer> slotsByStatus, int files) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public int count(String type) {
        return resourcesByType.getOrDefault(type, 0);
    }

    /**
     * Reads the publication at {@code manifestUrl} (a full or a {@code _since} manifest); {@code lineFilter} sees
     * every NDJSON line, for callers that look for one resource.
     *
     * @throws StackException when the manifest or a file cannot be fetched
     */
    public static PublicationSummary read(String manifestUrl, Predicate<JsonNode> lineFilter) {
        return read(HTTP, manifestUrl, lineFilter);
    }

    /** Like {@link #read(String, Predicate)} with the given client (an HTTPS publication: one that trusts its CA). */
    public static PublicationSummary read(HttpClient http, String manifestUrl, Predicate<JsonNode> lineFilter) {
        JsonNode manifest = JSON.valueToTree(null);
        try {
            manifest = JSON.readTree(get(http, manifestUrl).body().readAllBytes());
        } catch (IOException e) {
            throw new StackException("cannot read the manifest at " + manifestUrl + ": " + e.getMessage(), e);
        }
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        int files = 0;
        for (JsonNode output : manifest.path("output")) {
            String type = output.path("type").asText();
            files++;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(get(http, output.path("url").asText()).body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode resource = JSON.readTree(line);
                    byType.merge(type, 1, Integer::sum);
                    if ("Slot".equals(type)) {
                        byStatus.merge(resource.path("status").asText(), 1, Integer::sum);
                    }
                    lineFilter.test(resource);
                }
            } catch (IOException e) {
                throw new StackException("cannot read " + output.path("url").asText() + ": " + e.getMessage(), e);
            }
        }
        return new PublicationSummary(manifestUrl, manifest.path("transactionTime").asText(null), byType, byStatus, files);
    }

    private static HttpResponse<java.io.InputStream> get(HttpClient http, String url) {
        try {
            HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new StackException("GET " + url + " answered HTTP " + response.statusCode());
            }
            return response;
        } catch (IOException e) {
            throw new StackException("GET " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while reading " + url, e);
        }
    }
}
