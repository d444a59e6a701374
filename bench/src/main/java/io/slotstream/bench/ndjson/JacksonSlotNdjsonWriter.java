package io.slotstream.bench.ndjson;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.SlotJson;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Stand-in for publish-service's hot-path Slot NDJSON writer: one minified Slot per line, written with Jackson
 * streaming straight to the output stream. The {@code ndjson-writer} benchmark measures this until it is switched
 * to publish-service's own writer ({@code io.slotstream.publish.ndjson.SlotJsonWriter}, see docs/benchmarks.md).
 * Thread-safe (no state).
 */
public final class JacksonSlotNdjsonWriter {

    private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator(null);

    /** Writes the Slots as NDJSON (each line ends with {@code \n}); the stream is flushed, not closed. */
    public void write(Iterable<GeneratedSlot> slots, OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            for (GeneratedSlot slot : slots) {
                SlotJson.write(slot, json);
                json.writeRaw('\n');
            }
        }
    }
}
