package io.slotstream.ingest.validation;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * Every populated {@link Reference} of a resource with its FHIRPath (e.g. {@code Schedule.actor[1]}), found by one
 * walk over the R4 model. Used to resolve {@code urn:uuid:} references, to check reference targets and to re-id them.
 */
public final class ReferenceScan {

    /** A reference and where it is. */
    public record Located(String path, Reference reference) {
    }

    private ReferenceScan() {
    }

    /** @return the references in document order; empty when there are none */
    public static List<Located> of(Resource resource) {
        List<Located> found = new ArrayList<>();
        walk(resource, resource.fhirType(), found);
        return found;
    }

    /** Choice elements are named by their type in JSON and FHIRPath: value[x] holding a Reference is valueReference. */
    private static String name(Property property, Base value) {
        String name = property.getName();
        if (!name.endsWith("[x]")) {
            return name;
        }
        String type = value.fhirType();
        return name.substring(0, name.length() - 3) + Character.toUpperCase(type.charAt(0)) + type.substring(1);
    }

    private static void walk(Base element, String path, List<Located> found) {
        if (element instanceof Reference reference) {
            found.add(new Located(path, reference));
        }
        for (Property property : element.children()) {
            if (!property.hasValues()) {
                continue;
            }
            List<Base> values = property.getValues();
            boolean many = property.isList();
            for (int i = 0; i < values.size(); i++) {
                Base value = values.get(i);
                if (value != null && !value.isEmpty() && !value.isPrimitive()) {
                    walk(value, path + "." + name(property, value) + (many ? "[" + i + "]" : ""), found);
                }
            }
        }
    }
}
