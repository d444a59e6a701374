package io.slotstream.availability.topology;

import io.slotstream.availability.index.SearchIndexProcessor;
import io.slotstream.availability.index.SlotChange;
import io.slotstream.availability.store.AvroBinarySerde;
import io.slotstream.availability.store.ReferenceKey;
import io.slotstream.availability.store.ScheduleContext;
import io.slotstream.availability.store.StateCodec;
import io.slotstream.availability.store.StoreNames;
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
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Set;

/**
 * The slot view topology (issue 5, issue 10), built onto given sources so that the Spring Cloud Stream binder and
 * TopologyTestDriver tests run exactly the same graph:
 * <pre>
 * fhir.slot.v1 ─────────────────────────────────────────────────────────────────────┐ merge (slot partitions)
 * booking.events.v1 ───────────────────────────────────────────────────────────────┤
 * fhir.slot.v1 ─> SlotRetirement [punctuation] ─> slot-retirements (repartition) ──┤
 * schedule contexts ─> schedule-context-broadcast (repartition to every partition) ┴─> EffectiveSlotProcessor
 *    [slot-state, slot-end-index, schedule-context-copy, slots-by-schedule; the join] ─> PublishProcessor [slot-view]
 *    ─> slot.availability.v1 (returned stream; the caller writes it) and SearchIndexProcessor
 * fhir.location/practitioner-role/healthcare-service/practitioner.v1 tables
 *    ─> reference-broadcast (repartition to every partition) ─┐ merge (schedule partitions)
 * fhir.schedule.v1 table [schedules] ─────────────────────────┴─> ScheduleContextProcessor
 *    [schedule-context-state, schedule-dependents, reference-copy] ─> schedule contexts (above)
 * schedule and reference changes ─> ReferenceEmitter [reference-emitted, reference-emission-dependents]
 *    ─> reference.availability.v1 (written here)
 * </pre>
 * The view is a pure fold of the topics: ingest-service alone decides which version of a resource is current, and
 * every record is applied as it comes (rebuilding from the compacted topics gives the same view). Reference data is
 * joined, not looked up: a Location, PractitionerRole, HealthcareService or Practitioner change re-resolves the
 * contexts of the schedules that use it (reverse index), and a changed context reaches every slot partition, where
 * the slots of its Schedule are found by a range scan (no slot list in memory); PublishProcessor writes only slots
 * whose published value changed. The join is inner: a slot is never published while its Schedule is unknown, and a
 * Schedule delete tombstones its slots. All state is in RocksDB.
 * <p>
 * A slot change crosses no internal topic: the slot partitions hold a copy of every Schedule context (a few per
 * Schedule, small next to the slots), so the join is a local lookup instead of a foreign-key join's two topic hops
 * and their transaction commits. Only retirements (punctuated: such a record has no source partition), reference
 * changes and context changes go through a repartition topic.
 */
public final class AvailabilityTopology {

    private final Duration retirementInterval;
    private final Duration slotRetention;
    private final TopologyMetrics metrics;
    private final Serde<ReferenceAvailability> referenceSerde;

    /**
     * @param retirementInterval how often the wall-clock punctuation retires ended slots
     * @param slotRetention      how long after its end a slot stays in the view (zero: it leaves when it ends)
     * @param metrics            where to report; {@link TopologyMetrics#NONE} for none
     * @param referenceSerde     value serde of {@code reference.availability.v1}, which the topology writes itself
     */
    public AvailabilityTopology(Duration retirementInterval, Duration slotRetention, TopologyMetrics metrics,
                                Serde<ReferenceAvailability> referenceSerde) {
        this.retirementInterval = retirementInterval;
        this.slotRetention = slotRetention;
        this.metrics = metrics;
        this.referenceSerde = referenceSerde;
    }

