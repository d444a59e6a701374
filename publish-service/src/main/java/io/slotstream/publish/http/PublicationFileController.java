package io.slotstream.publish.http;

import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.publish.config.PublishProperties;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET|HEAD /data/{file}}: an NDJSON file of the publication, from the configured storage (local directory or
 * bucket), as long as it is stored: listed by the current manifest or within its grace period. A file name is its
 * content's hash, so the bytes never change: {@code ETag} = the name (weak, so that Tomcat may gzip), {@code Cache-Control: public,
 * max-age=<file-max-age>, immutable} (sched-5, sched-7). Same body for any {@code Accept} (sched-3),
 * {@code Content-Type: application/fhir+ndjson}. An unknown file gives 404 with an OperationOutcome.
 */
@RestController
class PublicationFileController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/fhir+ndjson");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-]{1,160}\\.ndjson");

    private final SnapshotPublisher publisher;
    private final CacheControl cacheControl;

    PublicationFileController(SnapshotPublisher publisher, PublishProperties properties) {
        this.publisher = publisher;
        this.cacheControl = CacheControl.maxAge(properties.fileMaxAge()).cachePublic().immutable();
    }

    @GetMapping("/data/{file}")
    ResponseEntity<?> file(@PathVariable String file, jakarta.servlet.http.HttpServletRequest request,
                           WebRequest webRequest) throws IOException {
        boolean wellFormed = FILE.matcher(file).matches();
        String etag = "W/\"" + file.substring(0, Math.max(0, file.length() - ".ndjson".length())) + "\"";
        if (wellFormed && webRequest.checkNotModified(etag)) {
            // The name is the content: a client holding this ETag holds these bytes. Nothing is read from storage.
            return null;
        }
        Optional<Resource> stored;
        try {
            stored = wellFormed ? publisher.storage().open(file) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (stored.isEmpty()) {
            return OperationOutcomes.response(404, OperationOutcomes.error(IssueType.NOTFOUND,
                    "no published file " + file + " (files are kept for a grace period after the manifest stopped "
                            + "listing them; fetch the manifest again)", null));
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                .contentType(NDJSON)
                .cacheControl(cacheControl)
                .eTag(etag);
        if ("HEAD".equals(request.getMethod())) {
            // A bucket's object stream would otherwise stay open (and hold a pooled connection) without a body.
            long length = stored.get().contentLength();
            if (!stored.get().isFile()) {
                stored.get().getInputStream().close();
            }
            return ok.contentLength(length).build();
        }
        return ok.body(stored.get());
    }
}
