package io.slotstream.availability.booking;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.FhirSlot;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.availability.config.AvailabilityProperties;
import io.slotstream.availability.config.CatalogueValueSerde;
import io.slotstream.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.KStream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.function.Function;

/**
 * Wires {@link BookingDecisionTopology} into the Kafka Streams binder as its own function {@code booking} (bindings
 * {@code booking-in-0} = fhir.slot.v1, {@code booking-in-1} = booking.requests.v1, {@code booking-out-0} =
 * booking.events.v1) with its own application id: the decision point runs beside the slot view, which folds its
 * outcomes from booking.events.v1.
 */
@Configuration(proxyBeanMethods = false)
public class BookingStreamsConfiguration {

    @Bean
    Serde<BookingRequest> bookingRequestSerde(RegistrySettings settings) {
        return CatalogueValueSerde.forTopic(Topics.BOOKING_REQUESTS, settings);
    }

    /** The binder's view of the decision point: slots and requests in, decisions out. */
    @Bean
    public Function<KStream<String, FhirSlot>, Function<KStream<String, BookingRequest>, KStream<String, BookingEvent>>>
            booking(BookingProperties properties, AvailabilityProperties view, MeterRegistry registry) {
        // retirement follows the view's slot retention: a slot that left the view leaves the decision point too
        BookingDecisionTopology topology = new BookingDecisionTopology(properties.rulebook(),
                properties.holdExpiryInterval(), properties.outcomeRetention(), properties.sourceClockTolerance(),
                view.retirementInterval(),
                view.slotRetention(), reason -> registry.counter("slotstream.booking.conflicts", "reason", reason).increment());
        return slots -> requests -> topology.build(slots, requests);
    }
}
