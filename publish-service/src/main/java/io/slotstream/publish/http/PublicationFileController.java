package io.slotstream.publish.http;

import io.slotstream.publish.config.PublishProperties;
import io.slotstream.publish.snapshot.LiveSnapshot;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code GET|HEAD /data/{snapshot}/{file}} and {@code /data/{snapshot}/since-{T}/{file}}: the NDJSON files of the
 * current snapshot and of snapshots still in their grace period. Files never change, so the weak {@code ETag} is
 * snapshot + path and {@code Last-Modified} the snapshot's transactionTime (sched-7). Same body for any
 * {@code Accept} (sched-3), {@code Content-Type: application/fhir+ndjson}, {@code Cache-Control} as the manifest
 * (sched-5). An unknown snapshot or file gives 404 with an OperationOutcome.
 */
@RestController
class PublicationFileController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/fhir+ndjson");
    private static final Pattern SNAPSHOT = Pattern.compile("\\d{1,19}");
    private static final Pattern DIR = Pattern.compile("since-\\d{1,19}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9-]{1,120}\\.ndjson");

    private final SnapshotPublisher publisher;
    private final CacheControl cacheControl;

    PublicationFileController(SnapshotPublisher publisher, PublishProperties properties) {
        this.publisher = publisher;
        this.cacheControl = CacheControl.maxAge(properties.cacheMaxAge()).cachePublic();
    }

    @GetMapping("/data/{snapshot}/{file}")
    ResponseEntity<?> file(@PathVariable String snapshot, @PathVariable String file) {
        return serve(snapshot, null, file);
    }

    @GetMapping("/data/{snapshot}/{dir}/{file}")
    ResponseEntity<?> sinceFile(@PathVariable String snapshot, @PathVariable String dir, @PathVariable String file) {
        return serve(snapshot, dir, file);
    }

    private ResponseEntity<?> serve(String snapshotId, String dir, String file) {
        boolean wellFormed = SNAPSHOT.matcher(snapshotId).matches() && FILE.matcher(file).matches()
                && (dir == null || DIR.matcher(dir).matches());
        LiveSnapshot snapshot = wellFormed ? publisher.find(snapshotId) : null;
        String relative = dir == null ? file : dir + "/" + file;
        Path path = snapshot == null ? null : snapshot.resolve(relative);
        if (path == null) {
            return OperationOutcomes.error(HttpStatus.NOT_FOUND, "not-found",
                    "no published file " + snapshotId + "/" + relative + " (snapshots are kept for a grace period "
                            + "after the manifest moved on; fetch the manifest again)", null);
        }
        return ResponseEntity.ok()
                .contentType(NDJSON)
                .cacheControl(cacheControl)
                .eTag("W/\"f-" + snapshot.id() + "-" + relative.replace('/', '-') + "\"")
                .lastModified(snapshot.transactionTime())
                .body(new FileSystemResource(path));
    }
}
