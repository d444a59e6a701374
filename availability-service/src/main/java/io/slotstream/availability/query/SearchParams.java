package io.slotstream.availability.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The search parameters each resource supports: the single source of truth for request validation and for
 * {@code GET /fhir/metadata}. Every resource also takes {@code _count} (page size); the reference resources page with
 * {@code _offset} (index of the first match of the page), Slot with {@code _cursor} (see {@link SlotPage}).
 */
public final class SearchParams {

    /** One supported parameter. @param expression FHIRPath it searches, for documentation and error messages */
    public record Spec(String name, ParamType type, String expression, String documentation) {
    }

    /** Prefix of the Slot parameters that search the slot's Locations by a Location search parameter (a chain). */
    public static final String LOCATION_CHAIN = "schedule.actor:Location.";

    private static final Map<String, List<Spec>> BY_RESOURCE = new LinkedHashMap<>();

    static {
        BY_RESOURCE.put("Slot", List.of(
                new Spec("schedule", ParamType.REFERENCE, "Slot.schedule", "Schedule/[id] or [id]; comma = or"),
                new Spec("status", ParamType.TOKEN, "Slot.status",
                        "effective status (holds and bookings applied): free | busy | busy-unavailable | busy-tentative | entered-in-error; comma = or"),
                new Spec("start", ParamType.DATE, "Slot.start",
                        "prefixes eq (default), ge, gt, le, lt; repeat to AND (e.g. start=ge2026-03-21&start=lt2026-03-28); zone-less values are UTC"),
                new Spec("service-type", ParamType.TOKEN, "Slot.serviceType",
                        "[system]|[code] or [code]; the Slot's, else its Schedule's service type"),
                new Spec("specialty", ParamType.TOKEN, "Slot.specialty",
                        "[system]|[code] or [code]; Slot, Schedule and actor PractitionerRole specialties"),
                new Spec("schedule.actor", ParamType.REFERENCE, "Slot.schedule.resolve().actor",
                        "Location/[id], PractitionerRole/[id], HealthcareService/[id], Practitioner/[id] or [id]; comma = or"),
                new Spec(LOCATION_CHAIN + "address-state", ParamType.STRING, "Slot.schedule.resolve().actor",
                        "a Location of the slot (actor Locations and the Locations of actor PractitionerRoles and "
                                + "HealthcareServices) whose address.state starts with the value, case-insensitive"),
                new Spec(LOCATION_CHAIN + "address-postalcode", ParamType.STRING, "Slot.schedule.resolve().actor",
                        "a Location of the slot whose address.postalCode starts with the value, case-insensitive"),
                new Spec(LOCATION_CHAIN + "address-city", ParamType.STRING, "Slot.schedule.resolve().actor",
                        "a Location of the slot whose address.city starts with the value, case-insensitive"),
                new Spec(LOCATION_CHAIN + "near", ParamType.SPECIAL, "Slot.schedule.resolve().actor",
                        "[latitude]|[longitude]|[distance]|[unit]: a Location of the slot within distance (default 50 km); "
                                + "all Location conditions hold for the same Location"),
                new Spec("_sort", ParamType.SPECIAL, "Slot.start", "start (default) or -start; ties by id"),
                new Spec("_total", ParamType.SPECIAL, "Bundle.total",
                        "accurate counts every match; none (default) gives a total only when the first page holds them all"),
                new Spec("_cursor", ParamType.SPECIAL, "Bundle.link",
                        "opaque position from a next link: the page after the last (start, id) seen")));
        BY_RESOURCE.put("Schedule", List.of(
                new Spec("_id", ParamType.TOKEN, "Schedule.id", "[id]; comma = or"),
                new Spec("actor", ParamType.REFERENCE, "Schedule.actor", "[Type]/[id] or [id]; comma = or"),
                new Spec("service-type", ParamType.TOKEN, "Schedule.serviceType", "[system]|[code] or [code]"),
                new Spec("specialty", ParamType.TOKEN, "Schedule.specialty",
                        "[system]|[code] or [code]; also the schedule-specialty extension")));
        BY_RESOURCE.put("Location", List.of(
                new Spec("_id", ParamType.TOKEN, "Location.id", "[id]; comma = or"),
                new Spec("address-state", ParamType.STRING, "Location.address.state", "starts with, case-insensitive"),
                new Spec("address-postalcode", ParamType.STRING, "Location.address.postalCode", "starts with, case-insensitive"),
                new Spec("address-city", ParamType.STRING, "Location.address.city", "starts with, case-insensitive"),
                new Spec("near", ParamType.SPECIAL, "Location.position",
                        "[latitude]|[longitude]|[distance]|[unit]: within distance (default 50 km); unit km | mi | m")));
        BY_RESOURCE.put("PractitionerRole", List.of(
                new Spec("_id", ParamType.TOKEN, "PractitionerRole.id", "[id]; comma = or"),
                new Spec("specialty", ParamType.TOKEN, "PractitionerRole.specialty", "[system]|[code] or [code]"),
                new Spec("practitioner", ParamType.REFERENCE, "PractitionerRole.practitioner", "Practitioner/[id] or [id]"),
                new Spec("location", ParamType.REFERENCE, "PractitionerRole.location", "Location/[id] or [id]")));
        BY_RESOURCE.put("HealthcareService", List.of(
                new Spec("_id", ParamType.TOKEN, "HealthcareService.id", "[id]; comma = or"),
                new Spec("service-type", ParamType.TOKEN, "HealthcareService.type", "[system]|[code] or [code]"),
                new Spec("location", ParamType.REFERENCE, "HealthcareService.location", "Location/[id] or [id]")));
    }

