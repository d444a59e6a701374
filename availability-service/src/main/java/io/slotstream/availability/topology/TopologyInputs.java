package io.slotstream.availability.topology;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;

/**
 * The sources of the topology, keyed by canonical id (String). Created either by the Spring Cloud Stream Kafka Streams
 * binder (the curried {@code availability} function) or by {@link AvailabilityTopology#sources} (tests). The tables
 * are materialized as {@code schedules}, {@code locations}, {@code practitioner-roles}, {@code healthcare-services},
 * {@code practitioners} (see StoreNames), partitioned by resource id: the searches read them by name.
 *
 * @param slots          fhir.slot.v1 (null value = deleted)
 * @param bookings       booking.events.v1, keyed by slot id
 * @param schedules      fhir.schedule.v1 as a table
 * @param locations      fhir.location.v1
 * @param roles          fhir.practitioner-role.v1
 * @param services       fhir.healthcare-service.v1
 * @param practitioners  fhir.practitioner.v1
 */
public record TopologyInputs(KStream<String, FhirSlot> slots,
                             KStream<String, BookingEvent> bookings,
                             KTable<String, FhirSchedule> schedules,
                             KTable<String, FhirLocation> locations,
                             KTable<String, FhirPractitionerRole> roles,
                             KTable<String, FhirHealthcareService> services,
                             KTable<String, FhirPractitioner> practitioners) {
}
