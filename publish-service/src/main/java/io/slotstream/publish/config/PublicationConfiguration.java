package io.slotstream.publish.config;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.publish.ndjson.ResourceRenderer;
import io.slotstream.publish.snapshot.SnapshotMetrics;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import io.slotstream.publish.snapshot.SnapshotScheduler;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.TopicMaterializer;
import io.slotstream.schemas.topic.RegistrySettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/**
 * Wires the publication: store (RocksDB under {@code <dir>/store}), materializer (topics to store), publisher
 * (snapshots under {@code <dir>/snapshots}) and the cadence. {@link PublicationLifecycle} starts and stops them.
 */
@Configuration(proxyBeanMethods = false)
public class PublicationConfiguration {

    @Bean
    Clock publicationClock() {
        return Clock.systemUTC();
    }

    @Bean
    ResourceRenderer resourceRenderer(PublishProperties properties) {
        return new ResourceRenderer(FhirContext.forR4Cached(),
                new PatientTypeDefault(properties.defaultPatientType(), properties.defaultPatientTypeDisplay()));
    }

    @Bean(destroyMethod = "")
    PublicationStore publicationStore(PublishProperties properties, ResourceRenderer renderer, Clock clock) {
        return PublicationStore.open(properties.resolvedDir().resolve("store"), renderer.fingerprint(), clock);
    }

    @Bean(destroyMethod = "")
    TopicMaterializer topicMaterializer(@Value("${slotstream.kafka.bootstrap-servers}") String bootstrapServers,
                                        @Value("${slotstream.registry.url}") String registryUrl,
                                        PublicationStore store, ResourceRenderer renderer) {
        return new TopicMaterializer(bootstrapServers, new RegistrySettings(registryUrl, false), store, renderer);
    }

    @Bean(destroyMethod = "")
    SnapshotPublisher snapshotPublisher(PublishProperties properties, PublicationStore store, Clock clock,
                                        MeterRegistry meters) {
        return new SnapshotPublisher(store, properties.resolvedDir().resolve("snapshots"), properties.maxLinesPerFile(),
                properties.retainPrevious(), clock, new SnapshotMetrics(meters));
    }

    @Bean(destroyMethod = "")
    SnapshotScheduler snapshotScheduler(PublishProperties properties, SnapshotPublisher publisher,
                                        PublicationStore store, TopicMaterializer materializer, Clock clock) {
        return new SnapshotScheduler(publisher, store, materializer::caughtUp, properties.snapshotInterval(),
                properties.sinceRetention(), clock);
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
