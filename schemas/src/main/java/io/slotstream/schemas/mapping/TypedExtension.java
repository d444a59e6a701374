package io.slotstream.schemas.mapping;

import org.hl7.fhir.r4.model.Type;

/**
 * An extension that has a typed Avro field: its URL and the value type the field can hold. An extension with that URL
 * but another value type (e.g. a 2021-style valueString booking-phone) is not typed: it stays verbatim.
 *
 * @param repeats whether the field is a list (all occurrences typed) or single (only the first occurrence typed)
 */
record TypedExtension(String url, Class<? extends Type> valueType, boolean repeats) {

    boolean matches(org.hl7.fhir.r4.model.Extension extension) {
        return url.equals(extension.getUrl()) && valueType.isInstance(extension.getValue());
    }
}
