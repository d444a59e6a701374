package io.slotstream.availability.topology;

import io.slotstream.availability.index.SearchIndexProcessor;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.StateCodec;
import io.slotstream.availability.store.StoreNames;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.topic.Topic;
import io.slotstream.schemas.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TableJoined;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * The slot view topology (issue 5), built onto given sources so that the Spring Cloud Stream binder and
 * TopologyTestDriver tests run exactly the same graph:
 * <pre>
 * fhir.slot.v1 ─┐ merge
 * booking.events.v1 ─┴─> EffectiveSlotProcessor [slot-state, hold-expiry-index; wall-clock punctuation]
 *    ─> toTable [effective-slots] ─FK join by Slot.schedule─> fhir.schedule.v1 table [schedules]
 *    ─> PublishProcessor [slot-view, slot-by-schedule; reads global locations/roles/services/practitioners]
 *    ─> slot.availability.v1 (returned stream; the caller writes it)
 * </pre>
 * The foreign-key join is what guarantees that a slot is never published while its Schedule is unknown and that a
 * Schedule change or delete reaches every slot of it (inner join: no Schedule, no output; Schedule deleted, a null for
 * each of its slots, which PublishProcessor turns into tombstones of the published ones). Location, PractitionerRole,
 * HealthcareService and Practitioner are GlobalKTables read when a slot's value is built: a change of only those
 * does not re-emit slots (it shows with the slot's or Schedule's next change). All state is in RocksDB.
 */
public final class AvailabilityTopology {

    private final Duration holdExpiryInterval;
    private final TopologyMetrics metrics;

    /**
     * @param holdExpiryInterval how often the wall-clock punctuation lapses holds (e.g. 1 s); the delay between a hold's
     *                           expiry and its release is at most this
     * @param metrics            where to report; {@link TopologyMetrics#NONE} for none
     */
    public AvailabilityTopology(Duration holdExpiryInterval, TopologyMetrics metrics) {
        this.holdExpiryInterval = holdExpiryInterval;
        this.metrics = metrics;
    }

    /** @return the published slot stream (null values are tombstones), to be written to slot.availability.v1 */
    public KStream<String, SlotAvailability> build(TopologyInputs in) {
        Serde<String> keys = Serdes.String();
        KStream<String, SlotInput> merged = in.slots()
                .mapValues(slot -> (SlotInput) new SlotInput.Source(slot), Named.as("slot-input"))
                .merge(in.bookings().mapValues(event -> (SlotInput) new SlotInput.Booking(event),
                        Named.as("booking-input")), Named.as("slot-and-booking"));
        KTable<String, EffectiveSlot> effective = merged
                .process(effectiveProcessor(), Named.as("effective-slot"))
                .toTable(Named.as("effective-slots-table"), Materialized.<String, EffectiveSlot, KeyValueStore<Bytes, byte[]>>as(
                        StoreNames.EFFECTIVE_SLOTS).withKeySerde(keys).withValueSerde(StateCodec.effectiveSlotSerde()));
        KTable<String, ScheduledSlot> scheduled = effective.join(in.schedules(),
                (Function<EffectiveSlot, String>) EffectiveSlot::scheduleId,
                ScheduledSlot::new,
                TableJoined.as("slot-schedule-join"));
        KStream<String, SlotAvailability> published =
                scheduled.toStream(Named.as("scheduled-slots")).process(publishProcessor(), Named.as("publish"));
        // the discovery search index follows what is published (index package)
        published.process(SearchIndexProcessor.supplier(), Named.as("search-index"));
        return published;
    }

    private ProcessorSupplier<String, SlotInput, String, EffectiveSlot> effectiveProcessor() {
        return new ProcessorSupplier<>() {
            @Override
            public EffectiveSlotProcessor get() {
                return new EffectiveSlotProcessor(holdExpiryInterval, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_STATE),
                                Serdes.String(), StateCodec.slotStateSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.HOLD_EXPIRY),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    private ProcessorSupplier<String, ScheduledSlot, String, SlotAvailability> publishProcessor() {
        return new ProcessorSupplier<>() {
            @Override
            public PublishProcessor get() {
                return new PublishProcessor(metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_VIEW),
                                Serdes.String(), new AvroBinarySerde<>(SlotAvailability.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_BY_SCHEDULE),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    /** Value serdes of the input and output topics, by topic (registry-backed in the service, plain Avro in tests). */
    public interface TopicSerdes {
        <V extends SpecificRecord> Serde<V> value(Topic<V> topic);
    }

    /**
     * Creates the sources as the binder does (same topics, same store names); for TopologyTestDriver tests and any
     * runner without the binder.
     */
    public static TopologyInputs sources(StreamsBuilder builder, TopicSerdes serdes) {
        Serde<String> keys = Serdes.String();
        return new TopologyInputs(
                builder.stream(Topics.SLOT.name(), Consumed.with(keys, serdes.value(Topics.SLOT))),
                builder.stream(Topics.BOOKING_EVENTS.name(), Consumed.with(keys, serdes.value(Topics.BOOKING_EVENTS))),
                builder.table(Topics.SCHEDULE.name(), Consumed.with(keys, serdes.value(Topics.SCHEDULE)),
                        Materialized.<String, FhirSchedule, KeyValueStore<Bytes, byte[]>>as(StoreNames.SCHEDULES)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.SCHEDULE))),
                builder.globalTable(Topics.LOCATION.name(), Consumed.with(keys, serdes.value(Topics.LOCATION)),
                        Materialized.<String, FhirLocation, KeyValueStore<Bytes, byte[]>>as(StoreNames.LOCATIONS)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.LOCATION))),
                builder.globalTable(Topics.PRACTITIONER_ROLE.name(), Consumed.with(keys, serdes.value(Topics.PRACTITIONER_ROLE)),
                        Materialized.<String, FhirPractitionerRole, KeyValueStore<Bytes, byte[]>>as(StoreNames.PRACTITIONER_ROLES)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.PRACTITIONER_ROLE))),
                builder.globalTable(Topics.HEALTHCARE_SERVICE.name(), Consumed.with(keys, serdes.value(Topics.HEALTHCARE_SERVICE)),
                        Materialized.<String, FhirHealthcareService, KeyValueStore<Bytes, byte[]>>as(StoreNames.HEALTHCARE_SERVICES)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.HEALTHCARE_SERVICE))),
                builder.globalTable(Topics.PRACTITIONER.name(), Consumed.with(keys, serdes.value(Topics.PRACTITIONER)),
                        Materialized.<String, FhirPractitioner, KeyValueStore<Bytes, byte[]>>as(StoreNames.PRACTITIONERS)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.PRACTITIONER))));
    }
}
