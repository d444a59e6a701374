package io.slotstream.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.identity.CanonicalId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Bundle's envelope (type, entries, {@code request}, {@code fullUrl}) from JSON, per FHIR R4
 * http.html#transaction: PUT {@code Type/id}, DELETE {@code Type/id}, POST {@code Type} (the server assigns the id: the
 * uuid of a {@code urn:uuid:} fullUrl, so a re-sent Bundle gets the same ids, else a random UUID).
 * {@code request.ifMatch} is supported on PUT and DELETE (version-aware, checked by the ordering rule); conditional
 * interactions ({@code Type?search}, {@code ifNoneExist}, {@code ifNoneMatch}, {@code ifModifiedSince}) and GET are
 * not.
 */
final class BundleReader {

    /** request.url: relative to the base, or an absolute http(s) URL of this server (R4 Bundle.entry.request.url). */
    private static final Pattern TYPE_ID = Pattern.compile("(?:https?://[^?#]*/)?([A-Z][A-Za-z]+)/([^/?#]+)");
    private static final Pattern TYPE = Pattern.compile("(?:https?://[^?#]*/)?([A-Z][A-Za-z]+)/?");
    private static final Pattern URN_UUID = Pattern.compile("urn:uuid:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
    private static final String RULE = "FHIR R4 transaction/batch (http.html#transaction)";

    /** The envelope: entries that could be read, per-entry envelope problems, and fullUrl -> Type/id. */
    record Envelope(String type, List<BundleEntryRequest> entries, Map<Integer, List<Issue>> problems,
                    Map<Integer, String> rawRejected, Map<String, String> fullUrls, int size) {
    }

    private final FhirJsonReader reader;
    private final int maxEntries;

    BundleReader(FhirJsonReader reader, int maxEntries) {
        this.reader = reader;
        this.maxEntries = maxEntries;
    }

    /**
     * @throws IntakeException for a body that is not a transaction or batch Bundle (400/422), or more than the
     *                         configured number of entries (413)
     */
    Envelope read(JsonNode bundle) {
        String resourceType = FhirJsonReader.resourceType(bundle);
        if (!"Bundle".equals(resourceType)) {
            throw new IntakeException(400, Issue.structure("invalid", resourceType == null ? null : resourceType, RULE,
                    "POST [base] takes a Bundle of type transaction or batch, not " + (resourceType == null ? "a body without resourceType" : "a " + resourceType)));
        }
        JsonNode typeNode = bundle.get("type");
        String type = typeNode != null && typeNode.isTextual() ? typeNode.asText() : null;
        if (!"transaction".equals(type) && !"batch".equals(type)) {
            throw new IntakeException(422, Issue.profile("not-supported", "Bundle.type", RULE,
                    "Bundle.type must be transaction or batch, was " + (type == null ? "missing" : "'" + type + "'")));
        }
        JsonNode entryNode = bundle.get("entry");
        if (entryNode != null && !entryNode.isArray()) {
            throw new IntakeException(400, Issue.structure("structure", "Bundle.entry", RULE, "Bundle.entry must be an array"));
        }
        int size = entryNode == null ? 0 : entryNode.size();
        if (size > maxEntries) {
            throw new IntakeException(413, Issue.structure("too-costly", "Bundle.entry", "slotstream.ingest.max-bundle-entries",
                    "The Bundle has " + size + " entries; at most " + maxEntries + " are accepted per request"));
        }
        List<BundleEntryRequest> entries = new ArrayList<>();
        Map<Integer, List<Issue>> problems = new HashMap<>();
        Map<Integer, String> rawRejected = new HashMap<>();
        Map<String, String> fullUrls = new HashMap<>();
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < size; i++) {
            JsonNode entry = entryNode.get(i);
            List<Issue> issues = new ArrayList<>();
            BundleEntryRequest request = entry(i, entry, issues);
            if (request != null && "transaction".equals(type) && !targets.add(request.localReference())) {
                issues.add(Issue.structure("duplicate", "Bundle.entry[" + i + "].request.url", RULE,
                        "More than one entry for " + request.localReference()));
            }
            if (!issues.isEmpty()) {
                problems.put(i, issues);
                rawRejected.put(i, entry == null ? "null" : reader.write(entry));
                continue;
            }
            entries.add(request);
            JsonNode fullUrl = entry.get("fullUrl");
            if (fullUrl != null && fullUrl.isTextual()) {
                fullUrls.put(fullUrl.asText(), request.localReference());
            }
        }
        return new Envelope(type, entries, problems, rawRejected, fullUrls, size);
    }

