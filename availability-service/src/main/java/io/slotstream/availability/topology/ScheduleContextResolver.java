package io.slotstream.availability.topology;

import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.availability.store.ReferenceKey;
import io.slotstream.availability.store.ScheduleContext;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.HumanName;
import io.slotstream.avro.Position;
import io.slotstream.avro.Reference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves a Schedule against the reference resources its actors point to (SMART Scheduling Links STU1 §5.2: all
 * actors apply together): locations of Location actors and of actor PractitionerRoles/HealthcareServices, their
 * states, positions and time zone; specialties of the schedule and actor roles; actor displays filled from
 * Location.name, the role's practitioner, HealthcareService.name or Practitioner.name. Unknown resources are skipped
 * (a slot is published as soon as its Schedule is known) but still listed as dependencies, so their arrival fixes the
 * context. Pure: the same Schedule and references give the same result.
 */
final class ScheduleContextResolver {

    /**
     * @param context      the resolved context
     * @param dependencies every reference key ({@link ReferenceKey}) read, known or not, sorted
     */
    record Resolved(ScheduleContext context, List<String> dependencies) {
    }

    private ScheduleContextResolver() {
    }

    static Resolved resolve(FhirSchedule schedule, ReferenceData refs) {
        Set<String> dependencies = new TreeSet<>();
        Set<String> locationIds = new LinkedHashSet<>();
        Set<String> roleIds = new LinkedHashSet<>();
        Set<String> serviceIds = new LinkedHashSet<>();
        Set<Coding> specialty = new LinkedHashSet<>();
        List<Reference> actors = new ArrayList<>();
        schedule.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
        specialty.addAll(schedule.getScheduleSpecialty());
        for (Reference actor : schedule.getActor()) {
            String type = ReferenceIds.typeOf(actor.getReference());
            String id = type == null ? null : ReferenceIds.idOf(actor.getReference(), type);
            String display = actor.getDisplay();
            if (id == null) {
                actors.add(actor);
                continue;
            }
            switch (type) {
                case ReferenceKey.LOCATION -> {
                    dependencies.add(ReferenceKey.of(type, id));
                    locationIds.add(id);
                    FhirLocation location = refs.location(id);
                    if (display == null && location != null) {
                        display = location.getName();
                    }
                }
                case ReferenceKey.PRACTITIONER_ROLE -> {
                    dependencies.add(ReferenceKey.of(type, id));
                    roleIds.add(id);
                    FhirPractitionerRole role = refs.practitionerRole(id);
                    if (role != null) {
                        role.getLocation().forEach(l -> addLocation(l, locationIds, dependencies));
                        role.getSpecialty().forEach(c -> specialty.addAll(c.getCoding()));
                        String practitioner = role.getPractitioner() == null ? null
                                : ReferenceIds.idOf(role.getPractitioner().getReference(), ReferenceKey.PRACTITIONER);
                        if (practitioner != null) {
                            dependencies.add(ReferenceKey.of(ReferenceKey.PRACTITIONER, practitioner));
                        }
                        if (display == null && role.getPractitioner() != null) {
                            display = role.getPractitioner().getDisplay() != null ? role.getPractitioner().getDisplay()
                                    : name(refs.practitioner(practitioner));
                        }
                    }
                }
                case ReferenceKey.HEALTHCARE_SERVICE -> {
                    dependencies.add(ReferenceKey.of(type, id));
                    serviceIds.add(id);
                    FhirHealthcareService service = refs.healthcareService(id);
                    if (service != null) {
                        service.getLocation().forEach(l -> addLocation(l, locationIds, dependencies));
                        if (display == null) {
                            display = service.getName();
                        }
                    }
                }
                case ReferenceKey.PRACTITIONER -> {
                    dependencies.add(ReferenceKey.of(type, id));
                    if (display == null) {
                        display = name(refs.practitioner(id));
                    }
                }
                default -> {
                    // other actor types (Device, RelatedPerson, ...) contribute nothing but themselves
                }
            }
            actors.add(display == null ? actor : Reference.newBuilder(actor).setDisplay(display).build());
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
        ScheduleContext context = new ScheduleContext(schedule.getId(), actors, new ArrayList<>(locationIds),
                new ArrayList<>(roleIds), new ArrayList<>(serviceIds), schedule.getServiceType(),
                new ArrayList<>(specialty), new ArrayList<>(states), positions, timeZone);
        return new Resolved(context, List.copyOf(dependencies));
    }

    private static void addLocation(Reference reference, Set<String> locationIds, Set<String> dependencies) {
        String id = ReferenceIds.idOf(reference.getReference(), ReferenceKey.LOCATION);
        if (id != null) {
            locationIds.add(id);
            dependencies.add(ReferenceKey.of(ReferenceKey.LOCATION, id));
        }
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