    /**
     * Builds the view onto the sources; writes {@code reference.availability.v1} itself ({@link ReferenceEmitter}).
     *
     * @return the published slot stream (null values are tombstones), to be written to slot.availability.v1
     */
    public KStream<String, SlotAvailability> build(TopologyInputs in) {
        KStream<String, SlotInput> merged = in.slots()
                .mapValues(slot -> (SlotInput) new SlotInput.Source(slot), Named.as("slot-input"))
                .merge(in.bookings().mapValues(event -> (SlotInput) new SlotInput.Booking(event),
                        Named.as("booking-input")), Named.as("slot-and-booking"))
                .merge(retirements(in.slots()), Named.as("plus-retirements"));
        KStream<String, SlotChange> published = merged
                .merge(scheduleContexts(in), Named.as("plus-schedule-contexts"))
                .processValues(effectiveProcessor(), Named.as("effective-slot"), StoreNames.SLOT_STATE,
                        StoreNames.SLOT_END_INDEX)
                .process(publishProcessor(), Named.as("publish"));
        // the discovery search index follows what is published (index package)
        published.process(SearchIndexProcessor.supplier(), Named.as("search-index"));
        return published.mapValues(SlotChange::after, Named.as("published-value"));
    }

    /** Slot id -> retirement, on the slot's own partition (punctuated, so through the slot-retirements topic). */
    private KStream<String, SlotInput> retirements(KStream<String, FhirSlot> slots) {
        return slots.process(retirement(), Named.as("slot-retirement"))
                .repartition(Repartitioned.<String, Long>as("slot-retirements")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .mapValues(endMs -> (SlotInput) new SlotInput.Retirement(endMs), Named.as("retirement-input"));
    }

    /**
     * Schedule id -> {@link ScheduleContext} (null: deleted): each Schedule resolved against the reference data it uses
     * in the schedule partitions, then broadcast to every slot partition ("schedule-context-broadcast"), where the
     * slots are joined with it.
     */
    private KStream<String, SlotInput> scheduleContexts(TopologyInputs in) {
        KStream<String, SpecificRecord> references = referenceChanges(in.locations(), ReferenceKey.LOCATION)
                .merge(referenceChanges(in.roles(), ReferenceKey.PRACTITIONER_ROLE), Named.as("role-and-location"))
                .merge(referenceChanges(in.services(), ReferenceKey.HEALTHCARE_SERVICE), Named.as("plus-service"))
                .merge(referenceChanges(in.practitioners(), ReferenceKey.PRACTITIONER), Named.as("reference-changes"));
        KStream<String, ContextInput> broadcast = references
                .repartition(Repartitioned.<String, SpecificRecord>as("reference-broadcast")
                        .withKeySerde(Serdes.String()).withValueSerde(StateCodec.referenceSerde())
                        .withStreamPartitioner(new BroadcastPartitioner<>()))
                .mapValues(r -> (ContextInput) new ContextInput.ReferenceChange(r), Named.as("reference-input"));
        KStream<String, ContextInput> contextInputs = in.schedules().toStream(Named.as("schedule-changes"))
                .mapValues(s -> (ContextInput) new ContextInput.Schedule(s), Named.as("schedule-input"))
                .merge(broadcast, Named.as("schedule-and-references"));
        KStream<String, ScheduleContext> contexts = contextInputs.process(contextProcessor(), Named.as("schedule-context"));
        // after the context processor, which adds the stores the emitter reads too
        contextInputs.process(referenceEmitter(), Named.as("reference-emitter"), StoreNames.SCHEDULE_CONTEXT_STATE,
                        StoreNames.SCHEDULE_DEPENDENTS, StoreNames.REFERENCE_COPY)
                .to(Topics.REFERENCE_AVAILABILITY.name(), Produced.with(Serdes.String(), referenceSerde));
        return contexts
                .repartition(Repartitioned.<String, ScheduleContext>as("schedule-context-broadcast")
                        .withKeySerde(Serdes.String()).withValueSerde(StateCodec.scheduleContextSerde())
                        .withStreamPartitioner(new BroadcastPartitioner<>()))
                .mapValues(c -> (SlotInput) new SlotInput.Context(c), Named.as("context-input"));
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> referenceChanges(KTable<String, V> table,
                                                                                               String type) {
        return table.toStream(Named.as(type + "-changes"))
                .map((id, value) -> KeyValue.pair(ReferenceKey.of(type, id), (SpecificRecord) value),
                        Named.as(type + "-keys"));
    }

    private ProcessorSupplier<String, FhirSlot, String, Long> retirement() {
        return new ProcessorSupplier<>() {
            @Override
            public SlotRetirement get() {
                return new SlotRetirement(retirementInterval, slotRetention, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                // EffectiveSlotProcessor's too: this node is built first
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_STATE),
                                Serdes.String(), StateCodec.slotStateSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_END_INDEX),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    private FixedKeyProcessorSupplier<String, SlotInput, ScheduledSlot> effectiveProcessor() {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public EffectiveSlotProcessor get() {
                return new EffectiveSlotProcessor(slotRetention, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SCHEDULE_CONTEXT_COPY),
                                Serdes.String(), StateCodec.scheduleContextSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOTS_BY_SCHEDULE),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    private ProcessorSupplier<String, ContextInput, String, ScheduleContext> contextProcessor() {
        return new ProcessorSupplier<>() {
            @Override
            public ScheduleContextProcessor get() {
                return new ScheduleContextProcessor();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SCHEDULE_CONTEXT_STATE),
                                Serdes.String(), StateCodec.scheduleContextStateSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SCHEDULE_DEPENDENTS),
                                Serdes.Bytes(), Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.REFERENCE_COPY),
                                Serdes.String(), StateCodec.referenceSerde()));
            }
        };
    }

