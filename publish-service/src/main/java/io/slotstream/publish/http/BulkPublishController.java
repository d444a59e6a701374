package io.slotstream.publish.http;

import io.slotstream.publish.config.PublishProperties;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.publish.snapshot.LiveSnapshot;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
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
 * <li>{@code Cache-Control: public, max-age=<slotstream.publish.cache-max-age>} (sched-5); weak {@code ETag} per
 * snapshot, base URL and {@code _since}, {@code Last-Modified} = transactionTime; {@code 304} on a matching
 * {@code If-None-Match} or a not-older {@code If-Modified-Since} (sched-7, evaluated by Spring for GET and HEAD).</li>
 * <li>{@code _since=T} (sched-8): an incremental manifest of the changes in (T, transactionTime] with a
 * {@code deleted} output; T before the retained history gives the full manifest; a malformed T gives 400 with an
 * OperationOutcome.</li>
 * <li>503 with an OperationOutcome and {@code Retry-After} until the first snapshot exists.</li>
 * </ul>
 */
@RestController
class BulkPublishController {

    private final SnapshotPublisher publisher;
    private final ManifestWriter manifests;
    private final BaseUrls baseUrls;
    private final CacheControl cacheControl;

    BulkPublishController(SnapshotPublisher publisher, ManifestWriter manifests, BaseUrls baseUrls,
                          PublishProperties properties) {
        this.publisher = publisher;
        this.manifests = manifests;
        this.baseUrls = baseUrls;
        this.cacheControl = CacheControl.maxAge(properties.cacheMaxAge()).cachePublic();
    }

    @GetMapping("/$bulk-publish")
    ResponseEntity<byte[]> manifest(@RequestParam(name = "_since", required = false) String since,
                                    HttpServletRequest request) {
        Long sinceMillis = null;
        if (since != null) {
            try {
                sinceMillis = SinceParameter.parse(since);
            } catch (IllegalArgumentException e) {
                return OperationOutcomes.error(HttpStatus.BAD_REQUEST, "invalid", e.getMessage(), "_since");
            }
        }
        Optional<LiveSnapshot> current = publisher.current();
        if (current.isEmpty()) {
            ResponseEntity<byte[]> busy = OperationOutcomes.error(HttpStatus.SERVICE_UNAVAILABLE, "transient",
                    "the first snapshot of the publication is not cut yet", null);
            return ResponseEntity.status(busy.getStatusCode()).headers(busy.getHeaders()).header("Retry-After", "5")
                    .body(busy.getBody());
        }
        LiveSnapshot snapshot = current.get();
        String baseUrl = baseUrls.of(request);
        String tag = "m-" + snapshot.id() + "-" + Integer.toHexString(baseUrl.hashCode());
        byte[] body;
        if (sinceMillis == null || sinceMillis < snapshot.horizon()) {
            body = manifests.full(snapshot, baseUrl);
        } else {
            var delta = snapshot.delta(sinceMillis);
            tag += "-s" + delta.since();
            body = manifests.incremental(snapshot, delta, baseUrl);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(cacheControl)
                .eTag("W/\"" + tag + "\"")
                .lastModified(snapshot.transactionTime())
                .body(body);
    }
}