    /**
     * One supported {@code _include}/{@code _revinclude} value, {@code [source]:[parameter]}, optionally qualified
     * {@code :[target]} with one of {@code targets} (FHIR R4 search §3.1.1.5.4).
     *
     * @param value   e.g. {@code Slot:schedule}
     * @param targets the resource types it loads (for {@code _revinclude}: the searched type it reaches back from)
     */
    public record IncludeSpec(String value, List<String> targets) {
    }

    /** The three include parameters, as named in a request. */
    public static final String INCLUDE = "_include";
    public static final String INCLUDE_ITERATE = "_include:iterate";
    public static final String REVINCLUDE = "_revinclude";

    private static final List<String> ACTOR_TYPES = List.of("Location", "PractitionerRole", "HealthcareService");

    /** parameter ({@link #INCLUDE}, ...) -> searched resource type -> the values it supports */
    private static final Map<String, Map<String, List<IncludeSpec>>> INCLUDES = Map.of(
            INCLUDE, Map.of(
                    "Slot", List.of(new IncludeSpec("Slot:schedule", List.of("Schedule"))),
                    "Schedule", List.of(new IncludeSpec("Schedule:actor", ACTOR_TYPES))),
            // iterate: applies to the Schedules Slot:schedule included (the "who and where" of the page's slots)
            INCLUDE_ITERATE, Map.of(
                    "Slot", List.of(new IncludeSpec("Schedule:actor", ACTOR_TYPES))),
            REVINCLUDE, Map.of(
                    "Schedule", List.of(new IncludeSpec("Slot:schedule", List.of("Schedule"))),
                    "Location", List.of(new IncludeSpec("Schedule:actor", List.of("Location"))),
                    "PractitionerRole", List.of(new IncludeSpec("Schedule:actor", List.of("PractitionerRole"))),
                    "HealthcareService", List.of(new IncludeSpec("Schedule:actor", List.of("HealthcareService")))));

    /**
     * @param parameter {@link #INCLUDE}, {@link #INCLUDE_ITERATE} or {@link #REVINCLUDE}
     * @return the values that parameter supports on a search of {@code resourceType} (empty: none)
     */
    public static List<IncludeSpec> includes(String parameter, String resourceType) {
        return INCLUDES.get(parameter).getOrDefault(resourceType, List.of());
    }

    /** Result-control parameters every search accepts. */
    public static final List<String> CONTROL = List.of("_count", "_offset");

    private SearchParams() {
    }

    /** @return resource type -> its parameters (not including {@link #CONTROL}), in a fixed order */
    public static Map<String, List<Spec>> all() {
        return BY_RESOURCE;
    }

    /**
     * Rejects any parameter the resource does not support (strict handling), including modifiers ({@code name:exact})
     * and empty values.
     *
     * @throws SearchException naming the parameter and listing the supported ones
     */
    public static void validate(String resourceType, Map<String, String[]> params) {
        List<Spec> specs = BY_RESOURCE.get(resourceType);
        for (Map.Entry<String, String[]> p : params.entrySet()) {
            String name = p.getKey();
            boolean known = CONTROL.contains(name) || specs.stream().anyMatch(s -> s.name().equals(name));
            if (!known) {
                throw new SearchException("Unknown search parameter '" + name + "' for " + resourceType
                        + ". Supported: " + String.join(", ", specs.stream().map(Spec::name).toList()) + ", "
                        + String.join(", ", CONTROL), resourceType + "?" + name);
            }
            for (String v : p.getValue()) {
                if (v == null || v.isBlank()) {
                    throw new SearchException("Search parameter '" + name + "' has an empty value", resourceType + "?" + name);
                }
            }
        }
    }
}
