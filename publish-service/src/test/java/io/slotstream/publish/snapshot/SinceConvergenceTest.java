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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code _since} property (sched-8): a client that starts from a full publication and then polls with
 * {@code _since} = the transactionTime of the manifest it read last holds, after every incremental answer, exactly the
 * resources of that publication, never missing or resurrecting one: with records arriving out of time order (within
 * the overlap), deletions and re-creations, moves between groups, no-op re-sends, forgotten deletions (a lagging client
 * gets the full publication), groups whose full files are stale (their changes only in change files, refreshed after
 * {@link #FULL_REFRESH} of change time and at rest), and with the client alternating between two replicas that consume
 * the same records at their own pace and cut at their own moments. A full manifest with stale groups holds each group
 * as of its files' time or later, so the client holds exactly the publication after its next incremental answer (and
 * after a full one when no group is stale).
 */
public class SinceConvergenceTest {

    static final String[] GROUPS = {"MA|2026-W40", "MA|2026-W41", "CT,MA|2026-W40", "|2026-W40"};
    public static final long OVERLAP = 5;
    private static final long START = 1_800_000_000_000L;
    /** The replicas' full refresh interval, ms of change time: a few dozen batches. */
    static final Duration FULL_REFRESH = Duration.ofMillis(15);

    @TempDir
    Path dir;

    /** A simulated client. */
    private static final class Client {
        Map<String, String> state = new TreeMap<>();
        Long lastTransactionTime;
        /** S of the newest publication the client read something of: its state may hold resources up to it */
        long contentTime;
        int fulls;
        int deltas;
        int exactChecks;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aClientOfOneReplicaHoldsExactlyThePublicationItRead(long seed) throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            converge(seed, dir, storage, 1, true, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void aClientAlternatingBetweenTwoReplicasHoldsExactlyThePublicationItRead(long seed) throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"))) {
            converge(seed, dir, storage, 2, false, OVERLAP);
        }
    }

    /**
     * Runs the property. Records reach every replica in the same order (one log); each replica consumes at its own
     * pace and cuts at its own moments; clients poll a random replica.
     *
     * @param late    whether record times may run up to {@link #OVERLAP} - 1 ms behind newer records
     * @param overlap the {@code _since} overlap, ms
     */
    public static void converge(long seed, Path dir, PublicationStorage storage, int replicaCount, boolean late,
                                long overlap) {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(START);
        List<Replica> replicas = new ArrayList<>();
        try {
            for (int r = 0; r < replicaCount; r++) {
                replicas.add(new Replica(dir.resolve("replica-" + seed + "-" + r), storage, 300, Duration.ofMillis(40),
                        FULL_REFRESH, Duration.ofDays(1), clock));
            }
            List<List<TimedChange>> log = new ArrayList<>();
            Map<String, String> latest = new TreeMap<>();
            int[] consumed = new int[replicaCount];
            List<Map<String, String>> truth = new ArrayList<>();
            for (int r = 0; r < replicaCount; r++) {
                truth.add(new TreeMap<>());
            }
            Map<String, Map<String, String>> truthAtVersion = new HashMap<>();
            int[] stale = {0};
            List<Client> clients = List.of(new Client(), new Client(), new Client(), new Client());
            long time = START;
            int version = 0;
            for (int step = 0; step < 400; step++) {
                int action = random.nextInt(10);
                if (action < 4) {
                    time += late ? random.nextInt(4) : 1 + random.nextInt(3);
                    List<TimedChange> batch = new ArrayList<>();
                    for (int n = 1 + random.nextInt(4); n > 0; n--) {
                        long at = late ? time - random.nextInt((int) OVERLAP) : time;
                        StoreChange change = randomChange(random, latest, ++version);
                        batch.add(new TimedChange(change, at));
                        applyTo(change, latest);
                    }
                    log.add(batch);
                } else if (action < 6) {
                    int r = random.nextInt(replicaCount);
                    for (int n = random.nextInt(3); n > 0 && consumed[r] < log.size(); n--) {
                        List<TimedChange> batch = log.get(consumed[r]++);
                        replicas.get(r).store.apply(batch, Map.of());
                        batch.forEach(c -> applyTo(c.change(), truth.get(r)));
                    }
                } else if (action < 8) {
                    int r = random.nextInt(replicaCount);
                    replicas.get(r).publisher.cutIfChanged().ifPresent(p -> {
                        truthAtVersion.put(p.version(), new TreeMap<>(truth.get(r)));
                        if (p.fullTransactionTime() < p.transactionTime()) {
                            stale[0]++;
                        }
                    });
                } else {
                    Client client = clients.get(random.nextInt(clients.size()));
                    poll(replicas.get(random.nextInt(replicaCount)), storage, client, truthAtVersion, overlap);
                }
            }
            for (int r = 0; r < replicaCount; r++) {
                for (; consumed[r] < log.size(); consumed[r]++) {
                    replicas.get(r).store.apply(log.get(consumed[r]), Map.of());
                }
                // at rest: the cut after the last change rewrites every stale group
                Optional<Publication> cut;
                while ((cut = replicas.get(r).publisher.cutIfChanged()).isPresent()) {
                    truthAtVersion.putIfAbsent(cut.get().version(), new TreeMap<>(latest));
                }
                Publication last = replicas.get(r).publisher.current().orElseThrow();
                assertThat(last.fullTransactionTime()).as("at rest no group is stale").isEqualTo(last.transactionTime());
                assertThat(PublicationReader.full(last, storage)).isEqualTo(latest);
            }
            for (Client client : clients) {
                poll(replicas.get(random.nextInt(replicaCount)), storage, client, truthAtVersion, overlap);
                assertThat(client.state).isEqualTo(latest);
            }
            assertThat(clients.stream().mapToInt(c -> c.deltas).sum()).as("incremental polls happened").isPositive();
            assertThat(clients.stream().mapToInt(c -> c.exactChecks).sum()).as("exact answers checked").isPositive();
            assertThat(stale[0]).as("publications with stale full files").isPositive();
            // Replicas fed the same records serve the same manifest bytes.
            ManifestWriter manifests = new ManifestWriter();
            byte[] first = manifests.full(replicas.get(0).publisher.current().orElseThrow(), "https://p", "https://p/data");
            for (Replica replica : replicas) {
                assertThat(manifests.full(replica.publisher.current().orElseThrow(), "https://p", "https://p/data"))
                        .isEqualTo(first);
            }
        } finally {
            replicas.forEach(Replica::close);
        }
    }

    private static void poll(Replica replica, PublicationStorage storage, Client client,
                             Map<String, Map<String, String>> truthAtVersion, long overlap) {
        Publication publication = replica.publisher.current().orElse(null);
        if (publication == null) {
            return;
        }
        // The controller's rule: no _since, or an answer only the full publication gets right.
        Optional<Delta> delta = client.lastTransactionTime == null ? Optional.empty()
                : publication.since(client.lastTransactionTime, overlap);
        boolean exact;
        if (delta.isEmpty()) {
            client.state = PublicationReader.full(publication, storage);
            client.fulls++;
            client.lastTransactionTime = publication.fullTransactionTime();
            // with stale groups the full files hold each group as of its files' time or later
            exact = publication.fullTransactionTime() == publication.transactionTime();
        } else {
            PublicationReader.apply(delta.get(), storage, client.state);
            client.deltas++;
            client.lastTransactionTime = publication.transactionTime();
            // a client that read newer content from a replica ahead of this one holds it until its next poll
            exact = client.contentTime <= publication.transactionTime();
        }
        client.contentTime = Math.max(client.contentTime, publication.transactionTime());
        if (exact) {
            client.exactChecks++;
            assertThat(client.state).as("client after polling publication %s", publication.version())
                    .isEqualTo(truthAtVersion.get(publication.version()));
        }
    }

    @Test
    void sinceListsOnlyTheChangesAfterTNotTheirWholeGroup() throws IOException {
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = new Replica(dir.resolve("r"), storage, 1 << 20, Duration.ofDays(1), Duration.ofDays(1),
                     new MutableClock(START))) {
            List<TimedChange> load = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                load.add(timed(change(ResourceType.SLOT, "s" + i, 1, "MA|2026-W40"), START - 60_000 + i * 10L));
            }
            replica.store.apply(load, Map.of());
            replica.publisher.cut();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s7", 2, "MA|2026-W40"), START)), Map.of());
            Publication second = replica.publisher.cut();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s9", 2, "MA|2026-W40"), START + 1000)), Map.of());
            Publication third = replica.publisher.cut();
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "s11", 2, "MA|2026-W40"), START + 2000)), Map.of());
            Publication fourth = replica.publisher.cut();

            // read the previous cut: the cut delta, the changes at or after its time (within the overlap), not the
            // 200-slot group
            Delta latest = fourth.since(third.transactionTime(), OVERLAP).orElseThrow();
            assertThat(latest.output()).singleElement().satisfies(f -> {
                assertThat(f.path()).startsWith("changes-Slot-");
                assertThat(f.states()).containsExactly("MA");
                assertThat(PublicationReader.lines(storage, f)).containsExactlyInAnyOrder(
                        line(ResourceType.SLOT, "s9", 2), line(ResourceType.SLOT, "s11", 2));
            });
            // two cuts behind: the group's change tier (its changes since the tier started), still not the group
            Delta recent = fourth.since(second.transactionTime(), OVERLAP).orElseThrow();
            assertThat(recent.output()).singleElement().satisfies(f -> assertThat(PublicationReader.lines(storage, f))
                    .contains(line(ResourceType.SLOT, "s7", 2), line(ResourceType.SLOT, "s9", 2),
                            line(ResourceType.SLOT, "s11", 2)).hasSizeLessThan(50));
            // the full manifest still lists the whole group, and the change files are part of the publication
            assertThat(fourth.files()).singleElement().satisfies(f -> assertThat(f.lines()).isEqualTo(200));
            assertThat(fourth.fileNames()).contains(latest.output().get(0).path(), recent.output().get(0).path());
        }
    }

    @Test
    void aDeletionIsPublishedAsATransactionBundleWithDelete() throws IOException {
        MutableClock clock = new MutableClock(START);
        try (PublicationStorage storage = new FileSystemStorage(dir.resolve("files"));
             Replica replica = new Replica(dir.resolve("r"), storage, 1 << 20, Duration.ofDays(1), Duration.ofDays(1), clock)) {
            replica.store.apply(List.of(timed(change(ResourceType.SLOT, "a", 1, "MA|2026-W40"), START),
                    timed(change(ResourceType.SLOT, "b", 1, "MA|2026-W41"), START),
                    timed(change(ResourceType.LOCATION, "l", 1), START)), Map.of());
            Publication first = replica.publisher.cut();
            replica.store.apply(List.of(timed(StoreChange.delete(ResourceType.SLOT, "a"), START + 1000),
                    timed(change(ResourceType.SLOT, "c", 5, "MA|2026-W42"), START + 1000)), Map.of());
            Publication second = replica.publisher.cut();
            assertThat(second.transactionTime()).isEqualTo(START + 1000);

            // A client that read the first cut gets the cut delta: every resource changed since the first cut less
            // the overlap (those changed at T itself again: harmless upserts), one file per type, and the deletion.
            Delta delta = second.since(first.transactionTime(), 0).orElseThrow();
            assertThat(delta.output()).extracting(f -> f.path().replaceAll("-[0-9a-f]{16}\\.ndjson$", ""))
                    .containsExactly("changes-Location", "changes-Slot");
            assertThat(PublicationReader.lines(storage, delta.output().get(1))).containsExactly(
                    line(ResourceType.SLOT, "b", 1), line(ResourceType.SLOT, "c", 5));
            assertThat(delta.output()).isEqualTo(second.delta().files());
            assertThat(second.since(second.transactionTime(), 0).orElseThrow().output()).as("changed at S: the delta too")
                    .isEqualTo(second.delta().files());
            assertThat(delta.deleted()).extracting(PublishedFile::type).containsExactly("Bundle");
            assertThat(PublicationReader.lines(storage, delta.deleted().get(0))).containsExactly(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Slot/a\"}}]}");
            assertThat(second.since(second.transactionTime() - 1, 1000).orElseThrow().output())
                    .as("the overlap reaches back before T, not before the delta's bound").isEqualTo(second.delta().files());
            assertThat(second.since(second.transactionTime() - 1, 1100))
                    .as("before the delta's bound and W40's change tier (W40's full files are stale): full").isEmpty();
            assertThat(second.since(second.transactionTime() + 1, 0)).as("a _since after S: full").isEmpty();
        }
    }

    static TimedChange timed(StoreChange change, long time) {
        return new TimedChange(change, time);
    }

    private static StoreChange randomChange(Random random, Map<String, String> latest, int version) {
        ResourceType type = ResourceType.values()[random.nextInt(ResourceType.values().length)];
        String id = type.name().toLowerCase().charAt(0) + "-" + random.nextInt(type == ResourceType.SLOT ? 30 : 4);
        boolean exists = latest.containsKey(type.fhirType() + "/" + id);
        if (exists && random.nextInt(3) == 0) {
            return StoreChange.delete(type, id);
        }
        if (exists && random.nextInt(4) == 0) {
            // Re-send the current line: no change, must not be republished as one.
            String current = latest.get(type.fhirType() + "/" + id);
            return new StoreChange(type, id, groupOf(type, current), current.getBytes(StandardCharsets.UTF_8));
        }
        return change(type, id, version, groupFor(type, version));
    }

    private static String groupOf(ResourceType type, String line) {
        int v = Integer.parseInt(line.replaceAll(".*\"v\":(\\d+).*", "$1"));
        return groupFor(type, v);
    }

    private static void applyTo(StoreChange change, Map<String, String> state) {
        String key = change.type().fhirType() + "/" + change.id();
        if (change.isDelete()) {
            state.remove(key);
        } else {
            state.put(key, new String(change.line(), StandardCharsets.UTF_8));
        }
    }

    static StoreChange change(ResourceType type, String id, int version) {
        return change(type, id, version, groupFor(type, version));
    }

    /** Slots move between state x week groups, the other types between state groups as their states change. */
    private static String groupFor(ResourceType type, int version) {
        String group = GROUPS[version % GROUPS.length];
        return type == ResourceType.SLOT ? group : group.substring(0, group.indexOf('|'));
    }

    static StoreChange change(ResourceType type, String id, int version, String group) {
        return new StoreChange(type, id, group,
                line(type, id, version).getBytes(StandardCharsets.UTF_8));
    }

    static String line(ResourceType type, String id, int version) {
        return "{\"resourceType\":\"" + type.fhirType() + "\",\"id\":\"" + id + "\",\"v\":" + version + "}";
    }
}
