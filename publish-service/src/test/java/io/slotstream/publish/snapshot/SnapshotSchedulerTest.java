package io.slotstream.publish.snapshot;

import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.Replica;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.store.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.slotstream.publish.snapshot.SinceConvergenceTest.change;
import static io.slotstream.publish.snapshot.SinceConvergenceTest.timed;
import static org.assertj.core.api.Assertions.assertThat;

/** The cut cadence, ticked by hand on a hand-moved clock. */
class SnapshotSchedulerTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private Replica replica(PublicationStorage storage) {
        return new Replica(dir.resolve("replica"), storage, 1 << 20, Duration.ofDays(1), Duration.ofMinutes(5), clock);
    }

    @Test
    void cutsOnceCaughtUpAndThenAtMostOncePerInterval() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files")); Replica replica = replica(storage)) {
            AtomicBoolean caughtUp = new AtomicBoolean(false);
            SnapshotScheduler scheduler = new SnapshotScheduler(replica.publisher, caughtUp::get, INTERVAL, clock);
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0)), Map.of());

            scheduler.tick();
            assertThat(replica.publisher.current()).as("not caught up: no cut").isEmpty();

            caughtUp.set(true);
            scheduler.tick();
            assertThat(replica.publisher.current()).get().extracting(Publication::transactionTime).isEqualTo(T0);

            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 1_000)), Map.of());
            clock.advance(INTERVAL.toMillis() - 1);
            scheduler.tick();
            assertThat(replica.publisher.current().orElseThrow().transactionTime()).as("within the interval").isEqualTo(T0);
            clock.advance(1);
            scheduler.tick();
            assertThat(replica.publisher.current().orElseThrow().transactionTime()).isEqualTo(T0 + 1_000);
        }
    }

    @Test
    void theNextTickIsDueWhenTheIntervalSinceTheLastCutsStartEnds() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files")); Replica replica = replica(storage)) {
            AtomicBoolean caughtUp = new AtomicBoolean(false);
            SnapshotScheduler scheduler = new SnapshotScheduler(replica.publisher, caughtUp::get, INTERVAL, clock);
            assertThat(scheduler.tick()).as("not caught up: ticks every interval / 5").isEqualTo(1_000);

            caughtUp.set(true);
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0)), Map.of());
            scheduler.tick(); // cuts at T0
            clock.advance(4_700);
            assertThat(scheduler.tick()).as("the cut is due in 300 ms, not on the next 1-s tick").isEqualTo(300);
            clock.advance(2_000);
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 6_000)), Map.of());
            assertThat(scheduler.tick()).as("cut now; the next one is due in a whole interval, ticked every second")
                    .isEqualTo(1_000);
            assertThat(replica.publisher.current().orElseThrow().transactionTime()).isEqualTo(T0 + 6_000);
        }
    }

    /** The publish-service SIGKILL fault scenario found it: a restarted replica served its restored cut forever. */
    @Test
    void aRestartedReplicaThatRestoredItsPublicationCutsWhatChangedSince() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            try (Replica replica = replica(storage)) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0)), Map.of());
                replica.publisher.cut();
            }
            try (Replica restarted = replica(storage)) {
                assertThat(restarted.publisher.current()).as("restored").isPresent();
                restarted.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 1_000)), Map.of());
                SnapshotScheduler scheduler = new SnapshotScheduler(restarted.publisher, () -> true, INTERVAL, clock);

                scheduler.tick();
                assertThat(restarted.publisher.current().orElseThrow().transactionTime()).isEqualTo(T0 + 1_000);

                restarted.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 3), T0 + 2_000)), Map.of());
                clock.advance(INTERVAL.toMillis());
                scheduler.tick();
                assertThat(restarted.publisher.current().orElseThrow().transactionTime()).isEqualTo(T0 + 2_000);
            }
        }
    }
}
