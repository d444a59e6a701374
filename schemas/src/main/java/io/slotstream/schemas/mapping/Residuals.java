package io.slotstream.schemas.mapping;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Property;

import java.lang.reflect.InvocationTargetException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The lossless part of the mapping: which top-level elements the typed Avro fields do not give back exactly, written
 * verbatim as one FHIR JSON object ({"resourceType":..., element: ...}), and read back as the base of the rebuilt
 * resource so those elements win over the typed fields.
 */
final class Residuals {

    private final FhirJson json;

    Residuals(FhirJson json) {
        this.json = json;
    }

    /**
     * Compares every top-level element except {@code id} (the typed id is always exact).
     *
     * @param source  the resource as it came in
     * @param rebuilt the resource rebuilt from the typed fields alone
     * @return null when they are the same, else the JSON of a resource holding the source's differing elements
     * @throws IllegalStateException when the rebuild has an element the source lacks (a mapper bug: the residual
     *                               cannot express absence)
     */
    String residualJson(DomainResource source, DomainResource rebuilt) {
        DomainResource residual = null;
        for (Property property : source.children()) {
            String name = property.getName();
            if (name.equals("id")) {
                continue;
            }
            List<Base> original = property.getValues();
            List<Base> back = rebuilt.getNamedProperty(name).getValues();
            if (ElementComparison.same(original, back)) {
                continue;
            }
            if (original.stream().allMatch(Base::isEmpty)) {
                throw new IllegalStateException(source.fhirType() + "." + name + " is absent in the source but the typed "
                        + "mapping produced it");
            }
            if (residual == null) {
                residual = newInstance(source.getClass());
            }
            for (Base value : original) {
                if (!value.isEmpty()) {
                    residual.setProperty(name, value.copy());
                }
            }
        }
        return residual == null ? null : json.encodeResource(residual);
    }

    /** @return the parsed residual, or an empty resource when there is none */
    <R extends DomainResource> R base(Class<R> type, String residualJson) {
        return residualJson == null ? newInstance(type) : json.parseResource(type, residualJson);
    }

    /** @return the names of the top-level elements a (residual) resource has */
    static Set<String> elementsOf(DomainResource resource) {
        Set<String> names = new HashSet<>();
        for (Property property : resource.children()) {
            if (property.getValues().stream().anyMatch(v -> !v.isEmpty())) {
                names.add(property.getName());
            }
        }
        return names;
    }

    private static <R extends DomainResource> R newInstance(Class<R> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InstantiationException | IllegalAccessException | NoSuchMethodException | InvocationTargetException e) {
            throw new IllegalStateException("cannot create " + type.getName(), e);
        }
    }
}
