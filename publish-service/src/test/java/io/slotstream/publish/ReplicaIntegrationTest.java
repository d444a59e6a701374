package io.slotstream.publish;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.deploy.local.LocalStack;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.fixtures.Replica;
import io.slotstream.publish.fixtures.S3ProxyServer;
import io.slotstream.publish.fixtures.Slots;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.publish.ndjson.ResourceRenderer;
import io.slotstream.publish.snapshot.Publication;
import io.slotstream.publish.snapshot.PublishedFile;
import io.slotstream.publish.snapshot.PublishedGroup;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.storage.S3Storage;
import io.slotstream.publish.store.TopicMaterializer;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.TopicSerdes;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two publish-service replicas against the real broker + registry, sharing one bucket on a real S3-compatible server
 * (S3Proxy): fed the same records they serve the same manifest bytes; one changed slot rewrites one group file and
 * leaves every other file as it was; a restarted replica serves the same manifest and URLs at once.
 */
class ReplicaIntegrationTest {

    private static final long MONDAY = Instant.parse("2026-11-02T14:00:00Z").toEpochMilli();
    private static final String BASE = "https://publisher.example.org";
    private static final String FILES = "https://bucket.example.org/publication";

    @TempDir
    Path dir;

    private final ManifestWriter manifests = new ManifestWriter();

    /** A replica's publication core fed by the topics. */
    private static final class LiveReplica implements AutoCloseable {
        final Replica core;
        final TopicMaterializer materializer;

        LiveReplica(Path dir, PublicationStorage storage) {
            LocalStack stack = SharedStack.get();
            this.core = new Replica(dir, storage, 1 << 20, Duration.ofDays(1), Duration.ofMinutes(5),
                    new MutableClock(0));
            this.materializer = new TopicMaterializer(KafkaClientSettings.plaintext(stack.bootstrapServers()),
                    new RegistrySettings(stack.registryApiUrl(), false), core.store,
                    new ResourceRenderer(FhirContext.forR4Cached(), new PatientTypeDefault("newpt", "New patients")));
            materializer.start();
        }

        Publication cut() {
            return core.publisher.cutIfChanged().orElseGet(core.publisher.current()::orElseThrow);
        }

        @Override
        public void close() {
            materializer.close();
            core.close();
        }
    }

    @Test
    void replicasServeTheSameManifestRewriteOnlyTheChangedGroupAndRestartWithTheSameUrls() throws java.io.IOException {
        // A conformant clinic (other tests check the whole publication of these shared topics).
        produce(Topics.REFERENCE_AVAILABILITY, Map.of(
                "Location/rep-loc", new ReferenceAvailability("Location/rep-loc", List.of("VT"), location()),
                "Schedule/rep-sch", new ReferenceAvailability("Schedule/rep-sch", List.of("VT"), schedule())));
        Map<String, SlotAvailability> slots = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            slots.put("rep-slot-" + i, Slots.slot("rep-slot-" + i, "rep-sch", SlotStatus.FREE,
                    MONDAY + (i % 3) * 7 * 86_400_000L + i * 900_000L, -5 * 3600, List.of(i % 2 == 0 ? "VT" : "NH")));
        }
        produce(Topics.SLOT_AVAILABILITY, slots);

