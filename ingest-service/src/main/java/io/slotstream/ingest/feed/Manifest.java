package io.slotstream.ingest.feed;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code $bulk-publish} manifest as a lenient client reads it (spec §3; aggregator field notes, "Manifest").
 *
 * @param transactionTime the manifest's {@code transactionTime}; null when missing or not a timestamp
 * @param incremental     true when the publisher answered a {@code _since} request with changes only: the manifest has
 *                        a {@code deleted} list, or its {@code request} carries {@code _since} (sched-8)
 * @param outputs         files to read, in manifest order (nested arrays flattened)
 * @param deleted         Bulk Data style deletion files (NDJSON of transaction Bundles of DELETE entries)
 */
record Manifest(Instant transactionTime, boolean incremental, List<Output> outputs, List<Output> deleted) {

    /**
     * @param type   the output's {@code type}
     * @param url    absolute URL exactly as listed, query string kept (signed storage URLs need it)
     * @param states the {@code extension.state} hint (a hint only: Location.address.state decides)
     */
    record Output(String type, String url, List<String> states) {
    }

    /**
     * @param manifestUrl the URL the manifest was fetched from: relative file URLs are resolved against it
     * @throws IllegalArgumentException when the document is not a JSON object with an {@code output} array (or nested
     *                                  arrays of outputs)
     */
    static Manifest parse(JsonNode json, String manifestUrl, FeedWarnings warnings) {
        if (!json.isObject() || !json.path("output").isArray()) {
            throw new IllegalArgumentException("not a $bulk-publish manifest: expected a JSON object with an 'output' array");
        }
        Instant transactionTime = null;
        JsonNode tt = json.path("transactionTime");
        try {
            transactionTime = tt.isTextual() ? OffsetDateTime.parse(tt.asText()).toInstant() : null;
        } catch (DateTimeParseException e) {
            transactionTime = null;
        }
        if (transactionTime == null) {
            warnings.add(FeedWarning.MANIFEST_TRANSACTION_TIME_INVALID);
        }
        URI base = URI.create(manifestUrl);
        List<Output> outputs = new ArrayList<>();
        collect(json.path("output"), base, outputs, warnings, 0);
        List<Output> deleted = new ArrayList<>();
        collect(json.path("deleted"), base, deleted, warnings, 0);
        boolean incremental = json.has("deleted") || json.path("request").asText("").contains("_since=");
        return new Manifest(transactionTime, incremental, outputs, deleted);
    }

    private static void collect(JsonNode array, URI base, List<Output> into, FeedWarnings warnings, int depth) {
        for (JsonNode output : array) {
            if (output.isArray()) {
                warnings.add(FeedWarning.MANIFEST_NESTED_OUTPUT);
                collect(output, base, into, warnings, depth + 1);
                continue;
            }
            String url = output.path("url").asText("");
            if (url.isBlank()) {
                continue;
            }
            String absolute = url.regionMatches(true, 0, "http://", 0, 7) || url.regionMatches(true, 0, "https://", 0, 8)
                    ? url : base.resolve(url.trim()).toString();
            into.add(new Output(output.path("type").asText(""), absolute, states(output, warnings)));
        }
    }

    private static List<String> states(JsonNode output, FeedWarnings warnings) {
        JsonNode extension = output.get("extension");
        if (extension == null || extension.isNull()) {
            return List.of();
        }
        if (!extension.isObject()) {
            warnings.add(FeedWarning.MANIFEST_EXTENSION_NOT_OBJECT);
            return List.of();
        }
        JsonNode state = extension.path("state");
        if (state.isTextual()) {
            warnings.add(FeedWarning.MANIFEST_STATE_NOT_ARRAY);
            return List.of(state.asText());
        }
        List<String> states = new ArrayList<>();
        state.forEach(s -> states.add(s.asText()));
        return states;
    }
}
