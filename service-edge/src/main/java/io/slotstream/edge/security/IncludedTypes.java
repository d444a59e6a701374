package io.slotstream.edge.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resource types a FHIR search returns besides its matches ({@code _include}, {@code _include:iterate},
 * {@code _revinclude}; FHIR R4 search §3.1.1.5.4), as only the service serving the search knows them. A service
 * that supports includes provides one bean; {@link SmartAccessManager} then requires read ({@code r}) on each type
 * for a token-checked search, else 403 naming the parameter and the missing scope.
 */
@FunctionalInterface
public interface IncludedTypes {

    /** A service without includes. */
    IncludedTypes NONE = (type, parameters) -> List.of();

    /**
     * One include value of a request.
     *
     * @param parameter the request parameter, e.g. {@code _include}, {@code _revinclude}
     * @param value     its value, e.g. {@code Slot:schedule}
     * @param types     the resource types it adds to the Bundle, e.g. {@code Schedule}
     */
    record Inclusion(String parameter, String value, Set<String> types) {
        public Inclusion {
            types = Set.copyOf(types);
        }
    }

    /**
     * @param searchedType the resource type of the search ({@code Slot} for {@code GET /fhir/Slot})
     * @param parameters   the request's query parameters
     * @return what the search would include; empty when nothing, or when a value is not supported (the search itself
     * then answers 400 and returns nothing)
     */
    List<Inclusion> of(String searchedType, Map<String, String[]> parameters);
}
