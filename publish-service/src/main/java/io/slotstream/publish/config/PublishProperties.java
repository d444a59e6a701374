package io.slotstream.publish.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code slotstream.publish.*}: where and how often the bulk publication is cut and how it is served. Every property
 * has an env override (relaxed binding, e.g. {@code SLOTSTREAM_PUBLISH_BASE_URL}).
 *
 * @param dir                  state directory: the RocksDB view ({@code store/}), files being written
 *                             ({@code tmp/}) and, with filesystem storage, the files ({@code files/}); blank =
 *                             {@code $SLOTSTREAM_STATE_DIR/publication}, else {@code java.io.tmpdir/slotstream-publish}
 * @param baseUrl              public base URL of the service, e.g. {@code https://sched.example.org/fhir} (behind a
 *                             proxy); blank = from the request
 * @param filesBaseUrl         public base URL the manifest's file URLs start with (a CDN, or the bucket when it is
 *                             public), e.g. {@code https://cdn.example.org/slots}; blank = the service's own
 *                             {@code <base>/data}
 * @param snapshotInterval     cut cadence; a cut is only made when a group changed (default 5 s)
 * @param retainPrevious       grace period: how long a file the manifest stopped listing stays downloadable
 *                             (default 5 min)
 * @param sinceRetention       how long (before the newest change) deletions are remembered for {@code _since}; an
 *                             older {@code _since} gets the full publication (sched-8; default 24 h)
 * @param sinceOverlap         how far before {@code _since} the answer looks, to cover records that arrive after
 *                             newer records of other partitions (default 5 s)
 * @param fullRefreshInterval  how long a changed group's full files may stay stale while its changes go to its
 *                             change files only, in change time (record timestamps); zero rewrites a changed group's
 *                             full files at every cut; at rest every stale group is rewritten (default 60 s)
 * @param maxFileBytes         byte cap of one NDJSON file; bigger groups roll to more files (default 16 MB)
 * @param writerThreads        how many groups a cut writes at once (default 8: a cut of change files mostly waits for
 *                             fsyncs or object-storage PUTs, and more threads than cores overlap the waits)
 * @param cacheMaxAge          {@code Cache-Control: max-age} of the manifest (sched-5; default 5 s)
 * @param fileMaxAge           {@code Cache-Control: max-age} of the immutable files (default 365 days)
 * @param defaultPatientType   accepting-patients code published when a slot has no patient-type upstream (STU1 §6.1
 *                             makes it 1..1 on every Slot; default {@code newpt})
 * @param defaultPatientTypeDisplay display of that code
 * @param storage              where the files go
 */
@ConfigurationProperties("slotstream.publish")
public record PublishProperties(
        String dir,
        String baseUrl,
        String filesBaseUrl,
        @DefaultValue("5s") Duration snapshotInterval,
        @DefaultValue("5m") Duration retainPrevious,
        @DefaultValue("24h") Duration sinceRetention,
        @DefaultValue("5s") Duration sinceOverlap,
        @DefaultValue("60s") Duration fullRefreshInterval,
        @DefaultValue("16MB") DataSize maxFileBytes,
        @DefaultValue("8") int writerThreads,
        @DefaultValue("5s") Duration cacheMaxAge,
        @DefaultValue("365d") Duration fileMaxAge,
        @DefaultValue("newpt") String defaultPatientType,
        @DefaultValue("Accepting new and existing patients") String defaultPatientTypeDisplay,
        @DefaultValue Storage storage) {

    /**
     * {@code slotstream.publish.storage.*}.
     *
     * @param type {@code filesystem} (default: {@code <dir>/files}) or {@code s3}
     * @param s3   the bucket, when {@code type} is {@code s3}
     */
    public record Storage(@DefaultValue("filesystem") String type, @DefaultValue S3 s3) {
    }

    /**
     * {@code slotstream.publish.storage.s3.*}: an S3-compatible bucket (AWS S3, MinIO, Ceph...).
     *
     * @param bucket          bucket name (required)
     * @param prefix          key prefix of the files, e.g. {@code publication/}; blank = bucket root
     * @param endpoint        endpoint URL of a non-AWS server; blank = AWS
     * @param region          signing region (default {@code us-east-1})
     * @param pathStyle       path-style addressing, needed by most non-AWS servers (default false)
     * @param accessKeyId     static credentials; blank = the AWS SDK's default chain (env, profile, instance role)
     * @param secretAccessKey secret of the static credentials
     */
    public record S3(String bucket, String prefix, String endpoint, @DefaultValue("us-east-1") String region,
                     @DefaultValue("false") boolean pathStyle, String accessKeyId, String secretAccessKey) {

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + "]";
        }
    }

    /** @return the state directory: {@link #dir()}, else under SLOTSTREAM_STATE_DIR, else under java.io.tmpdir */
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
