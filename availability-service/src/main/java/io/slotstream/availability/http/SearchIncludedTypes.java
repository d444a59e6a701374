package io.slotstream.availability.http;

import io.slotstream.availability.query.Includes;
import io.slotstream.availability.query.SearchException;
import io.slotstream.availability.query.SearchParams;
import io.slotstream.edge.security.IncludedTypes;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The types a search's {@code _include}, {@code _include:iterate} and {@code _revinclude} values add, read with the
 * same {@link Includes} the search uses, so service-edge's scope check ({@code SmartAccessManager}, token mode) and
 * what {@code IncludeLoader} returns cannot differ: {@code _include} adds its target types, {@code _revinclude} its
 * source type (e.g. {@code Slot} for {@code _revinclude=Slot:schedule}).
 */
@Component
class SearchIncludedTypes implements IncludedTypes {

    @Override
    public List<Inclusion> of(String searchedType, Map<String, String[]> parameters) {
        if (!SearchParams.all().containsKey(searchedType)) {
            return List.of();
        }
        Includes includes;
        try {
            includes = Includes.parse(searchedType, parameters);
        } catch (SearchException unsupported) {
            return List.of(); // the search answers 400 naming the value and returns nothing
        }
        List<Inclusion> out = new ArrayList<>();
        includes.include().forEach((value, targets) -> out.add(new Inclusion(SearchParams.INCLUDE, value, targets)));
        includes.iterate().forEach((value, targets) -> out.add(new Inclusion(SearchParams.INCLUDE_ITERATE, value, targets)));
        includes.revinclude().keySet().forEach(value -> out.add(new Inclusion(SearchParams.REVINCLUDE, value,
                Set.of(value.substring(0, value.indexOf(':'))))));
        return out;
    }
}
