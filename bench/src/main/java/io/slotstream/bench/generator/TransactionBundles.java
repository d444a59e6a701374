package io.slotstream.bench.generator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * FHIR transaction Bundles as UTF-8 JSON bytes, what ingest-service's {@code POST /fhir} takes: one entry per
 * resource with {@code request.method} PUT and {@code request.url} {@code Type/id}, or DELETE without a resource.
 */
public final class TransactionBundles {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TransactionBundles() {
    }

    /** A Bundle that PUTs every Slot. */
    public static byte[] slots(List<GeneratedSlot> slots) {
        return write(json -> {
            for (GeneratedSlot slot : slots) {
                slotEntry(json, Change.Entry.put(slot));
            }
        });
    }

    /** A Bundle of one change's entries. */
    public static byte[] change(Change change) {
        return write(json -> {
            for (Change.Entry entry : change.entries()) {
                slotEntry(json, entry);
            }
        });
    }

    /** A Bundle that PUTs every resource tree (Locations, Schedules, ...). */
    public static byte[] resources(List<ObjectNode> resources) {
        return write(json -> {
            for (ObjectNode r : resources) {
                json.writeStartObject();
                json.writeFieldName("resource");
                MAPPER.writeTree(json, r);
                request(json, "PUT", r.path("resourceType").asText() + "/" + r.path("id").asText());
                json.writeEndObject();
            }
        });
    }

    private static void slotEntry(JsonGenerator json, Change.Entry entry) throws IOException {
        json.writeStartObject();
        if (!entry.delete()) {
            json.writeFieldName("resource");
            SlotJson.write(entry.slot(), json);
        }
        request(json, entry.delete() ? "DELETE" : "PUT", "Slot/" + entry.slot().id());
        json.writeEndObject();
    }

    private static void request(JsonGenerator json, String method, String url) throws IOException {
        json.writeObjectFieldStart("request");
        json.writeStringField("method", method);
        json.writeStringField("url", url);
        json.writeEndObject();
    }

    private interface Entries {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Entries entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "transaction");
            json.writeArrayFieldStart("entry");
            entries.write(json);
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
