package io.slotstream.publish.config;

import io.slotstream.publish.snapshot.Publication;
import io.slotstream.publish.snapshot.SnapshotPublisher;
import io.slotstream.publish.store.TopicMaterializer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;

/**
 * Health {@code publication}: UP when the store caught up with the topics and a first snapshot is published, else
 * OUT_OF_SERVICE. Part of the readiness group only (application.yml), so liveness never fails during a restore. A
 * failed cut (e.g. a full disk) does not change the status: the previous publication is still served whole; the
 * detail {@code lastCutFailure} says why (cleared by the next successful cut).
 */
@Component("publication")
class PublicationHealthIndicator implements HealthIndicator {

    private final TopicMaterializer materializer;
    private final SnapshotPublisher publisher;

    PublicationHealthIndicator(TopicMaterializer materializer, SnapshotPublisher publisher) {
        this.materializer = materializer;
        this.publisher = publisher;
    }

    @Override
    public Health health() {
        Optional<Publication> snapshot = publisher.current();
        Health.Builder health = materializer.caughtUp() && snapshot.isPresent() ? Health.up() : Health.outOfService();
        health.withDetail("caughtUp", materializer.caughtUp()).withDetail("skippedRecords", materializer.skipped());
        health.withDetail("storage", publisher.storage().describe());
        snapshot.ifPresent(s -> health.withDetail("version", s.version()).withDetail("files", s.files().size())
                .withDetail("transactionTime", Instant.ofEpochMilli(s.transactionTime()).toString()));
        publisher.lastFailure().ifPresent(f -> health.withDetail("lastCutFailure", f.at() + " " + f.message()));
        return health.build();
    }
}
