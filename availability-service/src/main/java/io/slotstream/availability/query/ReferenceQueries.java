package io.slotstream.availability.query;

import io.slotstream.avro.Address;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.Reference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Parsers of the Schedule, Location, PractitionerRole and HealthcareService searches into predicates, and the local
 * scan that applies them (results ordered by id). Reference data is small next to slots (thousands to tens of
 * thousands of rows), so these scan their store.
 */
public final class ReferenceQueries {

    private ReferenceQueries() {
    }

    /** @throws SearchException on unknown parameters or malformed values */
    public static Predicate<FhirSchedule> schedule(Map<String, String[]> params) {
        SearchParams.validate("Schedule", params);
        List<List<RefParam>> actors = refs(params, "actor", "Schedule?actor",
                "Location", "PractitionerRole", "Practitioner", "HealthcareService", "Patient", "RelatedPerson", "Device");
        List<List<Token>> serviceTypes = SlotQuery.tokens(params, "service-type", "Schedule?service-type");
        List<List<Token>> specialties = SlotQuery.tokens(params, "specialty", "Schedule?specialty");
        Predicate<String> ids = ids(params);
        return s -> ids.test(s.getId())
                && actors.stream().allMatch(g -> anyRef(g, s.getActor()))
                && serviceTypes.stream().allMatch(g -> Token.anyMatchesConcepts(g, s.getServiceType()))
                && specialties.stream().allMatch(g -> Token.anyMatchesConcepts(g, s.getSpecialty())
                        || Token.anyMatches(g, s.getScheduleSpecialty()));
    }

    /** @throws SearchException on unknown parameters or malformed values */
    public static Predicate<FhirLocation> location(Map<String, String[]> params) {
        SearchParams.validate("Location", params);
        List<Predicate<FhirLocation>> conditions = new ArrayList<>();
        Predicate<String> ids = ids(params);
        conditions.add(l -> ids.test(l.getId()));
        for (String v : SlotQuery.values(params, "address-state")) {
            conditions.add(l -> startsWith(l.getAddress(), Address::getState, v));
        }
        for (String v : SlotQuery.values(params, "address-postalcode")) {
            conditions.add(l -> startsWith(l.getAddress(), Address::getPostalCode, v));
        }
        for (String v : SlotQuery.values(params, "address-city")) {
            conditions.add(l -> startsWith(l.getAddress(), Address::getCity, v));
        }
        for (String v : SlotQuery.values(params, "near")) {
            Near near = Near.parse(v);
            conditions.add(near::contains);
        }
        return l -> conditions.stream().allMatch(c -> c.test(l));
    }

    /** @throws SearchException on unknown parameters or malformed values */
    public static Predicate<FhirPractitionerRole> practitionerRole(Map<String, String[]> params) {
        SearchParams.validate("PractitionerRole", params);
        List<List<Token>> specialties = SlotQuery.tokens(params, "specialty", "PractitionerRole?specialty");
        List<List<RefParam>> practitioners = refs(params, "practitioner", "PractitionerRole?practitioner", "Practitioner");
        List<List<RefParam>> locations = refs(params, "location", "PractitionerRole?location", "Location");
        Predicate<String> ids = ids(params);
        return r -> ids.test(r.getId())
                && specialties.stream().allMatch(g -> Token.anyMatchesConcepts(g, r.getSpecialty()))
                && practitioners.stream().allMatch(g -> r.getPractitioner() != null
                        && anyRef(g, List.of(r.getPractitioner())))
                && locations.stream().allMatch(g -> anyRef(g, r.getLocation()));
    }

    /** @throws SearchException on unknown parameters or malformed values */
    public static Predicate<FhirHealthcareService> healthcareService(Map<String, String[]> params) {
        SearchParams.validate("HealthcareService", params);
        List<List<Token>> types = SlotQuery.tokens(params, "service-type", "HealthcareService?service-type");
        List<List<RefParam>> locations = refs(params, "location", "HealthcareService?location", "Location");
        Predicate<String> ids = ids(params);
        return h -> ids.test(h.getId())
                && types.stream().allMatch(g -> Token.anyMatchesConcepts(g, h.getType()))
                && locations.stream().allMatch(g -> anyRef(g, h.getLocation()));
    }

    /** @return matches of a local store scan, ordered by id, the first {@code limit} of them */
    public static <T extends SpecificRecord> Partial<T> scan(ReadOnlyKeyValueStore<String, T> store, Predicate<T> filter,
                                                             Function<T, String> id, int limit) {
        Partial.Collector<T> out = new Partial.Collector<>(Comparator.comparing(id), limit);
        try (KeyValueIterator<String, T> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, T> kv = it.next();
                if (kv.value != null && filter.test(kv.value)) {
                    out.add(kv.value);
                }
            }
        }
        return out.result();
    }

    /** @return the {@code _id} condition: every repetition holds one of its comma-separated ids */
    private static Predicate<String> ids(Map<String, String[]> params) {
        List<List<String>> groups = SlotQuery.values(params, "_id").stream().map(v -> List.of(v.split(","))).toList();
        return id -> groups.stream().allMatch(g -> g.contains(id));
    }

    private static List<List<RefParam>> refs(Map<String, String[]> params, String name, String expression, String... types) {
        List<List<RefParam>> groups = new ArrayList<>();
        for (String v : SlotQuery.values(params, name)) {
            groups.add(Arrays.stream(v.split(",")).map(r -> RefParam.parse(r, expression, types)).toList());
        }
        return groups;
    }

    private static boolean anyRef(List<RefParam> group, List<Reference> references) {
        return group.stream().anyMatch(p -> references.stream().anyMatch(r -> p.matches(r.getReference())));
    }

    private static boolean startsWith(Address address, Function<Address, String> field, String prefix) {
        String value = address == null ? null : field.apply(address);
        return value != null && value.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
    }
}
