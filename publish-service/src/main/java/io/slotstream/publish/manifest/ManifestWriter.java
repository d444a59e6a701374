package io.slotstream.publish.manifest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.schemas.slot.FhirInstants;
import io.slotstream.publish.snapshot.Delta;
import io.slotstream.publish.snapshot.Publication;
import io.slotstream.publish.snapshot.PublishedFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The {@code $bulk-publish} manifest (SMART Scheduling Links STU1 §3.2; FHIR Bulk Data publish pattern):
 * <pre>{@code
 * {"transactionTime":"2026-09-30T10:00:00.123Z",          instant with seconds and offset (sched-1)
 *  "request":"<base>/$bulk-publish",                        the manifest's full URL, never a query string
 *  "requiresAccessToken":false, "outputFormat":"application/fhir+ndjson",
 *  "output":[{"type":"Slot","url":"<files>/Slot-MA-2026-W40-1f0c9a7e3b2d4c55.ndjson","extension":{"state":["MA"]}}, ...],
 *  "error":[]}
 * }</pre>
 * An incremental answer to {@code _since} (sched-8) has the same shape, its files hold only what changed, and it
 * adds {@code "deleted":[{"type":"Bundle","url":...}]} (Bulk Data style; present, possibly empty, only in
 * incremental answers: a manifest without {@code deleted} is a full publication that replaces the client's data).
 * {@code extension.state} is omitted on a file without states (virtual-only slots). {@code <files>} is the files'
 * base URL: publish-service's own {@code <base>/data}, or a public base URL (a CDN or the bucket). The bytes are a
 * function of the publication and the two base URLs only, so replicas serving the same publication answer alike.
 * Thread-safe.
 */
public final class ManifestWriter {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param baseUrl  the service's public base (the manifest's {@code request} is {@code <baseUrl>/$bulk-publish})
     * @param filesUrl the base URL of the files, no trailing slash
     * @return the manifest of the full publication; its transactionTime is {@link Publication#fullTransactionTime()}
     */
    public byte[] full(Publication publication, String baseUrl, String filesUrl) {
        return write(publication.fullTransactionTime(), baseUrl, filesUrl, publication.files(), null);
    }

    /** @return the manifest of an incremental answer; its transactionTime is S, {@link Publication#transactionTime()} */
    public byte[] incremental(Publication publication, Delta delta, String baseUrl, String filesUrl) {
        return write(publication.transactionTime(), baseUrl, filesUrl, delta.output(), delta.deleted());
    }

    /** @return the manifest URL for that base URL */
    public static String manifestUrl(String baseUrl) {
        return baseUrl + "/$bulk-publish";
    }

    private byte[] write(long transactionTime, String baseUrl, String filesUrl, List<PublishedFile> output,
                         List<PublishedFile> deleted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + 200 * output.size());
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("transactionTime", FhirInstants.format(transactionTime, 0));
            json.writeStringField("request", manifestUrl(baseUrl));
            json.writeBooleanField("requiresAccessToken", false);
            json.writeStringField("outputFormat", "application/fhir+ndjson");
            json.writeArrayFieldStart("output");
            for (PublishedFile file : output) {
                entry(json, filesUrl, file);
            }
            json.writeEndArray();
            if (deleted != null) {
                json.writeArrayFieldStart("deleted");
                for (PublishedFile file : deleted) {
                    entry(json, filesUrl, file);
                }
                json.writeEndArray();
            }
            json.writeArrayFieldStart("error");
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void entry(JsonGenerator json, String filesUrl, PublishedFile file) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", file.type());
        json.writeStringField("url", filesUrl + "/" + file.path());
        if (!file.states().isEmpty()) {
            json.writeObjectFieldStart("extension");
            json.writeArrayFieldStart("state");
            for (String state : file.states()) {
                json.writeString(state);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
