package io.slotstream.availability.store;

/**
 * Ids out of FHIR reference strings as ingest writes them: relative {@code Type/id}, absolute
 * {@code http://host/fhir/Type/id}, optionally with {@code /_history/v}.
 */
public final class ReferenceIds {

    private ReferenceIds() {
    }

    /**
     * @param reference    e.g. {@code Schedule/acme.10}; may be null
     * @param expectedType the resource type the reference must name, e.g. {@code Schedule}
     * @return the id, or null when the reference is null, names another type, or has no id
     */
    public static String idOf(String reference, String expectedType) {
        if (reference == null) {
            return null;
        }
        String ref = reference;
        int history = ref.indexOf("/_history/");
        if (history >= 0) {
            ref = ref.substring(0, history);
        }
        String[] parts = ref.split("/");
        if (parts.length < 2) {
            return null;
        }
        String type = parts[parts.length - 2];
        String id = parts[parts.length - 1];
        return type.equals(expectedType) && !id.isEmpty() ? id : null;
    }

    /** @return the resource type named by the reference ({@code Location/1} gives Location), or null */
    public static String typeOf(String reference) {
        if (reference == null) {
            return null;
        }
        String ref = reference;
        int history = ref.indexOf("/_history/");
        if (history >= 0) {
            ref = ref.substring(0, history);
        }
        String[] parts = ref.split("/");
        return parts.length < 2 ? null : parts[parts.length - 2];
    }
}
