package io.slotstream.ingest.feed;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Aggregator mode settings (issue 13; spec §9), prefix {@code slotstream.ingest}: the feeds subscribed at start and how
 * feeds are polled. See ingest-service/README.md, "Aggregator mode".
 *
 * @param feeds       subscriptions written to {@code ingest.feeds.v1} at start (an existing subscription with the same
 *                    source is replaced); more can be added at run time through {@code /admin/feeds}
 * @param feedPolling how every feed is polled
 */
@ConfigurationProperties("slotstream.ingest")
public record FeedProperties(@DefaultValue List<Feed> feeds, @DefaultValue Polling feedPolling) {

    /**
     * @param url      absolute http(s) URL of the publisher's {@code $bulk-publish} manifest (kept exactly)
     * @param source   source id the feed's resources are ingested as ({@code [A-Za-z0-9-]{1,32}})
     * @param headers  request headers sent to this publisher (API key, bearer token)
     * @param interval poll interval; null = {@link Polling#defaultInterval()}
     */
    public record Feed(String url, String source, @DefaultValue Map<String, String> headers, Duration interval) {
    }

    /**
     * @param defaultInterval   poll interval of a feed that names none
     * @param minimumInterval   no feed is polled more often (sched-6: at most once a minute); lower it only for a
     *                          publisher you run yourself, e.g. in tests
     * @param connectTimeout    TCP connect timeout per request
     * @param responseTimeout   time to the response headers per request
     * @param readTimeout       a body that delivers no byte for this long is abandoned (the file fails)
     * @param retries           further attempts after a failed request (I/O error, 408, 429, 5xx)
     * @param retryBackoff      wait before the first retry; doubled per attempt (a Retry-After up to 5 min wins)
     * @param failureBackoffMax a feed whose polls keep failing is polled less often, up to this interval
     * @param fullSnapshotEvery at least this often the manifest is fetched without {@code _since} (removals happen
     *                          only after a full snapshot)
     * @param staleAfter        a feed that has not changed or answered for this long is reported stale
     * @param withdrawAfter     ... and after this long its slots are withdrawn (tombstoned); 0 = never
     * @param maxLineSize       an NDJSON line longer than this goes to the dead-letter topic (memory stays bounded)
     * @param batchSize         resources per Kafka transaction while a file is read
     * @param threads           feeds polled at once by this replica
     * @param groupId           consumer group of the replicas: its partitions of ingest.feeds.v1 decide which replica
     *                          polls which feed
     * @param adminToken        when set, {@code /admin/feeds} requires {@code Authorization: Bearer <token>}
     * @param prepareThreads    threads that parse and prepare the lines of the files being read (all feeds share
     *                          them; the reading feed's own thread counts as one); 0 = one per available processor
     */
    public record Polling(@DefaultValue("5m") Duration defaultInterval,
                          @DefaultValue("1m") Duration minimumInterval,
                          @DefaultValue("10s") Duration connectTimeout,
                          @DefaultValue("30s") Duration responseTimeout,
                          @DefaultValue("60s") Duration readTimeout,
                          @DefaultValue("3") int retries,
                          @DefaultValue("2s") Duration retryBackoff,
                          @DefaultValue("2h") Duration failureBackoffMax,
                          @DefaultValue("1h") Duration fullSnapshotEvery,
                          @DefaultValue("6h") Duration staleAfter,
                          @DefaultValue("24h") Duration withdrawAfter,
                          @DefaultValue("4MB") DataSize maxLineSize,
                          @DefaultValue("500") int batchSize,
                          @DefaultValue("2") int threads,
                          @DefaultValue("slotstream-ingest-feeds") String groupId,
                          String adminToken,
                          @DefaultValue("0") int prepareThreads) {
    }
}