        try (S3Storage storage = new S3Storage(S3ProxyServer.get().bucket("replicas", "publication/"), Duration.ofDays(365));
             LiveReplica a = new LiveReplica(dir.resolve("a"), storage);
             LiveReplica b = new LiveReplica(dir.resolve("b"), storage)) {
            Publication first = awaitSame(a, b, resources -> resources.containsKey("Slot/rep-slot-29"));
            assertThat(first.files()).extracting(f -> f.path().replaceAll("-[0-9a-f]{16}\\.ndjson$", ""))
                    .contains("Location-VT", "Slot-NH-2026-W45", "Slot-NH-2026-W46", "Slot-NH-2026-W47",
                            "Slot-VT-2026-W45", "Slot-VT-2026-W46", "Slot-VT-2026-W47");
            double storedBefore = a.core.bytesStored();
            Set<String> inStorageBefore = new HashSet<>(storage.list());

            // One slot changes: one group file is rewritten, every other file keeps its name (its URL).
            produce(Topics.SLOT_AVAILABILITY, Map.of("rep-slot-4", Slots.slot("rep-slot-4", "rep-sch", SlotStatus.BUSY,
                    MONDAY + 7 * 86_400_000L + 4 * 900_000L, -5 * 3600, List.of("VT"))));
            Publication second = awaitSame(a, b, resources -> resources.get("Slot/rep-slot-4").contains("\"busy\""));
            Set<String> added = fullFiles(second);
            added.removeAll(fullFiles(first));
            Set<String> removed = fullFiles(first);
            removed.removeAll(fullFiles(second));
            assertThat(added).singleElement().asString().startsWith("Slot-VT-2026-W46-");
            assertThat(removed).singleElement().asString().startsWith("Slot-VT-2026-W46-");
            // stored: the rewritten group file, the group's new change tier (its changed slot only) and cut deltas
            // (one per cut that had a new one: each holds the changes since the previous cut less the overlap)
            Set<String> known = first.fileNames();
            PublishedGroup changed = second.groups().stream()
                    .filter(g -> g.files().stream().anyMatch(f -> added.contains(f.path()))).findFirst().orElseThrow();
            Map<String, Long> groupFiles = new java.util.TreeMap<>();
            java.util.stream.Stream.of(changed.files(), changed.recent()).flatMap(List::stream)
                    .filter(f -> !known.contains(f.path())).forEach(f -> groupFiles.put(f.path(), f.bytes()));
            Set<String> newlyStored = new HashSet<>(storage.list());
            newlyStored.removeAll(inStorageBefore);
            assertThat(newlyStored).as("stored by both replicas' cuts").containsAll(groupFiles.keySet())
                    .allMatch(name -> groupFiles.containsKey(name) || name.startsWith("changes-"));
            assertThat(a.core.bytesStored() - storedBefore).as("bytes stored by replica a's cuts")
                    .isGreaterThanOrEqualTo(groupFiles.values().stream().mapToLong(Long::longValue).sum());
            assertThat(second.delta().files()).as("the cut delta's Slot file").filteredOn(f -> f.type().equals("Slot"))
                    .singleElement().satisfies(f ->
                    assertThat(PublicationReader.lines(storage, f)).anySatisfy(line ->
                            assertThat(line).contains("\"rep-slot-4\"", "\"busy\"")));

            // A restart serves the same manifest (same URLs) before consuming anything.
            byte[] manifest = manifests.full(second, BASE, FILES);
            a.close();
            try (LiveReplica restarted = new LiveReplica(dir.resolve("a"), storage)) {
                Publication restored = restarted.core.publisher.current().orElseThrow();
                assertThat(manifests.full(restored, BASE, FILES)).isEqualTo(manifest);
                assertThat(PublicationReader.full(restored, storage)).containsKeys("Slot/rep-slot-4", "Location/rep-loc");
                await().atMost(Duration.ofSeconds(60)).until(restarted.materializer::caughtUp);
                assertThat(manifests.full(restarted.cut(), BASE, FILES)).as("nothing new: the same publication").isEqualTo(manifest);
            }
        }
    }

    /** Cuts both replicas until both publications satisfy the condition and serve identical manifest bytes. */
    private Publication awaitSame(LiveReplica a, LiveReplica b, java.util.function.Predicate<Map<String, String>> condition) {
        AtomicReference<Publication> agreed = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!a.materializer.caughtUp() || !b.materializer.caughtUp()) {
                return false;
            }
            Publication pa = a.cut();
            Publication pb = b.cut();
            Map<String, String> resources = PublicationReader.full(pa, a.core.publisher.storage());
            if (!resources.containsKey("Slot/rep-slot-4") || !condition.test(resources)
                    || !java.util.Arrays.equals(manifests.full(pa, BASE, FILES), manifests.full(pb, BASE, FILES))) {
                return false;
            }
            agreed.set(pa);
            return true;
        });
        return agreed.get();
    }

    private static Set<String> fullFiles(Publication publication) {
        return publication.files().stream().map(PublishedFile::path).collect(java.util.stream.Collectors.toCollection(HashSet::new));
    }

    private static FhirLocation location() {
        Location location = new Location();
        location.setId("rep-loc");
        location.setName("Replica Clinic Burlington");
        location.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1-802-555-0100");
        location.getAddress().addLine("1 Church St").setCity("Burlington").setState("VT").setPostalCode("05401");
        return (FhirLocation) new FhirAvroMapper().toAvro(location, Slots.provenance("rep-loc"));
    }

    private static FhirSchedule schedule() {
        Schedule schedule = new Schedule();
        schedule.setId("rep-sch");
        schedule.addActor(new Reference("Location/rep-loc").setDisplay("Replica Clinic Burlington"));
        schedule.addServiceType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/service-type").setCode("124");
        return (FhirSchedule) new FhirAvroMapper().toAvro(schedule, Slots.provenance("rep-sch"));
    }

    private static <V extends SpecificRecord> void produce(Topic<V> topic, Map<String, V> records) {
        LocalStack stack = SharedStack.get();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
             Serializer<V> values = TopicSerdes.valueSerde(topic, new RegistrySettings(stack.registryApiUrl(), false)).serializer()) {
            records.forEach((key, value) -> producer.send(new ProducerRecord<>(topic.name(), key, values.serialize(topic.name(), value))));
            producer.flush();
        }
    }
}
