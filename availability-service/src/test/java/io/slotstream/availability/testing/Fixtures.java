package io.slotstream.availability.testing;

import io.slotstream.avro.Address;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Position;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotStatus;

import java.time.Instant;
import java.util.List;

/** Test records with just the fields the view uses. Times are UTC epoch ms. */
public final class Fixtures {

    public static final String SERVICE_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/service-type";
    public static final String SNOMED = "http://snomed.info/sct";

    private Fixtures() {
    }

    public static Provenance provenance(String id, long eventTimeMs) {
        return Provenance.newBuilder().setSource("test").setSourceResourceId(id)
                .setEventTime(Instant.ofEpochMilli(eventTimeMs)).setIngestTime(Instant.ofEpochMilli(eventTimeMs)).build();
    }

    public static FhirSlot slot(String id, String scheduleId, SlotStatus status, long startMs, long eventTimeMs) {
        return FhirSlot.newBuilder().setId(id).setProvenance(provenance(id, eventTimeMs))
                .setSchedule(Reference.newBuilder().setReference("Schedule/" + scheduleId).build())
                .setStatus(status)
                .setStart(Instant.ofEpochMilli(startMs)).setStartOffsetSeconds(-14400)
                .setEnd(Instant.ofEpochMilli(startMs + 15 * 60_000)).setEndOffsetSeconds(-14400)
                .setBookingDeepLink("https://portal.example.org/book/" + id)
                .build();
    }

    public static FhirSchedule schedule(String id, List<String> actorRefs, String serviceTypeCode, long eventTimeMs) {
        return FhirSchedule.newBuilder().setId(id).setProvenance(provenance(id, eventTimeMs))
                .setActor(actorRefs.stream().map(r -> Reference.newBuilder().setReference(r).build()).toList())
                .setServiceType(List.of(concept(SERVICE_TYPE_SYSTEM, serviceTypeCode)))
                .build();
    }

    public static FhirLocation location(String id, String name, String city, String state, String postalCode,
                                        double lat, double lng) {
        return FhirLocation.newBuilder().setId(id).setProvenance(provenance(id, 1L)).setName(name)
                .setAddress(Address.newBuilder().setCity(city).setState(state).setPostalCode(postalCode).build())
                .setPosition(Position.newBuilder().setLatitude(lat).setLongitude(lng).build())
                .setTimeZone("America/New_York")
                .build();
    }

    public static FhirPractitionerRole role(String id, String practitionerId, String locationId, String specialtyCode) {
        return FhirPractitionerRole.newBuilder().setId(id).setProvenance(provenance(id, 1L))
                .setPractitioner(Reference.newBuilder().setReference("Practitioner/" + practitionerId)
                        .setDisplay("Dr. " + practitionerId).build())
                .setLocation(List.of(Reference.newBuilder().setReference("Location/" + locationId).build()))
                .setSpecialty(List.of(concept(SNOMED, specialtyCode)))
                .build();
    }

    public static FhirHealthcareService service(String id, String locationId, String typeCode) {
        return FhirHealthcareService.newBuilder().setId(id).setProvenance(provenance(id, 1L)).setName("Service " + id)
                .setActive(true)
                .setType(List.of(concept(SNOMED, typeCode)))
                .setLocation(List.of(Reference.newBuilder().setReference("Location/" + locationId).build()))
                .build();
    }

    public static CodeableConcept concept(String system, String code) {
        return CodeableConcept.newBuilder()
                .setCoding(List.of(Coding.newBuilder().setSystem(system).setCode(code).build())).build();
    }

    public static BookingEvent hold(String eventId, String slotId, String holdId, long expiresAtMs, long eventTimeMs) {
        return event(eventId, slotId, BookingEventType.HOLD_PLACED, eventTimeMs).setHoldId(holdId)
                .setHoldExpiresAt(Instant.ofEpochMilli(expiresAtMs)).build();
    }

    public static BookingEvent release(String eventId, String slotId, String holdId, long eventTimeMs) {
        return event(eventId, slotId, BookingEventType.HOLD_RELEASED, eventTimeMs).setHoldId(holdId).build();
    }

    public static BookingEvent expired(String eventId, String slotId, String holdId, long eventTimeMs) {
        return event(eventId, slotId, BookingEventType.HOLD_EXPIRED, eventTimeMs).setHoldId(holdId)
                .setSource("availability-service").build();
    }

    public static BookingEvent booked(String eventId, String slotId, String appointmentId, long eventTimeMs) {
        return event(eventId, slotId, BookingEventType.BOOKED, eventTimeMs).setAppointmentId(appointmentId).build();
    }

    public static BookingEvent cancelled(String eventId, String slotId, String appointmentId, long eventTimeMs) {
        return event(eventId, slotId, BookingEventType.CANCELLED, eventTimeMs).setAppointmentId(appointmentId).build();
    }

    private static BookingEvent.Builder event(String eventId, String slotId, BookingEventType type, long eventTimeMs) {
        return BookingEvent.newBuilder().setEventId(eventId).setSlotId(slotId).setType(type)
                .setEventTime(Instant.ofEpochMilli(eventTimeMs)).setSource("test-portal");
    }
}
