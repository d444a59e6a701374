package io.slotstream.publish.snapshot;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code _since} property (sched-8, issue 6 item 4): a client that starts from a full publication and then
 * polls with {@code _since} = its previous transactionTime always holds exactly the resources of the snapshot it
 * last read, never missing or resurrecting one; also when changes land in the same millisecond as a cut, when
 * deletions are forgotten (its T falls behind the horizon and it gets the full publication), and when a resource is
 * deleted and re-created between polls.
 */
class SinceConvergenceTest {

    private static final String[] GROUPS = {"MA|2026-W40", "MA|2026-W41", "CT,MA|2026-W40", "|2026-W40"};

    @TempDir
    Path dir;

    /** A simulated client. */
    private static final class Client {
        Map<String, String> state = new TreeMap<>();
        Long lastTransactionTime;
        int fulls;
        int deltas;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void clientsPollingWithSinceHoldExactlyTheCurrentPublication(long seed) {
        Random random = new Random(seed);
        MutableClock clock = new MutableClock(1_800_000_000_000L);
        try (PublicationStore store = PublicationStore.open(dir.resolve("store-" + seed), "fp", clock);
             SnapshotPublisher publisher = new SnapshotPublisher(store, dir.resolve("snap-" + seed), 3,
                     Duration.ofDays(1), clock, new SnapshotMetrics(new SimpleMeterRegistry()))) {
            Map<String, String> truth = new TreeMap<>();
            Map<String, Map<String, String>> truthAtSnapshot = new HashMap<>();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(new Client());
            }
            int version = 0;
            for (int step = 0; step < 300; step++) {
                clock.advance(random.nextInt(4)); // 0 = several batches and cuts in one millisecond
                int action = random.nextInt(10);
                if (action < 6) {
                    List<StoreChange> batch = new ArrayList<>();
                    for (int n = 1 + random.nextInt(4); n > 0; n--) {
                        batch.add(randomChange(random, truth, ++version));
                    }
                    store.apply(batch, Map.of());
                    applyToTruth(batch, truth);
                } else if (action < 8) {
                    publisher.cutIfChanged().ifPresent(s -> truthAtSnapshot.put(s.id(), new TreeMap<>(truth)));
                } else if (action < 9) {
                    Client client = clients.get(random.nextInt(clients.size()));
                    poll(publisher, client, truthAtSnapshot);
                } else if (random.nextInt(5) == 0) {
                    // Forget deletions older than a few ms: lagging clients must fall back to the full publication.
                    store.pruneDeletions(Duration.ofMillis(random.nextInt(20)));
                }
            }
            LiveSnapshot last = publisher.cutIfChanged().orElseGet(() -> publisher.current().orElseThrow());
            truthAtSnapshot.putIfAbsent(last.id(), new TreeMap<>(truth));
            assertThat(truthAtSnapshot.get(last.id())).isEqualTo(truth);
            assertThat(PublicationReader.full(last)).isEqualTo(truth);
            for (Client client : clients) {
                poll(publisher, client, truthAtSnapshot);
                assertThat(client.state).isEqualTo(truth);
            }
            assertThat(clients.stream().mapToInt(c -> c.deltas).sum()).as("incremental polls happened").isPositive();
        }
    }

