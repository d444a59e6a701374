package io.slotstream.ingest.feed;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.IntakeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;

/**
 * Issue 15 deliverable 4: what a subscribed feed delivers, on arbitrary bytes: the {@code $bulk-publish} manifest
 * ({@link Manifest#parse}) and an NDJSON file line by line as the poller reads it ({@link NdjsonLines}, JSON, the
 * lenient {@link FeedNormalizer}, then the strict intake parse). Allowed outcomes are the dead-letter paths (invalid
 * JSON, not an object, {@link FeedNormalizer.UnusableLine}, {@link IntakeException}) and a rejected manifest
 * ({@link IllegalArgumentException}); anything else thrown would stop a poll. Seeds: the shipped example feeds.
 */
class FeedParserFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FhirJsonReader READER = new FhirJsonReader(FhirContext.forR4Cached());
    private static final Instant STAMP = Instant.parse("2026-10-01T00:00:00Z");

    @FuzzTest(maxDuration = "30m")
    void manifest(byte[] document) {
        JsonNode json;
        try {
            json = JSON.readTree(document);
        } catch (IOException notJson) {
            return;
        }
        if (json == null) {
            return;
        }
        try {
            Manifest.parse(json, "https://feeds.example.org/p/$bulk-publish", new FeedWarnings());
        } catch (IllegalArgumentException rejected) {
            // the poll reports the feed as failing; nothing is written
        }
    }

    @FuzzTest(maxDuration = "30m")
    void ndjsonFile(byte[] file) throws IOException {
        NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(file), 4096);
        FeedNormalizer normalizer = new FeedNormalizer("urn:slotstream:source:");
        FeedNormalizer.PollState poll = new FeedNormalizer.PollState();
        FeedWarnings warnings = new FeedWarnings();
        NdjsonLines.Line line;
        while ((line = lines.next()) != null) {
            if (line.tooLong()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line.text());
            } catch (JsonProcessingException invalid) {
                continue;
            }
            if (!(node instanceof ObjectNode resource)) {
                continue;
            }
            try {
                FeedNormalizer.Normalized normalized = normalizer.normalize(resource, "fuzz",
                        "https://feeds.example.org/p/", STAMP, STAMP, warnings, poll);
                if (normalized != null) {
                    READER.parse(normalized.resource(), normalized.resource().toString());
                }
            } catch (FeedNormalizer.UnusableLine | IntakeException deadLetter) {
                // goes to the dead-letter topic with its reason
            }
        }
    }
}
