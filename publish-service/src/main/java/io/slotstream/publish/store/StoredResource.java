package io.slotstream.publish.store;

import java.nio.charset.StandardCharsets;

/**
 * A resource as the store holds it.
 *
 * @param type       resource type
 * @param id         FHIR id
 * @param changeTime when the publisher's view last changed it (transactionTime semantics), UTC epoch ms
 * @param group      grouping hint (see {@link StoreChange#group()})
 * @param line       minified JSON, UTF-8, no newline
 */
public record StoredResource(ResourceType type, String id, long changeTime, String group, byte[] line) {

    /** @return the line as a String (tests, diagnostics) */
    public String json() {
        return new String(line, StandardCharsets.UTF_8);
    }
}
