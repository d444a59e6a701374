package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ScheduleContext;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.SlotAvailability;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the published {@link SlotAvailability} (slot.availability.v1, the contract documented in its .avsc) of an
 * effective slot and its Schedule's {@link ScheduleContext} (the denormalised Schedule, actors and locations, see
 * {@link ScheduleContextResolver}). Specialties are the slot's, then the context's; the service type is the slot's,
 * or the Schedule's when the slot has none.
 */
final class SlotAvailabilityBuilder {

    private SlotAvailabilityBuilder() {
    }

    /**
     * @param nowMs wall-clock time, UTC epoch ms: the updatedAt
     */
    static SlotAvailability build(EffectiveSlot effective, ScheduleContext context, long nowMs) {
        FhirSlot slot = effective.source();
        BookingState booking = effective.booking();
        Set<Coding> specialty = new LinkedHashSet<>();
        slot.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
        specialty.addAll(context.specialty());
        List<CodeableConcept> serviceType = slot.getServiceType().isEmpty() ? context.serviceType()
                : slot.getServiceType();
        boolean held = booking.held();
        return SlotAvailability.newBuilder()
                .setSlotId(slot.getId())
                .setSourceStatus(slot.getStatus())
                .setEffectiveStatus(EffectiveStatus.of(slot.getStatus(), booking))
                .setStart(slot.getStart())
                .setEnd(slot.getEnd())
                .setStartOffsetSeconds(slot.getStartOffsetSeconds())
                .setEndOffsetSeconds(slot.getEndOffsetSeconds())
                .setScheduleId(context.scheduleId())
                .setActors(new ArrayList<>(context.actors()))
                .setLocationIds(new ArrayList<>(context.locationIds()))
                .setPractitionerRoleIds(new ArrayList<>(context.practitionerRoleIds()))
                .setHealthcareServiceIds(new ArrayList<>(context.healthcareServiceIds()))
                .setServiceType(new ArrayList<>(serviceType))
                .setSpecialty(new ArrayList<>(specialty))
                .setStates(new ArrayList<>(context.states()))
                .setPositions(new ArrayList<>(context.positions()))
                .setTimeZone(context.timeZone())
                .setBookingDeepLink(slot.getBookingDeepLink())
                .setBookingPhone(slot.getBookingPhone())
                .setPatientType(slot.getPatientType())
                .setAppointmentType(slot.getAppointmentType())
                .setHoldId(held ? booking.holdId() : null)
                .setHoldExpiresAt(held ? java.time.Instant.ofEpochMilli(booking.holdExpiresAt()) : null)
                .setAppointmentId(booking.booked() ? booking.appointmentId() : null)
                .setSlot(slot)
                .setProvenance(slot.getProvenance())
                .setUpdatedAt(java.time.Instant.ofEpochMilli(nowMs))
                .build();
    }

    /**
     * @return whether two published values say the same thing, ignoring updatedAt and provenance (a re-ingest of
     * identical content with new versions/times is not an effective change and must not churn the topic)
     */
    static boolean sameContent(SlotAvailability a, SlotAvailability b) {
        return normalised(a).equals(normalised(b));
    }

    /** Built, not constructed, so that new optional Provenance fields keep their defaults. */
    private static final Provenance NO_PROVENANCE = Provenance.newBuilder()
            .setSource("").setSourceResourceId("").setEventTime(java.time.Instant.EPOCH).setIngestTime(java.time.Instant.EPOCH)
            .build();

    private static SlotAvailability normalised(SlotAvailability value) {
        FhirSlot slot = FhirSlot.newBuilder(value.getSlot()).setProvenance(NO_PROVENANCE).build();
        return SlotAvailability.newBuilder(value).setUpdatedAt(java.time.Instant.EPOCH).setProvenance(NO_PROVENANCE).setSlot(slot).build();
    }
}