    private static ProcessorSupplier<String, ContextInput, String, ReferenceAvailability> referenceEmitter() {
        return new ProcessorSupplier<>() {
            @Override
            public ReferenceEmitter get() {
                return new ReferenceEmitter();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.REFERENCE_EMITTED),
                                Serdes.String(), new AvroBinarySerde<>(ReferenceAvailability.class)),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.REFERENCE_EMISSION_DEPENDENTS),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    private ProcessorSupplier<String, ScheduledSlot, String, SlotChange> publishProcessor() {
        return new ProcessorSupplier<>() {
            @Override
            public PublishProcessor get() {
                return new PublishProcessor(metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.SLOT_VIEW),
                                Serdes.String(), new AvroBinarySerde<>(SlotAvailability.class)));
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
                builder.table(Topics.LOCATION.name(), Consumed.with(keys, serdes.value(Topics.LOCATION)),
                        Materialized.<String, FhirLocation, KeyValueStore<Bytes, byte[]>>as(StoreNames.LOCATIONS)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.LOCATION))),
                builder.table(Topics.PRACTITIONER_ROLE.name(), Consumed.with(keys, serdes.value(Topics.PRACTITIONER_ROLE)),
                        Materialized.<String, FhirPractitionerRole, KeyValueStore<Bytes, byte[]>>as(StoreNames.PRACTITIONER_ROLES)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.PRACTITIONER_ROLE))),
                builder.table(Topics.HEALTHCARE_SERVICE.name(), Consumed.with(keys, serdes.value(Topics.HEALTHCARE_SERVICE)),
                        Materialized.<String, FhirHealthcareService, KeyValueStore<Bytes, byte[]>>as(StoreNames.HEALTHCARE_SERVICES)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.HEALTHCARE_SERVICE))),
                builder.table(Topics.PRACTITIONER.name(), Consumed.with(keys, serdes.value(Topics.PRACTITIONER)),
                        Materialized.<String, FhirPractitioner, KeyValueStore<Bytes, byte[]>>as(StoreNames.PRACTITIONERS)
                                .withKeySerde(keys).withValueSerde(serdes.value(Topics.PRACTITIONER))));
    }
}
