package io.slotstream.publish.snapshot;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.slotstream.publish.snapshot.SinceConvergenceTest.change;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snapshot files, splitting, the atomic switch and the grace period (issue 6 item 1). */
class SnapshotPublisherTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(1_800_000_000_000L);

    private SnapshotPublisher publisher(PublicationStore store, int maxLines) {
        return new SnapshotPublisher(store, dir.resolve("snapshots"), maxLines, Duration.ofMinutes(5), clock,
                new SnapshotMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void splitsSlotsByStateAndWeekAndRollsAtTheSizeCap() {
        try (PublicationStore store = PublicationStore.open(dir.resolve("store"), "fp", clock);
             SnapshotPublisher publisher = publisher(store, 3)) {
            for (int i = 0; i < 7; i++) {
                store.apply(List.of(change(ResourceType.SLOT, "ma" + i, 1, "MA|2026-W40")), Map.of());
            }
            store.apply(List.of(change(ResourceType.SLOT, "ct", 1, "CT,RI|2026-W41"),
                    change(ResourceType.SLOT, "virtual", 1, "|2026-W41"),
                    change(ResourceType.LOCATION, "l1", 1, ""), change(ResourceType.SCHEDULE, "s1", 1, "")), Map.of());
            LiveSnapshot snapshot = publisher.cut();

            assertThat(snapshot.files()).extracting(PublishedFile::type, PublishedFile::path, PublishedFile::lines)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("Location", "Location.ndjson", 1L),
                            org.assertj.core.groups.Tuple.tuple("Schedule", "Schedule.ndjson", 1L),
                            org.assertj.core.groups.Tuple.tuple("Slot", "Slot-CT_RI-2026-W41.ndjson", 1L),
                            org.assertj.core.groups.Tuple.tuple("Slot", "Slot-MA-2026-W40-2.ndjson", 3L),
                            org.assertj.core.groups.Tuple.tuple("Slot", "Slot-MA-2026-W40-3.ndjson", 1L),
                            org.assertj.core.groups.Tuple.tuple("Slot", "Slot-MA-2026-W40.ndjson", 3L),
                            org.assertj.core.groups.Tuple.tuple("Slot", "Slot-nostate-2026-W41.ndjson", 1L));
            assertThat(snapshot.files().get(2).states()).containsExactly("CT", "RI");
            assertThat(snapshot.files().get(3).states()).containsExactly("MA");
            assertThat(snapshot.files().get(6).states()).isEmpty();
            assertThat(PublicationReader.full(snapshot)).hasSize(11);
            assertThat(snapshot.files()).allSatisfy(f ->
                    assertThat(Files.size(snapshot.resolve(f.path()))).isEqualTo(f.bytes()));
        }
    }

    @Test
    void cutsOnlyWhenChangedSwitchesAtomicallyAndKeepsThePreviousForTheGracePeriod() throws IOException {
        try (PublicationStore store = PublicationStore.open(dir.resolve("store"), "fp", clock);
             SnapshotPublisher publisher = publisher(store, 100)) {
            store.apply(List.of(change(ResourceType.SLOT, "a", 1)), Map.of());
            LiveSnapshot first = publisher.cutIfChanged().orElseThrow();
            clock.advance(1000);
            assertThat(publisher.cutIfChanged()).as("nothing changed").isEmpty();
            // A replay of the same record is not a change either.
            store.apply(List.of(change(ResourceType.SLOT, "a", 1)), Map.of());
            assertThat(publisher.cutIfChanged()).isEmpty();

            store.apply(List.of(change(ResourceType.SLOT, "a", 2)), Map.of());
            clock.advance(1000);
            // The next snapshot's directory cannot be created: the cut fails and the publication stays as it was.
            Path blocker = dir.resolve("snapshots").resolve(".tmp-" + clock.millis());
            Files.writeString(blocker, "in the way");
            assertThatThrownBy(publisher::cutIfChanged).isInstanceOf(RuntimeException.class);
            assertThat(publisher.current()).contains(first);
            assertThat(Files.readString(dir.resolve("snapshots/CURRENT")).trim()).isEqualTo(first.id());
            Files.deleteIfExists(blocker);

            LiveSnapshot second = publisher.cutIfChanged().orElseThrow();
            assertThat(publisher.current()).contains(second);
            assertThat(Files.readString(dir.resolve("snapshots/CURRENT")).trim()).isEqualTo(second.id());
            assertThat(PublicationReader.full(second)).containsValue(SinceConvergenceTest.line(ResourceType.SLOT, "a", 2));
            try (var names = Files.list(dir.resolve("snapshots"))) {
                assertThat(names.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(first.id(), second.id(), "CURRENT");
            }
            // The previous snapshot's files stay downloadable for the grace period, then go.
            assertThat(publisher.find(first.id())).isSameAs(first);
            clock.advance(Duration.ofMinutes(5).toMillis() - 1);
            publisher.retireExpired();
            assertThat(publisher.find(first.id()).resolve("Slot-MA-2026-W41.ndjson")).isNotNull();
            clock.advance(1);
            publisher.retireExpired();
            assertThat(publisher.find(first.id())).isNull();
            assertThat(first.dir()).doesNotExist();
            assertThat(publisher.find(second.id())).isSameAs(second);
        }
    }
}
