package io.slotstream.availability.testing;

import io.slotstream.availability.index.IndexStores;
import io.slotstream.availability.query.IndexedSlotSearch;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.ReferenceCopyLocations;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.availability.topology.AvailabilityTopology;
import io.slotstream.availability.topology.TopologyMetrics;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Produced;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The production topology ({@link AvailabilityTopology}) in a TopologyTestDriver. Topic values use plain Avro binary
 * ({@link AvroBinarySerde}) instead of the registry-backed serdes: the driver has no registry, and the wire format is
 * not what these tests are about (the integration tests use the real registry). Wall clock starts at {@link #T0}.
 */
public final class TopologyHarness implements AutoCloseable {

    /** Initial wall-clock time of the driver: 2026-03-01T00:00:00Z. */
    public static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

    public final TopologyTestDriver driver;
    public final TestInputTopic<String, FhirSlot> slots;
    public final TestInputTopic<String, BookingEvent> bookings;
    public final TestInputTopic<String, FhirSchedule> schedules;
    public final TestInputTopic<String, FhirLocation> locations;
    public final TestInputTopic<String, FhirPractitionerRole> roles;
    public final TestInputTopic<String, FhirHealthcareService> services;
    public final TestInputTopic<String, FhirPractitioner> practitioners;
    public final TestOutputTopic<String, SlotAvailability> published;
    /** reference.availability.v1: what the view emits of Locations, Schedules, roles and services */
    public final TestOutputTopic<String, ReferenceAvailability> references;

    public TopologyHarness(TopologyMetrics metrics) {
        this(metrics, Duration.ZERO, T0);
    }

    /**
     * @param slotRetention how long after its end a slot stays in the view
     * @param wallClockMs   initial wall-clock time of the driver, UTC epoch ms
     */
    public TopologyHarness(TopologyMetrics metrics, Duration slotRetention, long wallClockMs) {
        StreamsBuilder builder = new StreamsBuilder();
        AvailabilityTopology.TopicSerdes serdes = TopologyHarness::serde;
        AvailabilityTopology topology = new AvailabilityTopology(Duration.ofSeconds(1), slotRetention, metrics,
                serde(Topics.REFERENCE_AVAILABILITY));
        topology.build(AvailabilityTopology.sources(builder, serdes))
                .to(Topics.SLOT_AVAILABILITY.name(), Produced.with(Serdes.String(), serde(Topics.SLOT_AVAILABILITY)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "availability-ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // DSL-built stores (tables, join stores) in memory: the driver commits after every record, and RocksDB flushes
        // would make these tests slow; the processors' own stores stay persistent, as in the service
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
                org.apache.kafka.streams.state.BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        props.put(StreamsConfig.STATE_DIR_CONFIG,
                Path.of(System.getProperty("java.io.tmpdir"), "ttd-" + UUID.randomUUID()).toString());
        driver = new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(wallClockMs));
        slots = input(Topics.SLOT);
        bookings = input(Topics.BOOKING_EVENTS);
        schedules = input(Topics.SCHEDULE);
        locations = input(Topics.LOCATION);
        roles = input(Topics.PRACTITIONER_ROLE);
        services = input(Topics.HEALTHCARE_SERVICE);
        practitioners = input(Topics.PRACTITIONER);
        published = driver.createOutputTopic(Topics.SLOT_AVAILABILITY.name(), Serdes.String().deserializer(),
                serde(Topics.SLOT_AVAILABILITY).deserializer());
        references = driver.createOutputTopic(Topics.REFERENCE_AVAILABILITY.name(), Serdes.String().deserializer(),
                serde(Topics.REFERENCE_AVAILABILITY).deserializer());
    }

    public static <V extends SpecificRecord> Serde<V> serde(Topic<V> topic) {
        return new AvroBinarySerde<>(topic.valueClass());
    }

    private <V extends SpecificRecord> TestInputTopic<String, V> input(Topic<V> topic) {
        return driver.createInputTopic(topic.name(), Serdes.String().serializer(), serde(topic).serializer());
    }

    /** @return the search's stores (one partition in the driver) */
    public IndexedSlotSearch.Stores stores() {
        return new IndexedSlotSearch.Stores(List.of(driver.<String, SlotAvailability>getKeyValueStore(StoreNames.SLOT_VIEW)),
                List.of(driver.<Bytes, byte[]>getKeyValueStore(IndexStores.POSTINGS)),
                new ReferenceCopyLocations(driver.getKeyValueStore(StoreNames.REFERENCE_COPY)));
    }

    /** @return everything published since the last call, in order (null values are tombstones) */
    public List<KeyValue<String, SlotAvailability>> drain() {
        return published.readKeyValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }
}
