package io.slotstream.availability.topology;

import io.slotstream.availability.store.BookingState;
import io.slotstream.availability.store.EffectiveSlot;
import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.HumanName;
import io.slotstream.avro.Position;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the published {@link SlotAvailability} (slot.availability.v1, the contract documented in its .avsc) of an
 * effective slot and its Schedule, denormalising what the Schedule's actors reference (SMART Scheduling Links STU1
 * §5.2: all actors apply together): locations of Location actors and of actor PractitionerRoles/HealthcareServices,
 * their states, positions and time zone; specialties of the slot, the schedule and actor roles; actor displays
 * filled from Location.name or the role's practitioner (§5.2, actor.display). Unknown referenced resources are
 * skipped: a slot is published as soon as its Schedule is known.
 */
final class SlotAvailabilityBuilder {

    private SlotAvailabilityBuilder() {
    }

    /**
     * @param nowMs wall-clock time, UTC epoch ms: decides whether the hold is still active, and is the updatedAt
     */
    static SlotAvailability build(EffectiveSlot effective, FhirSchedule schedule, ReferenceData refs, long nowMs) {
        FhirSlot slot = effective.source();
        BookingState booking = effective.booking();
        Set<String> locationIds = new LinkedHashSet<>();
        Set<String> roleIds = new LinkedHashSet<>();
        Set<String> serviceIds = new LinkedHashSet<>();
        Set<Coding> specialty = new LinkedHashSet<>();
        List<Reference> actors = new ArrayList<>();
        slot.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
        schedule.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
        specialty.addAll(schedule.getScheduleSpecialty());
        for (Reference actor : schedule.getActor()) {
            String type = ReferenceIds.typeOf(actor.getReference());
            String display = actor.getDisplay();
            if ("Location".equals(type)) {
                String id = ReferenceIds.idOf(actor.getReference(), "Location");
                locationIds.add(id);
                FhirLocation location = refs.location(id);
                if (display == null && location != null) {
                    display = location.getName();
                }
            } else if ("PractitionerRole".equals(type)) {
                String id = ReferenceIds.idOf(actor.getReference(), "PractitionerRole");
                roleIds.add(id);
                FhirPractitionerRole role = refs.practitionerRole(id);
                if (role != null) {
                    role.getLocation().forEach(l -> addId(locationIds, l, "Location"));
                    role.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
                    if (display == null) {
                        display = practitionerDisplay(role, refs);
                    }
                }
            } else if ("HealthcareService".equals(type)) {
                String id = ReferenceIds.idOf(actor.getReference(), "HealthcareService");
                serviceIds.add(id);
                FhirHealthcareService service = refs.healthcareService(id);
                if (service != null) {
                    service.getLocation().forEach(l -> addId(locationIds, l, "Location"));
                    if (display == null) {
                        display = service.getName();
                    }
                }
            } else if ("Practitioner".equals(type) && display == null) {
                display = name(refs.practitioner(ReferenceIds.idOf(actor.getReference(), "Practitioner")));
            }
            actors.add(Reference.newBuilder(actor).setDisplay(display).build());
        }
        Set<String> states = new LinkedHashSet<>();
        List<Position> positions = new ArrayList<>();
        String timeZone = null;
        for (String id : locationIds) {
            FhirLocation location = refs.location(id);
            if (location == null) {
                continue;
            }
            if (location.getAddress() != null && location.getAddress().getState() != null) {
                states.add(location.getAddress().getState());
            }
            if (location.getPosition() != null) {
                positions.add(location.getPosition());
            }
            if (timeZone == null) {
                timeZone = location.getTimeZone();
            }
        }
        List<CodeableConcept> serviceType = slot.getServiceType().isEmpty() ? schedule.getServiceType()
                : slot.getServiceType();
        boolean held = booking.holdActiveAt(nowMs);
        return SlotAvailability.newBuilder()
                .setSlotId(slot.getId())
                .setSourceStatus(slot.getStatus())
                .setEffectiveStatus(EffectiveStatus.of(slot.getStatus(), booking, nowMs))
                .setStart(slot.getStart())
                .setEnd(slot.getEnd())
                .setStartOffsetSeconds(slot.getStartOffsetSeconds())
                .setEndOffsetSeconds(slot.getEndOffsetSeconds())
                .setScheduleId(schedule.getId())
                .setActors(actors)
                .setLocationIds(new ArrayList<>(locationIds))
                .setPractitionerRoleIds(new ArrayList<>(roleIds))
                .setHealthcareServiceIds(new ArrayList<>(serviceIds))
                .setServiceType(serviceType)
                .setSpecialty(new ArrayList<>(specialty))
                .setStates(new ArrayList<>(states))
                .setPositions(positions)
                .setTimeZone(timeZone)
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

    private static void addId(Set<String> ids, Reference reference, String type) {
        String id = ReferenceIds.idOf(reference.getReference(), type);
        if (id != null) {
            ids.add(id);
        }
    }

    private static String practitionerDisplay(FhirPractitionerRole role, ReferenceData refs) {
        if (role.getPractitioner() == null) {
            return null;
        }
        if (role.getPractitioner().getDisplay() != null) {
            return role.getPractitioner().getDisplay();
        }
        return name(refs.practitioner(ReferenceIds.idOf(role.getPractitioner().getReference(), "Practitioner")));
    }

    private static String name(FhirPractitioner practitioner) {
        if (practitioner == null || practitioner.getName().isEmpty()) {
            return null;
        }
        HumanName n = practitioner.getName().get(0);
        if (n.getText() != null) {
            return n.getText();
        }
        List<String> parts = new ArrayList<>(n.getPrefix());
        parts.addAll(n.getGiven());
        if (n.getFamily() != null) {
            parts.add(n.getFamily());
        }
        return parts.isEmpty() ? null : String.join(" ", parts);
    }
}
