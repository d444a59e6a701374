package io.slotstream.publish.config;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.publish.ndjson.ResourceRenderer;
import io.slotstream.publish.snapshot.SnapshotMetrics;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import io.slotstream.publish.snapshot.SnapshotScheduler;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.storage.S3Storage;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.TopicMaterializer;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.Clock;
import java.util.Locale;

/**
 * Wires the publication: store (RocksDB under {@code <dir>/store}), materializer (topics to store), storage (the
 * files: {@code <dir>/files} or a bucket), publisher (cuts, via {@code <dir>/tmp}) and the cadence. The clock only
 * times the cadence and grace periods; nothing published depends on it. {@link PublicationLifecycle} starts and stops them.
 */
@Configuration(proxyBeanMethods = false)
public class PublicationConfiguration {

    @Bean
    Clock publicationClock() {
        return Clock.systemUTC();
    }

    @Bean
    ResourceRenderer resourceRenderer(PublishProperties properties,
                                      @Value("${slotstream.booking.deep-link-base-url:http://127.0.0.1:8084}") String deepLinkBaseUrl,
                                      @Value("${slotstream.booking.deep-link-key:}") String deepLinkKey) {
        // Slotstream's booking deep links (booking-bridge GET /book/{slot}), signed with the key booking-bridge checks
        return new ResourceRenderer(FhirContext.forR4Cached(),
                new PatientTypeDefault(properties.defaultPatientType(), properties.defaultPatientTypeDisplay()),
                BookingDeepLinks.configured(deepLinkBaseUrl, deepLinkKey));
    }

    @Bean(destroyMethod = "")
    PublicationStore publicationStore(PublishProperties properties, ResourceRenderer renderer) {
        // The layout version is part of the fingerprint: a store of an older layout is rebuilt from the topics.
        return PublicationStore.open(properties.resolvedDir().resolve("store"), "groups-2|" + renderer.fingerprint());
    }

    @Bean(destroyMethod = "")
    PublicationStorage publicationStorage(PublishProperties properties) throws IOException {
        PublishProperties.Storage storage = properties.storage();
        return switch (storage.type().trim().toLowerCase(Locale.ROOT)) {
            case "filesystem" -> new FileSystemStorage(properties.resolvedDir().resolve("files"));
            case "s3" -> {
                PublishProperties.S3 s3 = storage.s3();
                yield new S3Storage(new S3Storage.Settings(s3.bucket(), s3.prefix(), s3.endpoint(), s3.region(),
                        s3.pathStyle(), s3.accessKeyId(), s3.secretAccessKey()), properties.fileMaxAge());
            }
            default -> throw new IllegalArgumentException("slotstream.publish.storage.type must be filesystem or s3, was '"
                    + storage.type() + "'");
        };
    }

    @Bean(destroyMethod = "")
    TopicMaterializer topicMaterializer(KafkaClientSettings kafka, RegistrySettings registry, PublicationStore store,
                                        ResourceRenderer renderer) {
        return new TopicMaterializer(kafka, registry, store, renderer);
    }

    @Bean(destroyMethod = "")
    SnapshotPublisher snapshotPublisher(PublishProperties properties, PublicationStore store,
                                        PublicationStorage storage, Clock clock, MeterRegistry meters) {
        return new SnapshotPublisher(store, storage, properties.resolvedDir().resolve("tmp"),
                properties.maxFileBytes().toBytes(), properties.writerThreads(), properties.sinceRetention(), properties.sinceOverlap(),
                properties.fullRefreshInterval(), properties.retainPrevious(), clock,
                new SnapshotMetrics(meters));
    }

    @Bean(destroyMethod = "")
    SnapshotScheduler snapshotScheduler(PublishProperties properties, SnapshotPublisher publisher,
                                        TopicMaterializer materializer, Clock clock) {
        return new SnapshotScheduler(publisher, materializer::caughtUp, properties.snapshotInterval(), clock);
    }

    @Bean
    ManifestWriter manifestWriter() {
        return new ManifestWriter();
    }

    @Bean
    PublicationLifecycle publicationLifecycle(TopicMaterializer materializer, SnapshotScheduler scheduler,
                                              SnapshotPublisher publisher, PublicationStore store) {
        return new PublicationLifecycle(materializer, scheduler, publisher, store);
    }
}
