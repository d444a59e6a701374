package io.slotstream.schemas.mapping;

import io.slotstream.avro.Extension;
import org.hl7.fhir.r4.model.Type;

import java.util.List;
import java.util.Map;

/**
 * A resource's extensions split into the values of the typed ones (by URL, in source order) and every other
 * extension verbatim (in source order).
 */
record ExtensionSplit(Map<String, List<Type>> typed, List<Extension> unknown) {

    /** @return the first typed value with that URL, or null */
    <T extends Type> T single(String url, Class<T> type) {
        List<Type> values = typed.getOrDefault(url, List.of());
        return values.isEmpty() ? null : type.cast(values.getFirst());
    }

    /** @return every typed value with that URL */
    <T extends Type> List<T> all(String url, Class<T> type) {
        return typed.getOrDefault(url, List.of()).stream().map(type::cast).toList();
    }
}
