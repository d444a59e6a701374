package io.slotstream.availability.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code _include}, {@code _include:iterate} and {@code _revinclude} values of one search, checked against what
 * {@link SearchParams#includes} supports for the searched type (FHIR R4 search §3.1.1.5.4: one value per repetition,
 * {@code [source]:[parameter]} or {@code [source]:[parameter]:[target type]}).
 *
 * @param include    value (e.g. {@code Slot:schedule}) -> the target types asked for
 * @param iterate    the same for {@code _include:iterate}
 * @param revinclude the same for {@code _revinclude}
 */
public record Includes(Map<String, Set<String>> include, Map<String, Set<String>> iterate,
                       Map<String, Set<String>> revinclude) {

    /** The request parameters this record reads; searches leave them out of their own validation. */
    public static final List<String> PARAMS = List.of(SearchParams.INCLUDE, SearchParams.INCLUDE_ITERATE,
            SearchParams.REVINCLUDE);

    /** No includes. */
    public static final Includes NONE = new Includes(Map.of(), Map.of(), Map.of());

    /**
     * @throws SearchException naming {@code [type]?_include} (or {@code _include:iterate}, {@code _revinclude}) for a
     *                         value the search does not support, with the supported ones
     */
    public static Includes parse(String resourceType, Map<String, String[]> params) {
        Includes parsed = new Includes(values(resourceType, params, SearchParams.INCLUDE),
                values(resourceType, params, SearchParams.INCLUDE_ITERATE),
                values(resourceType, params, SearchParams.REVINCLUDE));
        if (!parsed.iterate.isEmpty() && parsed.include.isEmpty()) {
            throw new SearchException(SearchParams.INCLUDE_ITERATE + " applies to included resources: give "
                    + SearchParams.INCLUDE + " too (e.g. _include=Slot:schedule&_include:iterate=Schedule:actor)",
                    resourceType + "?" + SearchParams.INCLUDE_ITERATE);
        }
        return parsed;
    }

    /** @return the target types of {@code value} in {@code _include}, empty when not asked for */
    public Set<String> include(String value) {
        return include.getOrDefault(value, Set.of());
    }

    /** @return the target types of {@code value} in {@code _include:iterate}, empty when not asked for */
    public Set<String> iterate(String value) {
        return iterate.getOrDefault(value, Set.of());
    }

    /** @return whether {@code _revinclude} asks for {@code value} */
    public boolean revinclude(String value) {
        return revinclude.containsKey(value);
    }

    private static Map<String, Set<String>> values(String resourceType, Map<String, String[]> params, String name) {
        String[] given = params.get(name);
        if (given == null) {
            return Map.of();
        }
        List<SearchParams.IncludeSpec> supported = SearchParams.includes(name, resourceType);
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String v : given) {
            String[] parts = v.split(":", -1);
            SearchParams.IncludeSpec spec = parts.length < 2 || parts.length > 3 ? null : supported.stream()
                    .filter(s -> s.value().equals(parts[0] + ":" + parts[1])).findFirst().orElse(null);
            if (spec == null || (parts.length == 3 && !spec.targets().contains(parts[2]))) {
                List<String> allowed = new ArrayList<>();
                supported.forEach(s -> {
                    allowed.add(s.value());
                    s.targets().forEach(t -> allowed.add(s.value() + ":" + t));
                });
                throw new SearchException(name + " value '" + v + "' is not supported on " + resourceType + " search."
                        + (allowed.isEmpty() ? " It supports no " + name + "." : " Supported: " + String.join(", ", allowed)),
                        resourceType + "?" + name);
            }
            out.computeIfAbsent(spec.value(), k -> new LinkedHashSet<>())
                    .addAll(parts.length == 3 ? List.of(parts[2]) : spec.targets());
        }
        return out;
    }
}
