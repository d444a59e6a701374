package io.slotstream.publish.snapshot;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreView;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the incremental answer to {@code _since=T} for one snapshot S (sched-8): one file per type with the
 * resources changed in (T, S] as they are in S ({@code Slot.ndjson}...), and {@code deleted.ndjson} with the
 * deletions in (T, S] the FHIR Bulk Data way: transaction Bundles of up to {@value #DELETES_PER_BUNDLE}
 * {@code DELETE Type/id} entries per line. Files roll at {@code maxLines} like snapshot files.
 */
final class DeltaWriter {

    static final int DELETES_PER_BUNDLE = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    private final int maxLines;

    DeltaWriter(int maxLines) {
        this.maxLines = maxLines;
    }

    /**
     * @param prefix the directory's path relative to the snapshot directory, with a trailing slash
     * @return output files in manifest order, and the deletion files
     */
    Delta write(StoreView view, long since, Path dir, String prefix) {
        Map<ResourceType, RollingNdjsonWriter> writers = new EnumMap<>(ResourceType.class);
        for (ResourceType type : ResourceType.values()) {
            writers.put(type, new RollingNdjsonWriter(dir, prefix, type.fhirType(), type.fhirType(), maxLines));
        }
        RollingNdjsonWriter deletions = new RollingNdjsonWriter(dir, prefix, "deleted", "Bundle", maxLines);
        List<String> pending = new ArrayList<>();
        try {
            view.changesSince(since, resource -> {
                RollingNdjsonWriter writer = writers.get(resource.type());
                writer.states(resource.type() == ResourceType.SLOT ? SnapshotWriter.statesOf(resource.group()) : resource.group());
                write(writer, resource.line());
            }, deleted -> {
                pending.add(deleted.type().fhirType() + "/" + deleted.id());
                if (pending.size() == DELETES_PER_BUNDLE) {
                    write(deletions, deleteBundle(pending));
                    pending.clear();
                }
            });
            if (!pending.isEmpty()) {
                write(deletions, deleteBundle(pending));
            }
            List<PublishedFile> output = new ArrayList<>();
            for (RollingNdjsonWriter writer : writers.values()) {
                writer.close();
                output.addAll(writer.files());
            }
            deletions.close();
            return new Delta(since, output, deletions.files());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the _since files to " + dir, e);
        }
    }

    /** @return one transaction Bundle deleting the references, e.g. {@code Slot/123} */
    static byte[] deleteBundle(List<String> references) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + references.size() * 80);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "transaction");
            json.writeArrayFieldStart("entry");
            for (String reference : references) {
                json.writeStartObject();
                json.writeObjectFieldStart("request");
                json.writeStringField("method", "DELETE");
                json.writeStringField("url", reference);
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(RollingNdjsonWriter writer, byte[] line) {
        try {
            writer.write(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
