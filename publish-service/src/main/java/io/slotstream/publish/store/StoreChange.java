package io.slotstream.publish.store;

import java.util.Objects;

/**
 * One change to apply to the {@link PublicationStore}: an upsert of a rendered resource, or a delete (line null).
 *
 * @param type  resource type
 * @param id    FHIR id (the Kafka key)
 * @param group grouping hint kept with the resource: for Slots {@code "MA,CT|2026-W40"} (states | ISO week), for
 *              Locations the address state; "" when none. Ignored for deletes.
 * @param line  the resource as one minified JSON line (UTF-8, no newline); null = delete (tombstone)
 */
public record StoreChange(ResourceType type, String id, String group, byte[] line) {

    public StoreChange {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        group = group == null ? "" : group;
    }

    /** @return a delete of that resource */
    public static StoreChange delete(ResourceType type, String id) {
        return new StoreChange(type, id, "", null);
    }

    public boolean isDelete() {
        return line == null;
    }
}
