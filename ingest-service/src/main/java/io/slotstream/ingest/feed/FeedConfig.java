package io.slotstream.ingest.feed;

import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.avro.FeedSubscription;
import io.slotstream.edge.tls.ServiceTls;
import io.slotstream.ingest.config.IngestProperties;
import io.slotstream.ingest.intake.IntakeService;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.kafka.TransactionalWriter;
import io.slotstream.ingest.store.AcceptedLog;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Wires aggregator mode: subscriptions on ingest.feeds.v1, the poller (through the intake path), the scheduler. */
@Configuration(proxyBeanMethods = false)
class FeedConfig {

    private static final Clock CLOCK = Clock.systemUTC();

    @Bean(destroyMethod = "close")
    FeedHttp feedHttp(FeedProperties properties, ServiceTls tls) {
        return new FeedHttp(properties.feedPolling(), tls);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    FeedSubscriptions feedSubscriptions(KafkaClientSettings kafka, RegistrySettings registry, TransactionalWriter writer,
                                        FeedProperties properties) {
        return new FeedSubscriptions(kafka, registry, writer, properties.feedPolling().groupId());
    }

    @Bean
    FeedMetrics feedMetrics(MeterRegistry registry) {
        return new FeedMetrics(registry, CLOCK);
    }

    @Bean(destroyMethod = "close")
    LinePreparation feedLinePreparation(FeedProperties properties) {
        return new LinePreparation(properties.feedPolling().prepareThreads());
    }

    @Bean
    FeedPoller feedPoller(FeedHttp http, ResourcePreparer preparer, IntakeService intake, FeedMetrics metrics,
                          IngestProperties ingest, FeedProperties properties, LinePreparation preparation) {
        return new FeedPoller(http, new FeedNormalizer(ingest.identifierSystemBase()), preparer, intake, metrics,
                properties.feedPolling(), CLOCK, preparation);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    FeedScheduler feedScheduler(FeedSubscriptions subscriptions, FeedPoller poller, FeedMetrics metrics,
                                FeedProperties properties, AcceptedLog store) {
        return new FeedScheduler(subscriptions, poller, metrics, properties.feedPolling(), CLOCK, store::isReady);
    }

    /**
     * Writes the feeds of {@code slotstream.ingest.feeds[n]} to ingest.feeds.v1 once the topic has been read (a
     * subscription that is already there unchanged is not rewritten).
     *
     * @throws IllegalArgumentException at start when a configured feed is invalid (names the property)
     */
    @Bean
    ApplicationRunner configuredFeeds(FeedSubscriptions subscriptions, FeedProperties properties,
                                      @Value("${slotstream.startup.stack-timeout:30s}") Duration wait) {
        return args -> {
            for (int i = 0; i < properties.feeds().size(); i++) {
                validate(properties.feeds().get(i), "slotstream.ingest.feeds[" + i + "]", properties.feedPolling());
            }
            if (properties.feeds().isEmpty()) {
                return;
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (!subscriptions.caughtUp()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingest.feeds.v1 could not be read within " + wait.toSeconds() + " s");
                }
                Thread.sleep(50);
            }
            for (FeedProperties.Feed feed : properties.feeds()) {
                Duration interval = feed.interval() == null ? properties.feedPolling().defaultInterval() : feed.interval();
                var existing = subscriptions.get(feed.source());
                Map<String, String> headers = feed.headers() == null ? Map.of() : Map.copyOf(feed.headers());
                if (existing.isPresent() && existing.get().getUrl().equals(feed.url())
                        && existing.get().getHeaders().equals(headers) && existing.get().getIntervalMillis() == interval.toMillis()) {
                    continue;
                }
                subscriptions.put(FeedSubscription.newBuilder().setSource(feed.source()).setUrl(feed.url())
                        .setHeaders(headers).setIntervalMillis(interval.toMillis()).setUpdatedAt(CLOCK.instant()).build());
            }
        };
    }

    private static void validate(FeedProperties.Feed feed, String property, FeedProperties.Polling polling) {
        if (feed.source() == null || !CanonicalId.SOURCE_ID.matcher(feed.source()).matches()) {
            throw new IllegalArgumentException(property + ".source must match [A-Za-z0-9-]{1,32}, got '" + feed.source() + "'");
        }
        URI uri;
        try {
            uri = URI.create(feed.url() == null ? "" : feed.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ".url is not a URL: " + feed.url(), e);
        }
        if (!uri.isAbsolute() || uri.getHost() == null || !uri.getScheme().toLowerCase().startsWith("http")) {
            throw new IllegalArgumentException(property + ".url must be an absolute http(s) URL, got '" + feed.url() + "'");
        }
        if (feed.interval() != null && feed.interval().compareTo(polling.minimumInterval()) < 0) {
            throw new IllegalArgumentException(property + ".interval " + feed.interval() + " is below the minimum "
                    + polling.minimumInterval() + " (sched-6: at most one poll a minute)");
        }
    }
}
