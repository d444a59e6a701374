package io.slotstream.availability.booking;

import io.slotstream.schemas.booking.BookingRulebook;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.FhirSlot;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.Set;

/**
 * The booking decision sub-topology:
 * <pre>
 * fhir.slot.v1 ─> SlotFactRouter [booking-slot-routes, booking-slot-end-index; wall-clock retirement]
 *    ─repartition by Schedule id (booking-slot-facts)──────────────────────────────────────────────────┐ merge
 * booking.requests.v1 (keyed by Schedule id) ──────────────────────────────────────────────────────────┴─>
 *    BookingDecisionProcessor [booking-slots, booking-appointments, booking-patient-bookings, booking-hold-expiry,
 *                              booking-request-outcomes, booking-request-outcome-expiry; wall-clock punctuation]
 *    ─> booking.events.v1 (returned stream keyed by slot id; the caller writes it)
 * </pre>
 * Why Schedule partitions: every slot of one Appointment belongs to one Schedule, so one task sees all of them and
 * decides a multi-slot request as a whole, with no cross-partition protocol; "one booking per patient per Schedule"
 * is local too. The slot view (fhir.slot.v1 + booking.events.v1 by slot id) folds the outcomes.
 */
public final class BookingDecisionTopology {

    /** Name of the repartition topic of slot facts (the application id is prefixed by Kafka Streams). */
    public static final String SLOT_FACTS = "booking-slot-facts";

    private final BookingRulebook rulebook;
    private final Duration holdExpiryInterval;
    private final Duration outcomeRetention;
    private final Duration sourceClockTolerance;
    private final Duration retirementInterval;
    private final Duration slotRetention;
    private final DecisionMetrics metrics;

    /**
     * @param rulebook           provider rules per source
     * @param holdExpiryInterval how often lapsed holds are expired and old request outcomes pruned (wall clock); an
     *                           expiry is late by at most this
     * @param outcomeRetention   how long a request's outcome is kept for retries with the same request id (the
     *                           idempotency window)
     * @param sourceClockTolerance how far a source's clock may lag ours before a busy Slot counts as changed before our
     *                           booking (the echo rule of {@link BookingDecisionProcessor})
     * @param retirementInterval how often ended slots are retired (wall clock)
     * @param slotRetention      how long after its end a slot is still known (the view's slot retention)
     * @param metrics            where conflicts are counted
     */
    public BookingDecisionTopology(BookingRulebook rulebook, Duration holdExpiryInterval, Duration outcomeRetention,
                                   Duration sourceClockTolerance, Duration retirementInterval, Duration slotRetention,
                                   DecisionMetrics metrics) {
        this.rulebook = rulebook;
        this.holdExpiryInterval = holdExpiryInterval;
        this.outcomeRetention = outcomeRetention;
        this.sourceClockTolerance = sourceClockTolerance;
        this.retirementInterval = retirementInterval;
        this.slotRetention = slotRetention;
        this.metrics = metrics;
    }

    /**
     * @param slots    fhir.slot.v1, keyed by slot id (null value = deleted)
     * @param requests booking.requests.v1, keyed by Schedule id
     * @return the decisions, keyed by slot id, to be written to booking.events.v1
     */
    public KStream<String, BookingEvent> build(KStream<String, FhirSlot> slots, KStream<String, BookingRequest> requests) {
        KStream<String, BookingInput> facts = slots
                .process(routerSupplier(), Named.as("booking-slot-fact-router"))
                .repartition(Repartitioned.<String, SlotFact>as(SLOT_FACTS)
                        .withKeySerde(Serdes.String()).withValueSerde(LedgerCodec.slotFactSerde())
                        .withNumberOfPartitions(Topics.BOOKING_REQUESTS.partitions()))
                .mapValues(fact -> (BookingInput) new BookingInput.Fact(fact), Named.as("booking-fact-input"));
        KStream<String, BookingInput> commands = requests
                .mapValues(request -> (BookingInput) new BookingInput.Request(request), Named.as("booking-request-input"));
        return facts.merge(commands, Named.as("booking-inputs"))
                .process(deciderSupplier(), Named.as("booking-decision"));
    }

    private ProcessorSupplier<String, FhirSlot, String, SlotFact> routerSupplier() {
        return new ProcessorSupplier<>() {
            @Override
            public SlotFactRouter get() {
                return new SlotFactRouter(retirementInterval, slotRetention);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.SLOT_ROUTES),
                                Serdes.String(), LedgerCodec.slotFactSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.SLOT_END_INDEX),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }

    private ProcessorSupplier<String, BookingInput, String, BookingEvent> deciderSupplier() {
        return new ProcessorSupplier<>() {
            @Override
            public BookingDecisionProcessor get() {
                return new BookingDecisionProcessor(rulebook, holdExpiryInterval, outcomeRetention, sourceClockTolerance,
                        metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.SLOTS),
                                Serdes.String(), LedgerCodec.slotLedgerSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.APPOINTMENTS),
                                Serdes.String(), LedgerCodec.appointmentSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.PATIENT_BOOKINGS),
                                Serdes.String(), Serdes.String()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.HOLD_EXPIRY),
                                Serdes.Bytes(), Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.OUTCOMES),
                                Serdes.String(), LedgerCodec.eventsSerde()),
                        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BookingStores.OUTCOME_EXPIRY),
                                Serdes.Bytes(), Serdes.ByteArray()));
            }
        };
    }
}