    private BundleEntryRequest entry(int i, JsonNode entry, List<Issue> issues) {
        String at = "Bundle.entry[" + i + "]";
        if (entry == null || !entry.isObject()) {
            issues.add(Issue.structure("structure", at, RULE, "A Bundle entry must be an object"));
            return null;
        }
        JsonNode request = entry.get("request");
        String method = text(request, "method");
        String url = text(request, "url");
        if (method == null || url == null) {
            issues.add(Issue.structure("required", at + ".request", RULE, "Each entry needs request.method and request.url"));
            return null;
        }
        if (url.contains("?") || request.has("ifNoneExist") || request.has("ifNoneMatch") || request.has("ifModifiedSince")) {
            issues.add(Issue.profile("not-supported", at + ".request", RULE, "Conditional interactions are not supported"));
            return null;
        }
        String ifMatch = text(request, "ifMatch");
        if (request.has("ifMatch") && (ifMatch == null || ifMatch.isBlank() || "POST".equals(method))) {
            issues.add(Issue.profile("not-supported", at + ".request.ifMatch", RULE,
                    "request.ifMatch must be a version (W/\"3\") on a PUT or DELETE entry"));
            return null;
        }
        if (SchedulingRules.hasDotSegment(url)) {
            issues.add(Issue.structure("value", at + ".request.url", RULE, "request.url must be Type/id (or Type) "
                    + "relative to the base; '.' and '..' segments (path traversal) are refused"));
            return null;
        }
        String fullUrl = text(entry, "fullUrl");
        if (fullUrl != null && SchedulingRules.hasDotSegment(fullUrl)) {
            // references equal to a fullUrl resolve to its entry: a traversing one must not become a target
            issues.add(Issue.structure("value", at + ".fullUrl", "R4 Bundle.entry.fullUrl: an absolute URL or "
                    + "urn:uuid/urn:oid", "fullUrl may not contain '.' or '..' segments (path traversal)"));
            return null;
        }
        JsonNode resource = entry.get("resource");
        switch (method) {
            case "PUT", "DELETE" -> {
                Matcher m = TYPE_ID.matcher(url);
                ResourceKind kind = m.matches() ? kind(m.group(1), at, issues) : null;
                if (!m.matches()) {
                    issues.add(Issue.structure("value", at + ".request.url", RULE, method + " needs request.url Type/id, was '" + url + "'"));
                }
                if (kind == null) {
                    return null;
                }
                if (!CanonicalId.isValidFhirId(m.group(2))) {
                    issues.add(Issue.structure("value", at + ".request.url", "R4 id: [A-Za-z0-9\\-.]{1,64}", "Invalid id '" + m.group(2) + "'"));
                    return null;
                }
                if (method.equals("DELETE")) {
                    return new BundleEntryRequest(i, method, kind, m.group(2), false, null, reader.write(entry), ifMatch);
                }
                return withResource(i, method, kind, m.group(2), false, resource, at, issues, ifMatch);
            }
            case "POST" -> {
                Matcher m = TYPE.matcher(url);
                ResourceKind kind = m.matches() ? kind(m.group(1), at, issues) : null;
                if (!m.matches()) {
                    issues.add(Issue.structure("value", at + ".request.url", RULE, "POST needs request.url Type, was '" + url + "'"));
                }
                if (kind == null) {
                    return null;
                }
                Matcher uuid = fullUrl == null ? null : URN_UUID.matcher(fullUrl);
                String id = uuid != null && uuid.matches() ? uuid.group(1).toLowerCase() : UUID.randomUUID().toString();
                return withResource(i, method, kind, id, true, resource, at, issues, null);
            }
            default -> {
                issues.add(Issue.profile("not-supported", at + ".request.method", RULE,
                        "request.method " + method + " is not supported (PUT, POST, DELETE)"));
                return null;
            }
        }
    }

    private BundleEntryRequest withResource(int i, String method, ResourceKind kind, String id, boolean create,
                                            JsonNode resource, String at, List<Issue> issues, String ifMatch) {
        if (resource == null || !resource.isObject()) {
            issues.add(Issue.structure("required", at + ".resource", RULE, method + " entries need a resource (an object)"));
            return null;
        }
        return new BundleEntryRequest(i, method, kind, id, create, resource, reader.write(resource), ifMatch);
    }

    private static ResourceKind kind(String type, String at, List<Issue> issues) {
        ResourceKind kind = ResourceKind.of(type).orElse(null);
        if (kind == null) {
            issues.add(Issue.profile("not-supported", at + ".request.url", RULE, "Resource type '" + type + "' is not accepted here"));
        }
        return kind;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
