package io.slotstream.publish.http;

import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.publish.config.PublishProperties;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.publish.snapshot.Delta;
import io.slotstream.publish.snapshot.Publication;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Optional;

/**
 * {@code GET|HEAD /$bulk-publish[?_since=T]}: the manifest of the current snapshot (SMART Scheduling Links STU1 §3).
 * <ul>
 * <li>Any {@code Accept} (none, {@code application/json}, ...) gets the same body as {@code application/json}
 * (sched-2).</li>
 * <li>{@code Cache-Control: public, max-age=<slotstream.publish.cache-max-age>} (sched-5, short: the manifest
 * moves); weak {@code ETag} per publication version, base URLs and {@code _since}, {@code Last-Modified} =
 * the answer's transactionTime (the full manifest's or S); {@code 304} on a matching {@code If-None-Match} or a
 * not-older {@code If-Modified-Since}
 * (sched-7, evaluated by Spring for GET and HEAD).</li>
 * <li>{@code _since=T} (sched-8): an incremental manifest listing the current files of the groups changed after
 * {@code T - since-overlap} and their deletion files ({@code deleted}); the full manifest when T is before the
 * retained history or after this replica's transactionTime; a malformed T gives 400 with an OperationOutcome.</li>
 * <li>503 with an OperationOutcome and {@code Retry-After} until the first snapshot exists.</li>
 * </ul>
 */
@RestController
class BulkPublishController {

    private final SnapshotPublisher publisher;
    private final ManifestWriter manifests;
    private final BaseUrls baseUrls;
    private final CacheControl cacheControl;
    private final long overlap;

    BulkPublishController(SnapshotPublisher publisher, ManifestWriter manifests, BaseUrls baseUrls,
                          PublishProperties properties) {
        this.publisher = publisher;
        this.manifests = manifests;
        this.baseUrls = baseUrls;
        this.cacheControl = CacheControl.maxAge(properties.cacheMaxAge()).cachePublic();
        this.overlap = properties.sinceOverlap().toMillis();
    }

    @GetMapping("/$bulk-publish")
    ResponseEntity<?> manifest(@RequestParam(name = "_since", required = false) String since,
                                    HttpServletRequest request) {
        Long sinceMillis = null;
        if (since != null) {
            try {
                sinceMillis = SinceParameter.parse(since);
            } catch (IllegalArgumentException e) {
                return OperationOutcomes.response(400, OperationOutcomes.error(IssueType.INVALID, e.getMessage(),
                        "_since"));
            }
        }
        Optional<Publication> current = publisher.current();
        if (current.isEmpty()) {
            HttpHeaders retry = new HttpHeaders();
            retry.set(HttpHeaders.RETRY_AFTER, "5");
            return OperationOutcomes.response(503, OperationOutcomes.error(IssueType.TRANSIENT,
                    "the first snapshot of the publication is not cut yet", null), retry);
        }
        Publication publication = current.get();
        String baseUrl = baseUrls.of(request);
        String filesUrl = baseUrls.files(baseUrl);
        String tag = "m-" + publication.version() + "-" + Integer.toHexString((baseUrl + " " + filesUrl).hashCode());
        Optional<Delta> delta = sinceMillis == null ? Optional.empty() : publication.since(sinceMillis, overlap);
        byte[] body;
        long lastModified = publication.transactionTime();
        if (delta.isEmpty()) {
            body = manifests.full(publication, baseUrl, filesUrl);
            lastModified = publication.fullTransactionTime();
        } else {
            tag += "-s" + sinceMillis;
            body = manifests.incremental(publication, delta.get(), baseUrl, filesUrl);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(cacheControl)
                .eTag("W/\"" + tag + "\"")
                .lastModified(lastModified)
                .body(body);
    }
}
