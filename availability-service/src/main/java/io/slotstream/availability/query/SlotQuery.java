package io.slotstream.availability.query;

import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.mapping.SlotStatusCodes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.function.Predicate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code GET /fhir/Slot} search. Repeated parameters are ANDed, comma-separated values ORed (FHIR R4
 * search rules). {@code status} matches the effective status.
 *
 * @param scheduleIds  OR-groups of schedule ids, all of which must match (empty = any schedule)
 * @param statuses     OR-groups of statuses
 * @param start        interval the slot start must lie in
 * @param serviceTypes OR-groups of service-type tokens
 * @param specialties  OR-groups of specialty tokens
 * @param actors       OR-groups of Schedule.actor references ({@code schedule.actor})
 * @param location     what one of the slot's Locations must satisfy ({@code schedule.actor:Location.*}); null = no
 *                     Location condition
 * @param descending   {@code _sort=-start}
 */
public record SlotQuery(List<List<String>> scheduleIds, List<List<SlotStatus>> statuses, DateRange start,
                        List<List<Token>> serviceTypes, List<List<Token>> specialties, List<List<RefParam>> actors,
                        Predicate<FhirLocation> location, boolean descending) {

    /** Order of results: start, then slot id (reversed for {@code -start}). */
    public Comparator<SlotAvailability> order() {
        Comparator<SlotAvailability> c = Comparator.comparing((SlotAvailability a) -> a.getStart())
                .thenComparing(SlotAvailability::getSlotId);
        return descending ? c.reversed() : c;
    }

    /** @throws SearchException on unknown parameters or malformed values */
    public static SlotQuery parse(Map<String, String[]> params) {
        SearchParams.validate("Slot", params);
        List<List<String>> schedules = new ArrayList<>();
        for (String v : values(params, "schedule")) {
            schedules.add(Arrays.stream(v.split(",")).map(s -> RefParam.parse(s, "Slot?schedule", "Schedule").id()).toList());
        }
        List<List<SlotStatus>> statuses = new ArrayList<>();
        for (String v : values(params, "status")) {
            statuses.add(Arrays.stream(v.split(",")).map(SlotQuery::status).toList());
        }
        DateRange start = DateRange.ALL;
        for (String v : values(params, "start")) {
            start = start.and(DateRange.parse(v, "Slot?start"));
        }
        List<List<Token>> serviceTypes = tokens(params, "service-type", "Slot?service-type");
        List<List<Token>> specialties = tokens(params, "specialty", "Slot?specialty");
        List<List<RefParam>> actors = new ArrayList<>();
        for (String v : values(params, "schedule.actor")) {
            actors.add(Arrays.stream(v.split(",")).map(r -> RefParam.parse(r, "Slot?schedule.actor",
                    "Location", "PractitionerRole", "HealthcareService", "Practitioner")).toList());
        }
        Map<String, String[]> locationParams = new LinkedHashMap<>();
        params.forEach((name, v) -> {
            if (name.startsWith(SearchParams.LOCATION_CHAIN)) {
                locationParams.put(name.substring(SearchParams.LOCATION_CHAIN.length()), v);
            }
        });
        Predicate<FhirLocation> location = locationParams.isEmpty() ? null : ReferenceQueries.location(locationParams);
        boolean descending = false;
        String[] sort = params.get("_sort");
        if (sort != null) {
            if (sort.length > 1 || !(sort[0].equals("start") || sort[0].equals("-start"))) {
                throw new SearchException("_sort supports only start or -start", "Slot?_sort");
            }
            descending = sort[0].equals("-start");
        }
        return new SlotQuery(schedules, statuses, start, serviceTypes, specialties, actors, location, descending);
    }

    /**
     * @return whether a published slot matches every condition but the Location one (which needs the Location
     * reference data: see {@link #matchesLocation})
     */
    public boolean matches(SlotAvailability a) {
        if (!start.contains(a.getStart().toEpochMilli())) {
            return false;
        }
        for (List<String> group : scheduleIds) {
            if (!group.contains(a.getScheduleId())) {
                return false;
            }
        }
        for (List<SlotStatus> group : statuses) {
            if (!group.contains(a.getEffectiveStatus())) {
                return false;
            }
        }
        for (List<Token> group : serviceTypes) {
            if (!Token.anyMatchesConcepts(group, a.getServiceType())) {
                return false;
            }
        }
        for (List<Token> group : specialties) {
            if (!Token.anyMatches(group, a.getSpecialty())) {
                return false;
            }
        }
        for (List<RefParam> group : actors) {
            if (group.stream().noneMatch(p -> a.getActors().stream().anyMatch(r -> p.matches(r.getReference())))) {
                return false;
            }
        }
        return true;
    }

    /** @param locationIds ids of the Locations that satisfy {@link #location}; ignored when there is no condition */
    public boolean matchesLocation(SlotAvailability a, Set<String> locationIds) {
        return location == null || a.getLocationIds().stream().anyMatch(locationIds::contains);
    }

    static List<String> values(Map<String, String[]> params, String name) {
        String[] v = params.get(name);
        return v == null ? List.of() : List.of(v);
    }

    static List<List<Token>> tokens(Map<String, String[]> params, String name, String expression) {
        List<List<Token>> groups = new ArrayList<>();
        for (String v : values(params, name)) {
            groups.add(Arrays.stream(v.split(",")).map(t -> Token.parse(t, expression)).toList());
        }
        return groups;
    }

    private static SlotStatus status(String code) {
        try {
            return SlotStatusCodes.fromCode(code);
        } catch (RuntimeException e) {
            throw new SearchException("status '" + code
                    + "' is not a Slot status (free, busy, busy-unavailable, busy-tentative, entered-in-error)", "Slot?status");
        }
    }
}
