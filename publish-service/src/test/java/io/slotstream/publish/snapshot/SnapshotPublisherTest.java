package io.slotstream.publish.snapshot;

import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.fixtures.Replica;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.TimedChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.slotstream.publish.snapshot.SinceConvergenceTest.change;
import static io.slotstream.publish.snapshot.SinceConvergenceTest.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Group files, the byte cap, incremental cuts, the atomic switch, restarts and the grace period. */
class SnapshotPublisherTest {

    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private Replica replica(PublicationStorage storage, long maxFileBytes) {
        return new Replica(dir.resolve("replica"), storage, maxFileBytes, Duration.ofDays(1), Duration.ofMinutes(5), clock);
    }

    @Test
    void groupsSlotsByStateAndWeekAndRollsAtTheByteCap() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 3 * 42)) {
            List<TimedChange> batch = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                batch.add(timed(change(ResourceType.SLOT, "ma" + i, 1, "MA|2026-W40"), T0));
            }
            batch.add(timed(change(ResourceType.SLOT, "ct", 1, "CT,RI|2026-W41"), T0));
            batch.add(timed(change(ResourceType.SLOT, "virtual", 1, "|2026-W41"), T0));
            batch.add(timed(new io.slotstream.publish.store.StoreChange(ResourceType.LOCATION, "l1", "RI",
                    SinceConvergenceTest.line(ResourceType.LOCATION, "l1", 1).getBytes()), T0));
            batch.add(timed(change(ResourceType.SCHEDULE, "s1", 1, "RI"), T0));
            batch.add(timed(change(ResourceType.HEALTHCARE_SERVICE, "h1", 1, "CT,MA"), T0));
            batch.add(timed(change(ResourceType.PRACTITIONER_ROLE, "r1", 1, ""), T0));
            replica.store.apply(batch, Map.of());
            Publication publication = replica.publisher.cut();

            // Each Slot line is 42 bytes with its newline: three fit under the 126-byte cap.
            assertThat(publication.files()).extracting(f -> f.path().replaceAll("-[0-9a-f]{16}\\.ndjson$", ""),
                    PublishedFile::lines).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("Location-RI", 1L),
                    org.assertj.core.groups.Tuple.tuple("Schedule-RI", 1L),
                    org.assertj.core.groups.Tuple.tuple("PractitionerRole-nostate", 1L),
                    org.assertj.core.groups.Tuple.tuple("HealthcareService-CT_MA", 1L),
                    org.assertj.core.groups.Tuple.tuple("Slot-CT_RI-2026-W41", 1L),
                    org.assertj.core.groups.Tuple.tuple("Slot-MA-2026-W40", 3L),
                    org.assertj.core.groups.Tuple.tuple("Slot-MA-2026-W40", 3L),
                    org.assertj.core.groups.Tuple.tuple("Slot-MA-2026-W40", 1L),
                    org.assertj.core.groups.Tuple.tuple("Slot-nostate-2026-W41", 1L));
            assertThat(publication.files()).extracting(PublishedFile::states).containsExactly(List.of("RI"),
                    List.of("RI"), List.of(), List.of("CT", "MA"), List.of("CT", "RI"), List.of("MA"), List.of("MA"), List.of("MA"), List.of());
            assertThat(publication.transactionTime()).isEqualTo(T0);
            assertThat(PublicationReader.full(publication, storage)).hasSize(13);
            for (PublishedFile file : publication.files()) {
                Path stored = dir.resolve("files").resolve(file.path());
                assertThat(Files.size(stored)).isEqualTo(file.bytes());
                assertThat(file.path()).as("named by content").contains(
                        sha256Prefix(Files.readAllBytes(stored)));
            }
        }
    }

    @Test
    void aCutRewritesOnlyTheChangedGroupAndKeepsEveryOtherFile() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            List<TimedChange> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                batch.add(timed(change(ResourceType.SLOT, "s" + i, 1, "MA|2026-W" + (40 + i % 8)), T0));
            }
            replica.store.apply(batch, Map.of());
            Publication first = replica.publisher.cut();
            double bytesBefore = replica.bytesStored();
            Map<String, Long> modified = modifiedTimes(storage, first);

            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), T0 + 10)), Map.of());
            Publication second = replica.publisher.cut();

            Set<String> changed = second.fileNames().stream().filter(n -> !first.fileNames().contains(n)).collect(Collectors.toSet());
            assertThat(changed).singleElement().asString().startsWith("Slot-MA-2026-W43-");
            assertThat(first.fileNames().stream().filter(n -> !second.fileNames().contains(n)))
                    .singleElement().asString().startsWith("Slot-MA-2026-W43-");
            PublishedFile rewritten = second.files().stream().filter(f -> changed.contains(f.path())).findFirst().orElseThrow();
            assertThat(replica.bytesStored() - bytesBefore).as("bytes stored by the cut").isEqualTo(rewritten.bytes());
            modified.forEach((name, time) -> {
                if (second.fileNames().contains(name)) {
                    assertThat(modifiedTime(storage, name)).as("untouched file %s", name).isEqualTo(time);
                }
            });
            assertThat(second.transactionTime()).isEqualTo(T0 + 10);
            assertThat(replica.publisher.cutIfChanged()).as("nothing changed").isEmpty();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), T0 + 20)), Map.of());
            assertThat(replica.publisher.cutIfChanged()).as("a replayed record is no change").isEmpty();
        }
    }

    @Test
    void aFailedCutLeavesThePublicationAsItWasAndIsRetried() throws IOException {
        FailingStorage storage = new FailingStorage(new FileSystemStorage(dir.resolve("files")));
        try (Replica replica = replica(storage, 1 << 20)) {
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0)), Map.of());
            Publication first = replica.publisher.cutIfChanged().orElseThrow();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 1)), Map.of());
            storage.failNext = true;
            assertThatThrownBy(replica.publisher::cutIfChanged).isInstanceOf(RuntimeException.class);
            assertThat(replica.publisher.current()).contains(first);
            Publication second = replica.publisher.cutIfChanged().orElseThrow();
            assertThat(PublicationReader.full(second, storage)).containsValue(SinceConvergenceTest.line(ResourceType.SLOT, "a", 2));
        }
    }

    @Test
    void aRestartServesTheSamePublicationAndFiles() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            byte[] manifest;
            try (Replica replica = replica(storage, 1 << 20)) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0),
                        timed(change(ResourceType.LOCATION, "l", 1), T0)), Map.of());
                manifest = new ManifestWriter().full(replica.publisher.cut(), "https://p", "https://p/data");
            }
            try (Replica restarted = replica(storage, 1 << 20)) {
                Publication restored = restarted.publisher.current().orElseThrow();
                assertThat(new ManifestWriter().full(restored, "https://p", "https://p/data")).isEqualTo(manifest);
                assertThat(PublicationReader.full(restored, storage)).hasSize(2);
                assertThat(restarted.publisher.cutIfChanged()).as("nothing to rewrite after a restart").isEmpty();
            }
        }
    }

    @Test
    void filesTheManifestNoLongerListsAreDeletedAfterTheGracePeriod() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            Publication first;
            try (Replica replica = replica(storage, 1 << 20)) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1, "MA|2026-W40"), T0),
                        timed(change(ResourceType.SLOT, "b", 1, "MA|2026-W41"), T0)), Map.of());
                first = replica.publisher.cut();
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2, "MA|2026-W40"), T0 + 1)), Map.of());
                Publication second = replica.publisher.cut();
                String old = first.fileNames().stream().filter(n -> !second.fileNames().contains(n)).findFirst().orElseThrow();

                clock.advance(Duration.ofMinutes(5).toMillis() - 1);
                assertThat(replica.publisher.deleteExpired()).isZero();
                assertThat(storage.exists(old)).as("still downloadable in the grace period").isTrue();
                clock.advance(1);
                assertThat(replica.publisher.deleteExpired()).isEqualTo(1);
                assertThat(storage.exists(old)).isFalse();
                assertThat(storage.list()).containsExactlyInAnyOrderElementsOf(second.fileNames());
            }
            // A stray file (e.g. from a cut interrupted by a crash) found at start gets the same grace period.
            Path stray = Files.writeString(dir.resolve("stray.ndjson"), "{}\n");
            storage.put("Slot-MA-2026-W40-0000000000000000.ndjson", stray);
            try (Replica restarted = replica(storage, 1 << 20)) {
                clock.advance(Duration.ofMinutes(5).toMillis());
                assertThat(restarted.publisher.deleteExpired()).isEqualTo(1);
                assertThat(storage.list()).containsExactlyInAnyOrderElementsOf(restarted.publisher.current().orElseThrow().fileNames());
            }
        }
    }

    private static Map<String, Long> modifiedTimes(PublicationStorage storage, Publication publication) {
        return publication.fileNames().stream().collect(Collectors.toMap(n -> n, n -> modifiedTime(storage, n)));
    }

    private static long modifiedTime(PublicationStorage storage, String name) {
        try {
            return storage.open(name).orElseThrow().lastModified();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha256Prefix(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Real filesystem storage whose next upload fails, as a full disk or an unreachable bucket would. */
    private static final class FailingStorage implements PublicationStorage {
        private final PublicationStorage delegate;
        boolean failNext;

        FailingStorage(PublicationStorage delegate) {
            this.delegate = delegate;
        }

        @Override
        public void put(String name, Path file) throws IOException {
            if (failNext) {
                failNext = false;
                throw new IOException("no space left on device");
            }
            delegate.put(name, file);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return delegate.exists(name);
        }

        @Override
        public java.util.Optional<org.springframework.core.io.Resource> open(String name) throws IOException {
            return delegate.open(name);
        }

        @Override
        public void delete(String name) throws IOException {
            delegate.delete(name);
        }

        @Override
        public List<String> list() throws IOException {
            return delegate.list();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
