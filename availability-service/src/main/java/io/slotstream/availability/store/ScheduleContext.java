package io.slotstream.availability.store;

import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;
import io.slotstream.avro.Position;
import io.slotstream.avro.Reference;

import java.util.List;

/**
 * What a Schedule and the resources its actors reference (Location, PractitionerRole and its Practitioner,
 * HealthcareService, Practitioner) contribute to every published slot of it: the right side of the slot join
 * (store {@link StoreNames#SCHEDULE_CONTEXT_COPY}). Only these values, so a change of a referenced resource that does not
 * alter them (say a Location's phone number) re-emits nothing. Lists are in actor order, without duplicates.
 *
 * @param scheduleId            canonical Schedule id
 * @param actors                Schedule.actor with display filled (Location.name, the role's practitioner,
 *                              HealthcareService.name, Practitioner.name; SMART Scheduling Links STU1 §5.2)
 * @param locationIds           Location actors and the locations of actor PractitionerRoles/HealthcareServices
 * @param practitionerRoleIds   PractitionerRole actors
 * @param healthcareServiceIds  HealthcareService actors
 * @param serviceType           Schedule.serviceType (a slot without its own serviceType shows these)
 * @param specialty             codings of Schedule.specialty, the schedule specialty extension and actor roles
 * @param states                address states of the known locations
 * @param positions             positions of the known locations
 * @param timeZone              IANA time zone of the first known location that has one, or null
 */
public record ScheduleContext(String scheduleId, List<Reference> actors, List<String> locationIds,
                              List<String> practitionerRoleIds, List<String> healthcareServiceIds,
                              List<CodeableConcept> serviceType, List<Coding> specialty, List<String> states,
                              List<Position> positions, String timeZone) {

    public ScheduleContext {
        actors = List.copyOf(actors);
        locationIds = List.copyOf(locationIds);
        practitionerRoleIds = List.copyOf(practitionerRoleIds);
        healthcareServiceIds = List.copyOf(healthcareServiceIds);
        serviceType = List.copyOf(serviceType);
        specialty = List.copyOf(specialty);
        states = List.copyOf(states);
        positions = List.copyOf(positions);
    }
}
