package io.slotstream.availability.query;

import io.slotstream.availability.store.ReferenceIds;

/**
 * A reference search value: {@code Type/id} or a bare {@code id} (any type among those allowed).
 *
 * @param type null when the value was a bare id
 * @param id   the id
 */
public record RefParam(String type, String id) {

    /**
     * @param allowedTypes resource types the parameter may point at
     * @throws SearchException when the value names another type or is not a plain relative reference
     */
    public static RefParam parse(String value, String expression, String... allowedTypes) {
        String[] parts = value.split("/", -1);
        if (parts.length == 1 && !parts[0].isEmpty()) {
            return new RefParam(null, parts[0]);
        }
        if (parts.length == 2 && !parts[1].isEmpty() && java.util.Arrays.asList(allowedTypes).contains(parts[0])) {
            return new RefParam(parts[0], parts[1]);
        }
        throw new SearchException("reference '" + value + "' must be [id] or [Type]/[id] with Type one of "
                + String.join(", ", allowedTypes), expression);
    }

    /** @return whether a reference string (as stored, e.g. {@code Location/acme.1}) points at this */
    public boolean matches(String reference) {
        String refType = ReferenceIds.typeOf(reference);
        if (refType == null || (type != null && !type.equals(refType))) {
            return false;
        }
        return id.equals(ReferenceIds.idOf(reference, refType));
    }
}
