package io.slotstream.availability.booking;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * booking-bridge answers a $hold or $book only once the decision's transaction has committed, so the decision point
 * asks for a commit after each request instead of waiting for {@code commit.interval.ms}; slot facts do not.
 */
class DecisionCommitTest {

    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final String SCHEDULE = "src.sched-1";

    MockProcessorContext<String, BookingEvent> context;
    BookingDecisionProcessor processor;

    @BeforeEach
    void start() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0);
        store(BookingStores.SLOTS, Serdes.String(), LedgerCodec.slotLedgerSerde());
        store(BookingStores.APPOINTMENTS, Serdes.String(), LedgerCodec.appointmentSerde());
        store(BookingStores.PATIENT_BOOKINGS, Serdes.String(), Serdes.String());
        store(BookingStores.HOLD_EXPIRY, Serdes.Bytes(), Serdes.ByteArray());
        store(BookingStores.OUTCOMES, Serdes.String(), LedgerCodec.eventsSerde());
        store(BookingStores.OUTCOME_EXPIRY, Serdes.Bytes(), Serdes.ByteArray());
        processor = new BookingDecisionProcessor(new BookingRulebook(BookingRules.DEFAULT, Map.of()), Duration.ofSeconds(1),
                Duration.ofHours(24), Duration.ofSeconds(2), DecisionMetrics.NONE);
        processor.init(context);
    }

    private <K, V> void store(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @Test
    void aDecidedRequestAsksForACommitAndASlotFactDoesNot() {
        processor.process(new Record<>(SCHEDULE, new BookingInput.Fact(new SlotFact("src.s1", SCHEDULE, SlotStatus.FREE,
                T0 + 48 * 3_600_000L, T0 + 48 * 3_600_000L + 900_000, T0)), T0));
        assertThat(context.committed()).as("commit requested by a slot fact").isFalse();

        BookingRequest hold = BookingRequest.newBuilder().setRequestId("r1").setType(BookingRequestType.HOLD)
                .setScheduleId(SCHEDULE).setAppointmentId("a1").setSlotIds(List.of("src.s1")).setRequester("test")
                .setRequestTime(Instant.ofEpochMilli(T0)).setHoldExpiresAt(Instant.ofEpochMilli(T0 + 600_000)).build();
        processor.process(new Record<>(SCHEDULE, new BookingInput.Request(hold), T0));

        assertThat(context.forwarded()).extracting(f -> f.record().value().getType())
                .containsExactly(BookingEventType.HOLD_PLACED);
        assertThat(context.committed()).as("commit requested by the decision").isTrue();
    }
}
