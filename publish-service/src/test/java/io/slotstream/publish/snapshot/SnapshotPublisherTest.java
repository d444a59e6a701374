package io.slotstream.publish.snapshot;

import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.fixtures.Replica;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreChange;
import io.slotstream.publish.store.TimedChange;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.slotstream.publish.snapshot.SinceConvergenceTest.change;
import static io.slotstream.publish.snapshot.SinceConvergenceTest.timed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group files, the byte cap, incremental cuts (change files only, full refreshes after the interval and at rest), the
 * atomic switch, restarts and the grace period.
 */
class SnapshotPublisherTest {

    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private static final Duration FULL_REFRESH = Duration.ofSeconds(60);

    private Replica replica(PublicationStorage storage, long maxFileBytes) {
        return replica("replica", storage, maxFileBytes, FULL_REFRESH);
    }

    private Replica replica(String name, PublicationStorage storage, long maxFileBytes, Duration fullRefreshInterval) {
        return new Replica(dir.resolve(name), storage, maxFileBytes, Duration.ofDays(1), fullRefreshInterval,
                Duration.ofMinutes(5), clock);
    }

    /** 200 slots over 8 groups (weeks 40 to 47), 25 each, at T0. */
    private static List<TimedChange> twoHundredSlots() {
        List<TimedChange> batch = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            batch.add(timed(change(ResourceType.SLOT, "s" + i, 1, "MA|2026-W" + (40 + i % 8)), T0));
        }
        return batch;
    }

    /** S of the cut after {@link #loadAndCut}: the slots' times are then further back than the overlap. */
    private static final long BASE = T0 + 100;

    /** Cuts {@link #twoHundredSlots()}, then a Location at {@link #BASE}; @return the second cut's publication */
    private static Publication loadAndCut(Replica replica) {
        replica.store.apply(twoHundredSlots(), Map.of());
        replica.publisher.cut();
        replica.store.apply(List.of(timed(change(ResourceType.LOCATION, "l", 1, "MA"), BASE)), Map.of());
        return replica.publisher.cut();
    }

    private static Set<String> fullFileNames(Publication publication) {
        return publication.files().stream().map(PublishedFile::path).collect(Collectors.toSet());
    }

    private static Set<String> added(Publication before, Publication after) {
        return after.fileNames().stream().filter(n -> !before.fileNames().contains(n)).collect(Collectors.toSet());
    }

    @Test
    void aCutOfOneChangedSlotWritesOnlyChangeFilesAndKeepsTheGroupsFullFiles() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            Publication first = loadAndCut(replica);
            double bytesBefore = replica.bytesStored();
            Map<String, Long> modified = modifiedTimes(storage, first);

            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), BASE + 10)), Map.of());
            Publication second = replica.publisher.cut();

            assertThat(fullFileNames(second)).as("every full file keeps its name").isEqualTo(fullFileNames(first));
            Set<String> added = added(first, second);
            PublishedGroup group = second.groups().stream().filter(g -> g.group().equals("MA|2026-W43")).findFirst().orElseThrow();
            assertThat(group.recent()).singleElement().extracting(PublishedFile::path).asString()
                    .startsWith("Slot-MA-2026-W43-changes-");
            // the cut delta: s3, and the Location changed at the previous cut (within the overlap) again
            assertThat(second.delta().files()).extracting(PublishedFile::path).satisfiesExactly(
                    location -> assertThat(location).startsWith("changes-Location-"),
                    slot -> assertThat(slot).startsWith("changes-Slot-"));
            PublishedFile deltaSlots = second.delta().files().get(1);
            Set<String> newDelta = second.delta().files().stream().map(PublishedFile::path)
                    .filter(name -> !first.fileNames().contains(name)).collect(Collectors.toSet());
            assertThat(newDelta).contains(deltaSlots.path());
            assertThat(added).as("only change files are new: the group's change tier and the cut delta")
                    .containsOnly(Stream.concat(Stream.of(group.recent().get(0).path()), newDelta.stream()).toArray(String[]::new));
            assertThat(group.stale()).isTrue();
            assertThat(group.filesTime()).as("the files hold every change before the cut's first (s3 at BASE + 10)")
                    .isEqualTo(BASE + 9);
            assertThat(PublicationReader.lines(storage, group.recent().get(0)))
                    .containsExactly(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
            assertThat(PublicationReader.lines(storage, deltaSlots))
                    .containsExactly(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
            long newDeltaBytes = second.delta().files().stream().filter(f -> newDelta.contains(f.path()))
                    .mapToLong(PublishedFile::bytes).sum();
            assertThat(replica.bytesStored() - bytesBefore).as("bytes stored by the cut: the change files")
                    .isEqualTo(group.recent().get(0).bytes() + newDeltaBytes).isLessThan(200);
            assertThat(replica.meters.get("slotstream.publish.snapshot.full.groups").summary().max())
                    .as("the first cut wrote 8 groups whole").isEqualTo(8);
            modified.forEach((name, time) ->
                    assertThat(modifiedTime(storage, name)).as("untouched file %s", name).isEqualTo(time));

            // Two times: _since answers are exact to S; the full manifest is as of the stale files' time.
            assertThat(second.transactionTime()).isEqualTo(BASE + 10);
            assertThat(second.fullTransactionTime()).isEqualTo(BASE + 9);
            assertThat(second.since(BASE, 5).orElseThrow().output()).extracting(PublishedFile::path)
                    .as("a client of the previous cut is answered from the cut delta, never from stale full files")
                    .doesNotContainAnyElementsOf(group.files().stream().map(PublishedFile::path).toList())
                    .isEqualTo(second.delta().files().stream().map(PublishedFile::path).toList());
            assertThat(second.since(T0 + 50, 0)).as("T before the stale group's recent tier: the full publication")
                    .isEmpty();
            Map<String, String> client = PublicationReader.full(second, storage);
            assertThat(client).containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 1));
            PublicationReader.apply(second.since(second.fullTransactionTime(), 5).orElseThrow(), storage, client);
            assertThat(client).as("full manifest + _since at its transactionTime: the current content")
                    .hasSize(201).containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
        }
    }

    @Test
    void staleFullFilesAreRewrittenAfterTheRefreshIntervalAndAtRest() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            Publication first = loadAndCut(replica);
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), BASE + 1_000)), Map.of());
            replica.publisher.cut();
            // stale for 59.999 s of change time (from just before s3's change): still only change files (the recent
            // tier holds both changes)
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s11", 2, "MA|2026-W43"), BASE + 60_998)), Map.of());
            Publication third = replica.publisher.cut();
            assertThat(fullFileNames(third)).isEqualTo(fullFileNames(first));
            assertThat(third.fullTransactionTime()).isEqualTo(BASE + 999);
            PublishedGroup w43 = third.groups().stream().filter(g -> g.group().equals("MA|2026-W43")).findFirst().orElseThrow();
            assertThat(w43.recent()).singleElement().satisfies(f -> assertThat(PublicationReader.lines(storage, f))
                    .containsExactlyInAnyOrder(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2),
                            SinceConvergenceTest.line(ResourceType.SLOT, "s11", 2)));

            // The files have been stale for 60 s of change time: this cut rewrites the group whole.
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s19", 2, "MA|2026-W43"), BASE + 60_999)), Map.of());
            Publication refreshed = replica.publisher.cut();
            assertThat(added(third, refreshed)).anySatisfy(n -> assertThat(n).matches("Slot-MA-2026-W43-[0-9a-f]{16}\\.ndjson"));
            assertThat(refreshed.fullTransactionTime()).isEqualTo(refreshed.transactionTime()).isEqualTo(BASE + 60_999);
            assertThat(PublicationReader.full(refreshed, storage)).containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2))
                    .containsEntry("Slot/s11", SinceConvergenceTest.line(ResourceType.SLOT, "s11", 2))
                    .containsEntry("Slot/s19", SinceConvergenceTest.line(ResourceType.SLOT, "s19", 2));

            // A change in another group makes it stale; the next cut finds no change (at rest) and rewrites it.
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s4", 2, "MA|2026-W44"), BASE + 61_000)), Map.of());
            Publication changed = replica.publisher.cutIfChanged().orElseThrow();
            assertThat(changed.fullTransactionTime()).isEqualTo(BASE + 60_999);
            Publication atRest = replica.publisher.cutIfChanged().orElseThrow(() -> new AssertionError("a stale group at rest is cut"));
            assertThat(added(changed, atRest)).anySatisfy(n -> assertThat(n).matches("Slot-MA-2026-W44-[0-9a-f]{16}\\.ndjson"));
            assertThat(atRest.transactionTime()).isEqualTo(BASE + 61_000);
            assertThat(atRest.fullTransactionTime()).isEqualTo(BASE + 61_000);
            assertThat(atRest.groups()).noneMatch(PublishedGroup::stale);
            assertThat(PublicationReader.full(atRest, storage)).hasSize(201)
                    .containsEntry("Slot/s4", SinceConvergenceTest.line(ResourceType.SLOT, "s4", 2));
            assertThat(replica.publisher.cutIfChanged()).as("at rest and nothing stale: no cut").isEmpty();
        }
    }

    @Test
    void aRecentTierReachesBackOneRefreshIntervalNotToChangesLongGone() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            loadAndCut(replica);
            // s3 changes, then every 20 s another slot of the same group: the group is refreshed after 60 s
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), BASE + 1_000)), Map.of());
            replica.publisher.cut();
            Publication last = null;
            for (int i = 1; i <= 8; i++) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s" + (3 + 8 * (i % 3 + 1)), 2 + i,
                        "MA|2026-W43"), BASE + 1_000 + i * 20_000L)), Map.of());
                last = replica.publisher.cut();
            }
            long previousTime = BASE + 1_000 + 7 * 20_000L;
            PublishedGroup w43 = last.groups().stream().filter(g -> g.group().equals("MA|2026-W43")).findFirst().orElseThrow();
            assertThat(w43.recentSince()).as("one refresh interval and the overlap before the previous cut, no older")
                    .isGreaterThanOrEqualTo(previousTime - 60_000 - SinceConvergenceTest.OVERLAP);
            assertThat(w43.recent()).allSatisfy(f -> assertThat(PublicationReader.lines(storage, f))
                    .as("s3 changed 160 s ago: in the full files, not rewritten with every cut")
                    .doesNotContain(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2)));
            assertThat(w43.stale()).as("changed since its last refresh").isTrue();
            assertThat(last.since(BASE + 1_000, 5)).as("a client from before the tier: the full publication").isEmpty();
            // a client one interval behind is still answered from the tier, not from the group's full files
            Map<String, String> client = PublicationReader.full(last, storage);
            PublicationReader.apply(last.since(previousTime - 40_000, 5).orElseThrow(), storage, client);
            assertThat(client).hasSize(201).containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
            assertThat(last.since(previousTime - 40_000, 5).orElseThrow().output()).extracting(PublishedFile::path)
                    .doesNotContainAnyElementsOf(w43.files().stream().map(PublishedFile::path).toList());
        }
    }

    @Test
    void aQuietCutRewritesOnlyATwelfthOfTheGroupsOldestStaleFirst() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            List<TimedChange> load = new ArrayList<>();
            for (int week = 10; week < 34; week++) { // 24 groups
                for (int i = 0; i < 5; i++) {
                    load.add(timed(change(ResourceType.SLOT, "w" + week + "-" + i, 1, "MA|2026-W" + week), T0));
                }
            }
            replica.store.apply(load, Map.of());
            replica.publisher.cut();
            // a cut after the load's overlap, so that the next changes go to change tiers
            replica.store.apply(List.of(timed(change(ResourceType.LOCATION, "l", 1, "MA"), T0 + 100)), Map.of());
            replica.publisher.cut();
            // every Slot group changes (one slot each, in two batches): every one goes stale
            for (int week = 10; week < 34; week++) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "w" + week + "-0", 2, "MA|2026-W" + week),
                        T0 + (week < 22 ? 1000 : 2000))), Map.of());
                if (week == 21) {
                    replica.publisher.cut();
                }
            }
            Publication busy = replica.publisher.cut();
            assertThat(busy.groups()).filteredOn(g -> g.type() == ResourceType.SLOT).hasSize(24)
                    .allMatch(PublishedGroup::stale);

            Publication quiet = replica.publisher.cutIfChanged().orElseThrow();
            List<String> rewritten = quiet.groups().stream().filter(g -> !g.stale()).map(PublishedGroup::group).toList();
            // 25 groups (24 weeks and the Location's): a twelfth is 3, the oldest stale first
            assertThat(rewritten).as("stale since the first change cut").containsExactlyInAnyOrder(
                    "MA", "MA|2026-W10", "MA|2026-W11", "MA|2026-W12");

            Replica.Settled settled = replica.settle();
            assertThat(settled.cuts()).as("the other 21 stale groups, three per quiet cut").isEqualTo(7);
            assertThat(settled.publication().groups()).noneMatch(PublishedGroup::stale);
            assertThat(settled.publication().fullTransactionTime()).isEqualTo(T0 + 2000);
            assertThat(PublicationReader.full(settled.publication(), storage)).hasSize(121)
                    .containsEntry("Slot/w33-0", SinceConvergenceTest.line(ResourceType.SLOT, "w33-0", 2));
        }
    }

    @Test
    void replicasCuttingAtTheirOwnMomentsServeByteIdenticalFullManifestsAtRest() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica a = replica("a", storage, 300, FULL_REFRESH);
             Replica b = replica("b", storage, 300, FULL_REFRESH)) {
            loadAndCut(a);
            loadAndCut(b);
            // a cuts after every change, b after every third: their change files and stale groups differ
            for (int i = 1; i <= 9; i++) {
                List<TimedChange> batch = List.of(timed(change(ResourceType.SLOT, "s" + (i * 7), 2 + i, "MA|2026-W" + (40 + i % 5)), BASE + i * 1_000L),
                        timed(StoreChange.delete(ResourceType.SLOT, "s" + (i * 7 + 1)), BASE + i * 1_000L));
                a.store.apply(batch, Map.of());
                b.store.apply(batch, Map.of());
                a.publisher.cutIfChanged();
                if (i % 3 == 0) {
                    b.publisher.cutIfChanged();
                }
            }
            ManifestWriter manifests = new ManifestWriter();
            Publication busyA = a.publisher.current().orElseThrow();
            Publication busyB = b.publisher.current().orElseThrow();
            assertThat(busyA.transactionTime()).isEqualTo(busyB.transactionTime()).isEqualTo(BASE + 9_000);
            assertThat(busyA.fullTransactionTime()).as("stale groups before rest").isLessThan(busyA.transactionTime());

            Replica.Settled settledA = a.settle();
            Replica.Settled settledB = b.settle();
            Publication restA = settledA.publication();
            Publication restB = settledB.publication();
            // 9 groups: one stale group rewritten per quiet cut, plus the cut that bounds the delta at S
            assertThat(settledA.cuts()).as("quiet cuts of a").isGreaterThan(1);
            assertThat(manifests.full(restA, "https://p", "https://p/data"))
                    .isEqualTo(manifests.full(restB, "https://p", "https://p/data"));
            assertThat(restA.version()).isEqualTo(restB.version());
            assertThat(restA.fullTransactionTime()).isEqualTo(BASE + 9_000);
            assertThat(PublicationReader.full(restA, storage)).hasSize(192)
                    .containsEntry("Slot/s63", SinceConvergenceTest.line(ResourceType.SLOT, "s63", 11))
                    .doesNotContainKey("Slot/s64");
            assertThat(a.publisher.cutIfChanged()).isEmpty();
            assertThat(b.publisher.cutIfChanged()).isEmpty();
        }
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
    void withAZeroRefreshIntervalACutRewritesOnlyTheChangedGroupAndKeepsEveryOtherFile() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica("replica", storage, 1 << 20, Duration.ZERO)) {
            replica.store.apply(twoHundredSlots(), Map.of());
            Publication first = replica.publisher.cut();
            double bytesBefore = replica.bytesStored();
            Map<String, Long> modified = modifiedTimes(storage, first);

            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), T0 + 10)), Map.of());
            Publication second = replica.publisher.cut();

            Set<String> changed = second.fileNames().stream().filter(n -> !first.fileNames().contains(n))
                    .filter(n -> !n.startsWith("changes-")).collect(Collectors.toSet());
            assertThat(changed).singleElement().asString().startsWith("Slot-MA-2026-W43-");
            assertThat(first.fileNames().stream().filter(n -> !second.fileNames().contains(n)))
                    .singleElement().asString().startsWith("Slot-MA-2026-W43-");
            PublishedFile rewritten = second.files().stream().filter(f -> changed.contains(f.path())).findFirst().orElseThrow();
            // the cut delta: every slot changed within the overlap before the first cut (all of them), s3 as changed
            assertThat(second.delta().files()).singleElement().satisfies(f -> assertThat(PublicationReader.lines(storage, f))
                    .hasSize(200).contains(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2))
                    .doesNotContain(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 1)));
            long deltaBytes = second.delta().files().get(0).bytes();
            assertThat(replica.bytesStored() - bytesBefore).as("bytes stored by the cut: the group and the cut delta")
                    .isEqualTo(rewritten.bytes() + deltaBytes);
            modified.forEach((name, time) -> {
                if (second.fileNames().contains(name)) {
                    assertThat(modifiedTime(storage, name)).as("untouched file %s", name).isEqualTo(time);
                }
            });
            assertThat(second.transactionTime()).isEqualTo(T0 + 10);
            // at rest the delta is cut once more, bounded by the cut's own S, so replicas at rest serve the same one
            Publication atRest = replica.publisher.cutIfChanged().orElseThrow();
            assertThat(atRest.fileNames()).as("no group rewritten").containsAll(second.files().stream().map(PublishedFile::path).toList());
            assertThat(atRest.delta().since()).isEqualTo(T0 + 10 - SinceConvergenceTest.OVERLAP);
            assertThat(atRest.delta().files()).singleElement().satisfies(f -> assertThat(PublicationReader.lines(storage, f))
                    .containsExactly(SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2)));
            assertThat(replica.publisher.cutIfChanged()).as("nothing changed").isEmpty();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), T0 + 20)), Map.of());
            assertThat(replica.publisher.cutIfChanged()).as("a replayed record is no change").isEmpty();
        }
    }

    @Test
    void aFailedCutLeavesThePublicationAsItWasAndIsRetried() throws IOException {
        HookedStorage storage = new HookedStorage(new FileSystemStorage(dir.resolve("files")));
        try (Replica replica = replica(storage, 1 << 20)) {
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0)), Map.of());
            Publication first = replica.publisher.cutIfChanged().orElseThrow();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 1)), Map.of());
            storage.failNext();
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
            Publication current;
            try (Replica replica = replica(storage, 1 << 20)) {
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1), T0),
                        timed(change(ResourceType.LOCATION, "l", 1), T0)), Map.of());
                replica.publisher.cut();
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 2), T0 + 1000)), Map.of());
                Publication second = replica.publisher.cut();
                assertThat(second.delta().complete()).isTrue();
                assertThat(replica.publisher.cutIfChanged()).as("at rest: the delta of the cut at S, once").isPresent();
                assertThat(replica.publisher.cutIfChanged()).isEmpty();
                current = replica.publisher.current().orElseThrow();
                manifest = new ManifestWriter().full(current, "https://p", "https://p/data");
            }
            try (Replica restarted = replica(storage, 1 << 20)) {
                Publication restored = restarted.publisher.current().orElseThrow();
                assertThat(new ManifestWriter().full(restored, "https://p", "https://p/data")).isEqualTo(manifest);
                assertThat(restored.delta()).as("the same cut delta (URLs)").isEqualTo(current.delta());
                assertThat(restored.version()).isEqualTo(current.version());
                assertThat(PublicationReader.full(restored, storage)).hasSize(2);
                assertThat(restarted.publisher.cutIfChanged()).as("nothing to rewrite after a restart").isEmpty();
            }
        }
    }

    private static final String W43_FULL_FILE = "Slot-MA-2026-W43-[0-9a-f]{16}\\.ndjson";

    /** {@link #loadAndCut}, then s3 changes in W43 at BASE + 1 s and is cut: W43's full files are stale. */
    private static void staleW43(Replica replica) {
        loadAndCut(replica);
        replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), BASE + 1_000)), Map.of());
        replica.publisher.cut();
    }

    @Test
    void aCutPublishesItsChangesBeforeItRefreshesStaleGroups() throws IOException {
        try (HookedStorage storage = new HookedStorage(new FileSystemStorage(dir.resolve("files")));
             Replica replica = replica(storage, 1 << 20)) {
            staleW43(replica);
            // W43 has been stale for 60 s of change time when s4 changes in W44: this cut refreshes W43
            List<Publication> servedWhileRefreshing = new ArrayList<>();
            storage.beforePut = name -> {
                if (name.matches(W43_FULL_FILE)) {
                    servedWhileRefreshing.add(replica.publisher.current().orElseThrow());
                }
            };
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s4", 2, "MA|2026-W44"), BASE + 61_000)), Map.of());
            Publication refreshed = replica.publisher.cut();

            assertThat(servedWhileRefreshing).as("W43's full file is written once the change is published")
                    .singleElement().satisfies(changes -> {
                        assertThat(changes.transactionTime()).isEqualTo(BASE + 61_000);
                        assertThat(changes.groups()).filteredOn(g -> g.group().equals("MA|2026-W43"))
                                .singleElement().matches(PublishedGroup::stale, "stale");
                        Map<String, String> client = PublicationReader.full(changes, storage);
                        PublicationReader.apply(changes.since(changes.fullTransactionTime(), 5).orElseThrow(), storage, client);
                        assertThat(client).containsEntry("Slot/s4", SinceConvergenceTest.line(ResourceType.SLOT, "s4", 2));
                        assertThat(refreshed.delta()).as("the refresh publishes the same delta").isEqualTo(changes.delta());
                    });
            assertThat(refreshed.transactionTime()).isEqualTo(BASE + 61_000);
            assertThat(refreshed.groups()).filteredOn(g -> g.group().equals("MA|2026-W43")).singleElement()
                    .matches(g -> !g.stale(), "rewritten whole");
            assertThat(refreshed.fullTransactionTime()).as("W44 went stale at s4").isEqualTo(BASE + 60_999);
            assertThat(PublicationReader.full(refreshed, storage))
                    .containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
            assertThat(replica.meters.get("slotstream.publish.snapshot.refresh.duration").timer().count()).isEqualTo(1);
        }
    }

    @Test
    void aFailedRefreshKeepsTheChangesPublishedAndTheGroupsStale() throws IOException {
        try (HookedStorage storage = new HookedStorage(new FileSystemStorage(dir.resolve("files")));
             Replica replica = replica(storage, 1 << 20)) {
            staleW43(replica);
            storage.beforePut = name -> {
                if (name.matches(W43_FULL_FILE)) {
                    throw new IOException("No space left on device");
                }
            };
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s4", 2, "MA|2026-W44"), BASE + 61_000)), Map.of());
            Publication served = replica.publisher.cut();

            assertThat(served.transactionTime()).as("the changes are published").isEqualTo(BASE + 61_000);
            assertThat(served.groups()).filteredOn(g -> g.group().equals("MA|2026-W43")).singleElement()
                    .matches(PublishedGroup::stale, "still stale");
            assertThat(replica.publisher.lastFailure()).hasValueSatisfying(f -> assertThat(f.diskFull()).isTrue());
            assertThat(replica.store.hasDirtyGroups()).as("the changes' groups are clean").isFalse();

            storage.beforePut = name -> { };
            Publication atRest = replica.settle().publication();
            assertThat(atRest.groups()).noneMatch(PublishedGroup::stale);
            assertThat(replica.publisher.lastFailure()).isEmpty();
            assertThat(PublicationReader.full(atRest, storage))
                    .containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2))
                    .containsEntry("Slot/s4", SinceConvergenceTest.line(ResourceType.SLOT, "s4", 2));
        }
    }

    @Test
    void aRestLongerThanTheRefreshIntervalDoesNotCountAsStaleness() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 1 << 20)) {
            Publication first = loadAndCut(replica);
            // ten minutes without a change, then two groups change
            long after = BASE + 600_000;
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), after),
                    timed(change(ResourceType.SLOT, "s4", 2, "MA|2026-W44"), after + 5)), Map.of());
            Publication busy = replica.publisher.cut();

            assertThat(fullFileNames(busy)).as("no group rewritten whole: their files went stale at the first change")
                    .isEqualTo(fullFileNames(first));
            assertThat(busy.groups()).filteredOn(PublishedGroup::stale).extracting(PublishedGroup::group)
                    .containsExactlyInAnyOrder("MA|2026-W43", "MA|2026-W44");
            assertThat(busy.groups()).filteredOn(PublishedGroup::stale).extracting(PublishedGroup::filesTime)
                    .containsOnly(after - 1);
            assertThat(busy.fullTransactionTime()).isEqualTo(after - 1);
            Map<String, String> client = PublicationReader.full(busy, storage);
            PublicationReader.apply(busy.since(busy.fullTransactionTime(), 5).orElseThrow(), storage, client);
            assertThat(client).as("full manifest + _since at its transactionTime: the current content")
                    .containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2))
                    .containsEntry("Slot/s4", SinceConvergenceTest.line(ResourceType.SLOT, "s4", 2))
                    .isEqualTo(PublicationReader.full(replica.settle().publication(), storage));
        }
    }

    @Test
    void afterARestartTheChangesBeforeItCountAsStaleFromThePreviousCut() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            long after = BASE + 600_000;
            try (Replica replica = replica(storage, 1 << 20)) {
                loadAndCut(replica);
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), after)), Map.of());
            }
            try (Replica restarted = replica(storage, 1 << 20)) {
                restarted.store.apply(List.of(timed(change(ResourceType.SLOT, "s4", 2, "MA|2026-W44"), after + 5)),
                        Map.of());
                Publication cut = restarted.publisher.cut();
                // the time of the change applied before the restart is not kept: its group counts as stale since the
                // previous cut, ten minutes of change time, and is rewritten whole; so is the other, stale as long
                assertThat(cut.groups()).noneMatch(PublishedGroup::stale);
                assertThat(PublicationReader.full(cut, storage))
                        .containsEntry("Slot/s3", SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2))
                        .containsEntry("Slot/s4", SinceConvergenceTest.line(ResourceType.SLOT, "s4", 2));
            }
        }
    }

    @Test
    void aRestartServesTheSameStaleGroupsAndRewritesThemAtRest() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            Publication stale;
            byte[] manifest;
            try (Replica replica = replica(storage, 1 << 20)) {
                loadAndCut(replica);
                replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s3", 2, "MA|2026-W43"), BASE + 10)), Map.of());
                stale = replica.publisher.cut();
                manifest = new ManifestWriter().full(stale, "https://p", "https://p/data");
            }
            try (Replica restarted = replica(storage, 1 << 20)) {
                Publication restored = restarted.publisher.current().orElseThrow();
                assertThat(new ManifestWriter().full(restored, "https://p", "https://p/data")).isEqualTo(manifest);
                assertThat(restored.fullTransactionTime()).isEqualTo(BASE + 9);
                assertThat(restored.fileNames()).isEqualTo(stale.fileNames());
                assertThat(restored.since(BASE, 5)).isEqualTo(stale.since(BASE, 5));
                Publication atRest = restarted.publisher.cutIfChanged().orElseThrow();
                assertThat(atRest.fullTransactionTime()).isEqualTo(BASE + 10);
                assertThat(PublicationReader.full(atRest, storage)).containsEntry("Slot/s3",
                        SinceConvergenceTest.line(ResourceType.SLOT, "s3", 2));
            }
        }
    }

    @Test
    void aGroupTableEntryStoredBeforeStaleFilesExistedReadsAsCurrent() throws IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        PublishedFile file = new PublishedFile("Slot", "Slot-MA-2026-W40-0123456789abcdef.ndjson", List.of("MA"), 1, 10);
        PublishedGroup group = new PublishedGroup(ResourceType.SLOT, "MA|2026-W40", List.of(file), List.of(), T0, 0,
                List.of(file), 0, null);
        var stored = (com.fasterxml.jackson.databind.node.ObjectNode) json.valueToTree(group);
        stored.remove("filesTime");
        // tables stored before the cut delta held a latest tier per group
        stored.set("latest", json.valueToTree(List.of(file)));
        stored.put("latestSince", 0);
        PublishedGroup read = json.treeToValue(stored, PublishedGroup.class);
        assertThat(read).isEqualTo(group);
        assertThat(read.stale()).isFalse();
        PublishedGroup staleGroup = new PublishedGroup(ResourceType.SLOT, "MA|2026-W40", List.of(file), List.of(), T0, 0,
                List.of(file), 0, T0);
        assertThat(json.readValue(json.writeValueAsBytes(staleGroup), PublishedGroup.class).filesTime()).isEqualTo(T0);
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

    @Test
    void aCutDeltaPastAQuarterOfThePublicationIsGivenUpAndTheGroupsAnswerInstead() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = replica(storage, 300)) {
            List<TimedChange> load = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                load.add(timed(change(ResourceType.SLOT, "s" + i, 1, "MA|2026-W40"), T0));
            }
            replica.store.apply(load, Map.of());
            Publication first = replica.publisher.cut();
            long publicationBytes = first.files().stream().mapToLong(PublishedFile::bytes).sum();

            // 20 of 40 slots change: half the publication's bytes, more than a quarter and than one 300-byte file
            List<TimedChange> half = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                half.add(timed(change(ResourceType.SLOT, "s" + i, 2, "MA|2026-W40"), T0 + 1000));
            }
            replica.store.apply(half, Map.of());
            Publication second = replica.publisher.cut();
            assertThat(publicationBytes / 2).isGreaterThan(Math.max(300, publicationBytes / 4));
            assertThat(second.delta().complete()).isFalse();
            assertThat(second.delta().files()).isEmpty();
            Delta answer = second.since(first.transactionTime(), 5).orElseThrow();
            assertThat(answer.output()).as("answered from the group's own files").isNotEmpty()
                    .allSatisfy(f -> assertThat(f.path()).startsWith("Slot-MA-2026-W40-"));
            Map<String, String> client = PublicationReader.full(first, storage);
            PublicationReader.apply(answer, storage, client);
            assertThat(client).isEqualTo(PublicationReader.full(second, storage));

            // the delta files stored before the limit was passed are listed nowhere: deleted after the grace period
            List<String> givenUp = storage.list().stream().filter(n -> n.startsWith("changes-Slot-")).toList();
            assertThat(givenUp).as("parts stored before the limit").isNotEmpty()
                    .allSatisfy(n -> assertThat(second.fileNames()).doesNotContain(n));
            clock.advance(Duration.ofMinutes(5).toMillis());
            replica.publisher.deleteExpired();
            assertThat(storage.list()).as("only the listed files are left").doesNotContainAnyElementsOf(givenUp)
                    .containsAll(second.fileNames());

            // single slots change (the first cut after the 20 still holds them: they are within its overlap)
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s31", 2, "MA|2026-W40"), T0 + 2000)), Map.of());
            Publication third = replica.publisher.cut();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s30", 2, "MA|2026-W40"), T0 + 5000)), Map.of());
            Publication fourth = replica.publisher.cut();
            assertThat(fourth.delta().complete()).isTrue();
            assertThat(fourth.since(third.transactionTime(), 5).orElseThrow().output()).isEqualTo(fourth.delta().files());
            assertThat(fourth.delta().files()).singleElement().satisfies(f -> assertThat(PublicationReader.lines(storage, f))
                    .as("in change time order").containsExactly(SinceConvergenceTest.line(ResourceType.SLOT, "s31", 2),
                            SinceConvergenceTest.line(ResourceType.SLOT, "s30", 2)));
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

    /** Called with a file's name before it is stored; throws as a full disk or an unreachable bucket would. */
    private interface PutHook {
        void beforePut(String name) throws IOException;
    }

    /** Real filesystem storage that calls a hook before each upload. */
    private static final class HookedStorage implements PublicationStorage {
        private final PublicationStorage delegate;
        volatile PutHook beforePut = name -> { };

        HookedStorage(PublicationStorage delegate) {
            this.delegate = delegate;
        }

        /** The next upload fails. */
        void failNext() {
            beforePut = name -> {
                beforePut = ignored -> { };
                throw new IOException("no space left on device");
            };
        }

        @Override
        public void put(String name, Path file) throws IOException {
            beforePut.beforePut(name);
            delegate.put(name, file);
        }

        @Override
        public boolean exists(String name) throws IOException {
            return delegate.exists(name);
        }

        @Override
        public Optional<Resource> open(String name) throws IOException {
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
