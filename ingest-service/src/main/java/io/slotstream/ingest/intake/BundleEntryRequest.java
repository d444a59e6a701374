package io.slotstream.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One Bundle entry, read from JSON before its resource is parsed.
 *
 * @param index    position in {@code Bundle.entry}
 * @param method   PUT, POST or DELETE
 * @param kind     the type {@code request.url} names
 * @param id       the id {@code request.url} names, or the server-assigned id of a POST
 * @param create   true for POST (the id is assigned by the server)
 * @param resource the entry's resource JSON; null for DELETE
 * @param raw      the resource (or, for DELETE, the whole entry) as compact JSON
 * @param ifMatch  {@code request.ifMatch} (version-aware update or delete); null when absent
 */
record BundleEntryRequest(int index, String method, ResourceKind kind, String id, boolean create, JsonNode resource,
                          String raw, String ifMatch) {

    /** FHIRPath of the entry's resource: issues about the resource are re-rooted here. */
    String resourcePath() {
        return "Bundle.entry[" + index + "].resource";
    }

    /** @return {@code Type/id}, what {@code urn:uuid:} references to this entry resolve to */
    String localReference() {
        return kind.fhirType() + "/" + id;
    }
}
