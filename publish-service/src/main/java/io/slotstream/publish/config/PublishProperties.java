package io.slotstream.publish.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code slotstream.publish.*}: where and how often the bulk publication is cut and how it is served. Every property
 * has an env override (relaxed binding, e.g. {@code SLOTSTREAM_PUBLISH_BASE_URL}).
 *
 * @param dir                  publication directory (snapshots) and, under {@code store/}, the RocksDB view; blank =
 *                             {@code $SLOTSTREAM_STATE_DIR/publication}, else {@code java.io.tmpdir/slotstream-publish}
 * @param baseUrl              public base URL the manifest and file URLs start with, e.g.
 *                             {@code https://sched.example.org/fhir} (behind a proxy); blank = from the request
 * @param snapshotInterval     cadence of snapshots; a snapshot is only cut when the view changed (default 60 s)
 * @param retainPrevious       how long a superseded snapshot's files stay downloadable (default 5 min)
 * @param sinceRetention       how long deletions are remembered for {@code _since}; an older {@code _since} gets the
 *                             full publication (sched-8; default 24 h)
 * @param maxLinesPerFile      size cap of one NDJSON file; bigger groups roll to {@code -2}, {@code -3}... (default 100000)
 * @param cacheMaxAge          {@code Cache-Control: max-age} of manifest and files (sched-5; default 60 s)
 * @param defaultPatientType   accepting-patients code published when a slot has no patient-type upstream (STU1 §6.1
 *                             makes it 1..1 on every Slot; default {@code newpt})
 * @param defaultPatientTypeDisplay display of that code
 */
@ConfigurationProperties("slotstream.publish")
public record PublishProperties(
        String dir,
        String baseUrl,
        @DefaultValue("60s") Duration snapshotInterval,
        @DefaultValue("5m") Duration retainPrevious,
        @DefaultValue("24h") Duration sinceRetention,
        @DefaultValue("100000") int maxLinesPerFile,
        @DefaultValue("60s") Duration cacheMaxAge,
        @DefaultValue("newpt") String defaultPatientType,
        @DefaultValue("Accepting new and existing patients") String defaultPatientTypeDisplay) {

    /** @return the publication directory: {@link #dir()}, else under SLOTSTREAM_STATE_DIR, else under java.io.tmpdir */
    public Path resolvedDir() {
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String state = System.getenv("SLOTSTREAM_STATE_DIR");
        if (state != null && !state.isBlank()) {
            return Path.of(state, "publication");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "slotstream-publish");
    }
}