    @Test
    void aDeletionIsPublishedAsATransactionBundleWithDelete() {
        MutableClock clock = new MutableClock(1_800_000_000_000L);
        try (PublicationStore store = PublicationStore.open(dir.resolve("store"), "fp", clock);
             SnapshotPublisher publisher = new SnapshotPublisher(store, dir.resolve("snap"), 100, Duration.ofDays(1),
                     clock, new SnapshotMetrics(new SimpleMeterRegistry()))) {
            store.apply(List.of(change(ResourceType.SLOT, "a", 1), change(ResourceType.SLOT, "b", 1),
                    change(ResourceType.LOCATION, "l", 1)), Map.of());
            LiveSnapshot first = publisher.cut();
            clock.advance(1000);
            store.apply(List.of(StoreChange.delete(ResourceType.SLOT, "a"), change(ResourceType.SLOT, "b", 2)), Map.of());
            LiveSnapshot second = publisher.cut();

            Delta delta = second.delta(first.transactionTime());
            assertThat(delta.output()).extracting(PublishedFile::type).containsExactly("Slot");
            assertThat(PublicationReader.lines(second, delta.output().get(0))).containsExactly(line(ResourceType.SLOT, "b", 2));
            assertThat(delta.deleted()).extracting(PublishedFile::type).containsExactly("Bundle");
            assertThat(PublicationReader.lines(second, delta.deleted().get(0))).containsExactly(
                    "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\"Slot/a\"}}]}");
            assertThat(second.delta(second.transactionTime()).output()).isEmpty();
            assertThat(second.delta(second.transactionTime() + 60_000).deleted()).isEmpty();
        }
    }

    private static void poll(SnapshotPublisher publisher, Client client, Map<String, Map<String, String>> truthAtSnapshot) {
        LiveSnapshot snapshot = publisher.current().orElse(null);
        if (snapshot == null) {
            return;
        }
        // The controller's rule: no _since or _since before the retained history = full publication.
        if (client.lastTransactionTime == null || client.lastTransactionTime < snapshot.horizon()) {
            client.state = PublicationReader.full(snapshot);
            client.fulls++;
        } else {
            PublicationReader.apply(snapshot, snapshot.delta(client.lastTransactionTime), client.state);
            client.deltas++;
        }
        client.lastTransactionTime = snapshot.transactionTime();
        assertThat(client.state).as("client after polling snapshot %s", snapshot.id())
                .isEqualTo(truthAtSnapshot.get(snapshot.id()));
    }

    private static StoreChange randomChange(Random random, Map<String, String> truth, int version) {
        ResourceType type = ResourceType.values()[random.nextInt(ResourceType.values().length)];
        String id = type.name().toLowerCase().charAt(0) + "-" + random.nextInt(type == ResourceType.SLOT ? 30 : 4);
        boolean exists = truth.containsKey(type.fhirType() + "/" + id);
        if (exists && random.nextInt(3) == 0) {
            return StoreChange.delete(type, id);
        }
        if (exists && random.nextInt(4) == 0) {
            // Re-send the current line: no change, must not be republished as one.
            String current = truth.get(type.fhirType() + "/" + id);
            return new StoreChange(type, id, groupOf(type, current), current.getBytes(StandardCharsets.UTF_8));
        }
        return change(type, id, version, GROUPS[version % GROUPS.length]);
    }

    private static String groupOf(ResourceType type, String line) {
        int v = Integer.parseInt(line.replaceAll(".*\"v\":(\\d+).*", "$1"));
        return type == ResourceType.SLOT ? GROUPS[v % GROUPS.length] : "";
    }

    private static void applyToTruth(List<StoreChange> batch, Map<String, String> truth) {
        for (StoreChange change : batch) {
            String key = change.type().fhirType() + "/" + change.id();
            if (change.isDelete()) {
                truth.remove(key);
            } else {
                truth.put(key, new String(change.line(), StandardCharsets.UTF_8));
            }
        }
    }

    static StoreChange change(ResourceType type, String id, int version) {
        return change(type, id, version, type == ResourceType.SLOT ? GROUPS[version % GROUPS.length] : "");
    }

    static StoreChange change(ResourceType type, String id, int version, String group) {
        return new StoreChange(type, id, type == ResourceType.SLOT ? group : "",
                line(type, id, version).getBytes(StandardCharsets.UTF_8));
    }

    static String line(ResourceType type, String id, int version) {
        return "{\"resourceType\":\"" + type.fhirType() + "\",\"id\":\"" + id + "\",\"v\":" + version + "}";
    }
}
