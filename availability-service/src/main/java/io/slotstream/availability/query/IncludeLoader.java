package io.slotstream.availability.query;

import io.slotstream.availability.config.AvailabilityProperties;
import io.slotstream.availability.store.ReferenceIds;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads what a search page includes ({@link Includes}) through the searches a client would run itself, so the result
 * is complete across instances and a Slot include drives through the Slot index ({@code sc:<schedule>} postings),
 * never a scan of the view:
 * <ul>
 *   <li>{@code _include=Slot:schedule}: the page's Schedules ({@code Schedule?_id=}); with
 *   {@code _include:iterate=Schedule:actor} also their actors;</li>
 *   <li>{@code _include=Schedule:actor}: the actor Locations, PractitionerRoles and HealthcareServices
 *   ({@code [type]?_id=}; other actor types are not served here);</li>
 *   <li>{@code _revinclude=Slot:schedule} on Schedule: the Slots of the page's Schedules in start order
 *   ({@code Slot?schedule=a,b,..}), earliest first;</li>
 *   <li>{@code _revinclude=Schedule:actor} on Location, PractitionerRole, HealthcareService: the Schedules naming a
 *   page resource as actor ({@code Schedule?actor=}), by id.</li>
 * </ul>
 * Each resource appears once per page. At most {@code slotstream.availability.max-includes} resources are loaded per
 * page, all includes together, forward includes first (HAPI's {@code maximumIncludesToLoadPerPage}); an include cut
 * short by it gives a warning.
 */
@Service
public class IncludeLoader {

    /** Ids per internal search (keeps each peer URL well under the 8 KB request-line limit). */
    private static final int CHUNK = 100;

    private final SearchService search;
    private final int maxIncludes;

    public IncludeLoader(SearchService search, AvailabilityProperties properties) {
        this.search = search;
        this.maxIncludes = properties.maxIncludes();
    }

    /** @param page the Slots shown on the page */
    public Included forSlots(List<SlotAvailability> page, Includes includes) {
        Page out = new Page();
        if (!includes.include("Slot:schedule").isEmpty()) {
            List<FhirSchedule> schedules = search.schedulesById(
                    page.stream().map(SlotAvailability::getScheduleId).distinct().toList());
            out.add(schedules, "Slot?_include", "_include=Slot:schedule");
            Set<String> actorTypes = includes.iterate("Schedule:actor");
            if (!actorTypes.isEmpty()) {
                out.add(actors(schedules, actorTypes), "Slot?_include:iterate", "_include:iterate=Schedule:actor");
            }
        }
        return out.result();
    }

    /** @param page the Schedules shown on the page */
    public Included forSchedules(List<FhirSchedule> page, Includes includes) {
        Page out = new Page();
        Set<String> actorTypes = includes.include("Schedule:actor");
        if (!actorTypes.isEmpty()) {
            out.add(actors(page, actorTypes), "Schedule?_include", "_include=Schedule:actor");
        }
        if (includes.revinclude("Slot:schedule")) {
            Partial<SlotAvailability> slots = slotsOf(page.stream().map(FhirSchedule::getId).toList(), out.left());
            out.add(slots.first(), "Schedule?_revinclude", "_revinclude=Slot:schedule");
        }
        return out.result();
    }

    /**
     * @param type Location, PractitionerRole or HealthcareService
     * @param ids  the ids of the resources shown on the page
     */
    public Included forActors(String type, List<String> ids, Includes includes) {
        Page out = new Page();
        if (includes.revinclude("Schedule:actor")) {
            List<Partial<FhirSchedule>> parts = new ArrayList<>();
            for (List<String> chunk : chunks(ids)) {
                String actors = String.join(",", chunk.stream().map(id -> type + "/" + id).toList());
                parts.add(search.schedules(Map.of("actor", new String[]{actors}), new Paging(out.left() + 1, 0)));
            }
            out.add(Partial.merge(parts, java.util.Comparator.comparing(FhirSchedule::getId), out.left() + 1,
                    FhirSchedule::getId).first(), type + "?_revinclude", "_revinclude=Schedule:actor");
        }
        return out.result();
    }

    /** @return the first {@code limit + 1} Slots of the Schedules in start order (one more shows the cap was hit) */
    private Partial<SlotAvailability> slotsOf(List<String> scheduleIds, int limit) {
        List<Partial<SlotAvailability>> parts = new ArrayList<>();
        for (List<String> chunk : chunks(scheduleIds)) {
            parts.add(search.slots(Map.of("schedule", new String[]{String.join(",", chunk)}),
                    new SlotPage(limit, null, false)));
        }
        return Partial.merge(parts, SlotQuery.parse(Map.of()).order(), limit + 1, SlotAvailability::getSlotId);
    }

    /** @return the served actors (of {@code types}) of the Schedules, by type then id */
    private List<SpecificRecord> actors(List<FhirSchedule> schedules, Set<String> types) {
        Map<String, Set<String>> idsByType = new LinkedHashMap<>();
        for (String type : List.of("Location", "PractitionerRole", "HealthcareService")) {
            if (types.contains(type)) {
                idsByType.put(type, new LinkedHashSet<>());
            }
        }
        for (FhirSchedule s : schedules) {
            for (Reference actor : s.getActor()) {
                String type = ReferenceIds.typeOf(actor.getReference());
                Set<String> ids = type == null ? null : idsByType.get(type);
                String id = ids == null ? null : ReferenceIds.idOf(actor.getReference(), type);
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        List<SpecificRecord> out = new ArrayList<>();
        idsByType.forEach((type, ids) -> {
            for (List<String> chunk : chunks(ids)) {
                Map<String, String[]> byId = Map.of("_id", new String[]{String.join(",", chunk)});
                Paging all = new Paging(chunk.size(), 0);
                out.addAll(switch (type) {
                    case "Location" -> search.locations(byId, all).first();
                    case "PractitionerRole" -> search.practitionerRoles(byId, all).first();
                    default -> search.healthcareServices(byId, all).first();
                });
            }
        });
        return out;
    }

    private static List<List<String>> chunks(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return out;
    }

    /** Collects one page's includes: each resource once, at most {@link #maxIncludes} of them. */
    private final class Page {
        private final Map<String, SpecificRecord> resources = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();
        private final List<String> expressions = new ArrayList<>();

        int left() {
            return maxIncludes - resources.size();
        }

        void add(List<? extends SpecificRecord> loaded, String expression, String what) {
            boolean cut = false;
            for (SpecificRecord r : loaded) {
                String key = key(r);
                if (resources.containsKey(key)) {
                    continue;
                }
                if (left() <= 0) {
                    cut = true;
                    break;
                }
                resources.put(key, r);
            }
            if (cut) {
                warnings.add(what + " matched more resources than this page may include: only the first " + maxIncludes
                        + " included resources are given (slotstream.availability.max-includes). Page with a smaller"
                        + " _count, or search the included type directly.");
                expressions.add(expression);
            }
        }

        Included result() {
            return new Included(List.copyOf(resources.values()), warnings, expressions);
        }
    }

    /** @return {@code Type/id} of an included resource */
    static String key(SpecificRecord r) {
        return switch (r) {
            case SlotAvailability a -> "Slot/" + a.getSlotId();
            case FhirSchedule s -> "Schedule/" + s.getId();
            case FhirLocation l -> "Location/" + l.getId();
            case FhirPractitionerRole p -> "PractitionerRole/" + p.getId();
            case FhirHealthcareService h -> "HealthcareService/" + h.getId();
            default -> throw new IllegalArgumentException("not an includable record: " + r.getClass().getName());
        };
    }
}
