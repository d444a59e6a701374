package io.slotstream.ingest.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.validation.Instants;
import io.slotstream.schemas.identity.CanonicalId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Repairs one feed resource (JSON) before it goes through the intake path, leniently and never lossily (aggregator
 * field notes; issue 13): each repair or tolerated oddity is counted as a named {@link FeedWarning}. Validation,
 * legacy-to-STU1 normalisation and re-identification stay in the intake ({@code ResourcePreparer}); this class only
 * makes real-world JSON acceptable there and gives each resource its feed identity:
 * <ul>
 *   <li>a Slot's id is derived from the publisher's id, its schedule, start and end ({@link #slotId}), so a publisher
 *       that repeats one id for different slots never has one overwrite another (§9: re-id, keep the original);</li>
 *   <li>an id outside FHIR's id rule becomes a hash of it;</li>
 *   <li>whenever the id changes, the publisher's id is kept as an identifier with system
 *       {@code <identifier-system-base><source>/publisher-id};</li>
 *   <li>{@code meta.source} = the feed's base URL + {@code Type/<publisher id>} unless the resource has one (§9);
 *       {@code meta.lastUpdated} = the manifest's {@code transactionTime} when the resource has none.</li>
 * </ul>
 * Not thread-safe per {@link PollState}; stateless otherwise.
 */
final class FeedNormalizer {

    /** A line that cannot be used at all (goes to the dead-letter topic). */
    static final class UnusableLine extends Exception {
        UnusableLine(String message) {
            super(message, null, false, false);
        }
    }

    /** @param kind type; localId the id handed to the intake; publisherId the id as the publisher stated it */
    record Normalized(ResourceKind kind, String localId, String publisherId, ObjectNode resource) {
    }

    /** What one poll has seen so far (reference targets are read first), for orphan and repetition counts. */
    static final class PollState {
        final Set<String> locations = new java.util.HashSet<>();
        final Set<String> schedules = new java.util.HashSet<>();
        final Map<String, Set<String>> idsByType = new java.util.HashMap<>();
        final Set<Long> slotIds = new java.util.HashSet<>();
        final Map<String, Integer> locationNames = new java.util.HashMap<>();
        boolean referenceTargetsComplete = true;
    }

    static final String PUBLISHER_ID_SUFFIX = "/publisher-id";
    private static final Pattern NO_SECONDS = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2})(Z|[+-]\\d{2}:\\d{2})");
    private static final Set<String> INTEGER_VALUES = Set.of("valueInteger", "valuePositiveInt", "valueUnsignedInt");
    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?\\d{1,9}");
    private static final String VACCINE_PRODUCT = "vaccine-product";

    private final String identifierSystemBase;

    FeedNormalizer(String identifierSystemBase) {
        this.identifierSystemBase = identifierSystemBase;
    }

    /**
     * @param resource        one NDJSON line, parsed; repaired in place
     * @param feedBase        the manifest URL up to its last {@code /} (no query): base of {@code meta.source}
     * @param stamp           {@code meta.lastUpdated} for resources without one (the manifest's transactionTime,
     *                        never earlier than the feed's previous one)
     * @param transactionTime the manifest's transactionTime (null when it had none)
     * @return null for a type the intake does not take (counted {@link FeedWarning#UNSUPPORTED_TYPE})
     * @throws UnusableLine when the line has no resourceType or id
     */
    Normalized normalize(ObjectNode resource, String source, String feedBase, Instant stamp, Instant transactionTime,
                         FeedWarnings warnings, PollState poll) throws UnusableLine {
        String type = resource.path("resourceType").asText("");
        if (type.isEmpty()) {
            throw new UnusableLine("no resourceType");
        }
        ResourceKind kind = ResourceKind.of(type).orElse(null);
        if (kind == null) {
            warnings.add(FeedWarning.UNSUPPORTED_TYPE);
            return null;
        }
        warnings.add(FeedWarning.NULL_VALUE, dropNulls(resource));
        JsonNode idNode = resource.get("id");
        String publisherId = idNode == null ? "" : idNode.asText("").trim();
        if (publisherId.isEmpty()) {
            throw new UnusableLine(type + " without an id");
        }
        warnings.add(FeedWarning.INTEGER_AS_STRING, integersFromText(resource));
        warnings.add(FeedWarning.PLACEHOLDER_IDENTIFIER, dropPlaceholderIdentifiers(resource));
        codings(resource, warnings);
        String localId;
        switch (kind) {
            case SLOT -> localId = slot(resource, publisherId, transactionTime, warnings, poll);
            default -> {
                localId = CanonicalId.isValidFhirId(publisherId) ? publisherId : "h" + sha256(publisherId).substring(0, 40);
                if (!localId.equals(publisherId)) {
                    warnings.add(FeedWarning.INVALID_ID);
                }
                if (!poll.idsByType.computeIfAbsent(type, t -> new java.util.HashSet<>()).add(localId)) {
                    warnings.add(FeedWarning.REPEATED_ID);
                }
            }
        }
        if (kind == ResourceKind.LOCATION) {
            location(resource, warnings, poll);
            poll.locations.add(localId);
        } else if (kind == ResourceKind.SCHEDULE) {
            schedule(resource, warnings, poll);
            poll.schedules.add(localId);
        }
        resource.put("id", localId);
        if (!localId.equals(publisherId)) {
            ArrayNode identifiers = resource.has("identifier") && resource.get("identifier").isArray()
                    ? (ArrayNode) resource.get("identifier") : resource.putArray("identifier");
            identifiers.addObject().put("system", publisherIdSystem(source)).put("value", publisherId);
        }
        ObjectNode meta = resource.has("meta") && resource.get("meta").isObject() ? (ObjectNode) resource.get("meta") : resource.putObject("meta");
        if (!meta.hasNonNull("source")) {
            meta.put("source", feedBase + type + "/" + publisherId);
        }
        if (!meta.hasNonNull("lastUpdated") && stamp != null) {
            meta.put("lastUpdated", stamp.toString());
        }
        return new Normalized(kind, localId, publisherId, resource);
    }

    /** @return the identifier system under which a re-identified resource keeps the publisher's id */
    String publisherIdSystem(String source) {
        return identifierSystemBase + source + PUBLISHER_ID_SUFFIX;
    }

    /**
     * The feed identity of a Slot: the publisher's id (or a hash of it when it is not a usable id) plus 10 hex digits
     * of SHA-256 over schedule reference, start and end (as instants) and the publisher's id. Stable across polls
     * while the publisher keeps the slot; distinct for slots that share an id but not their time or schedule.
     */
    static String slotId(String publisherId, String schedule, String start, String end) {
        String base = CanonicalId.isValidFhirId(publisherId) && publisherId.length() <= 40
                ? publisherId : "h" + sha256(publisherId).substring(0, 16);
        return base + "-" + sha256(schedule + "|" + instantText(start) + "|" + instantText(end) + "|" + publisherId).substring(0, 10);
    }

    private String slot(ObjectNode slot, String publisherId, Instant transactionTime, FeedWarnings warnings, PollState poll) {
        String start = seconds(slot, "start", warnings);
        String end = seconds(slot, "end", warnings);
        Instant startInstant = instant(start);
        Instant endInstant = instant(end);
        if (startInstant != null && startInstant.equals(endInstant)) {
            // A zero-length slot stands for a day with capacity (field notes, "Time"): make it that day.
            slot.put("end", plusDayText(start, OffsetDateTime.parse(start)));
            warnings.add(FeedWarning.ZERO_LENGTH_SLOT);
        }
        if (startInstant != null && transactionTime != null && startInstant.isBefore(transactionTime)) {
            warnings.add(FeedWarning.SLOT_STARTED_BEFORE_TRANSACTION_TIME);
        }
        String schedule = slot.path("schedule").path("reference").asText("");
        String scheduleId = schedule.startsWith("Schedule/") ? schedule.substring("Schedule/".length()) : schedule;
        if (poll.referenceTargetsComplete && !poll.schedules.contains(scheduleId)) {
            warnings.add(FeedWarning.ORPHAN_SLOT);
        }
        if (!poll.slotIds.add(hash64(publisherId))) {
            warnings.add(FeedWarning.REPEATED_ID);
        }
        return slotId(publisherId, schedule, start, end);
    }

    private static String plusDayText(String original, OffsetDateTime start) {
        // Keep the original's precision and offset spelling: only the date part moves.
        String shifted = start.plusDays(1).toLocalDate().toString();
        return shifted + original.substring(10);
    }

    private void location(ObjectNode location, FeedWarnings warnings, PollState poll) {
        JsonNode address = location.get("address");
        if (address != null && address.isArray()) {
            warnings.add(FeedWarning.ADDRESS_ARRAY);
            if (address.isEmpty()) {
                location.remove("address");
            } else {
                // Location.address is 0..1: the first is the location's; further ones are dropped (counted).
                location.set("address", address.get(0));
            }
        }
        JsonNode a = location.path("address");
        String city = a.path("city").asText("").toLowerCase(Locale.ROOT);
        String zip = a.path("postalCode").asText("");
        for (JsonNode line : a.path("line")) {
            String text = line.asText("").toLowerCase(Locale.ROOT);
            if ((!city.isEmpty() && text.contains(city)) || (!zip.isEmpty() && text.contains(zip))) {
                warnings.add(FeedWarning.ADDRESS_LINE_REPEATS_CITY);
                break;
            }
        }
        String name = location.path("name").asText("");
        if (!name.isEmpty() && poll.locationNames.merge(name, 1, Integer::sum) > 1) {
            warnings.add(FeedWarning.GENERIC_LOCATION_NAME);
        }
    }

    private void schedule(ObjectNode schedule, FeedWarnings warnings, PollState poll) {
        int products = 0;
        for (JsonNode extension : schedule.path("extension")) {
            if (extension.path("url").asText("").endsWith(VACCINE_PRODUCT)) {
                products++;
            }
        }
        if (products > 1) {
            warnings.add(FeedWarning.SEVERAL_PRODUCTS);
        }
        for (JsonNode actor : schedule.path("actor")) {
            String ref = actor.path("reference").asText("");
            if (ref.startsWith("Location/") && poll.referenceTargetsComplete && !poll.locations.contains(ref.substring(9))) {
                warnings.add(FeedWarning.ORPHAN_SCHEDULE);
                break;
            }
        }
    }

    /** {@code 2021-03-10T15:00-05:00} (no seconds) -> {@code 2021-03-10T15:00:00-05:00}; the instant is the same. */
    private static String seconds(ObjectNode slot, String field, FeedWarnings warnings) {
        String value = slot.path(field).asText("");
        var m = NO_SECONDS.matcher(value);
        if (m.matches()) {
            value = m.group(1) + ":00" + m.group(2);
            slot.put(field, value);
            warnings.add(FeedWarning.TIMESTAMP_WITHOUT_SECONDS);
        }
        return value;
    }

    private static Instant instant(String text) {
        OffsetDateTime fast = Instants.parseOffsetDateTime(text);
        if (fast != null) {
            return fast.toInstant();
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String instantText(String text) {
        Instant i = instant(text);
        return i == null ? text : i.toString();
    }

    /** Removes JSON nulls and the empty objects/arrays they leave (neither is valid FHIR JSON). */
    private static int dropNulls(JsonNode node) {
        int removed = 0;
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                JsonNode value = fields.next().getValue();
                if (value.isNull()) {
                    fields.remove();
                    removed++;
                    continue;
                }
                int inner = dropNulls(value);
                removed += inner;
                if (inner > 0 && value.isContainerNode() && value.isEmpty()) {
                    fields.remove();
                }
            }
        } else if (node.isArray()) {
            Iterator<JsonNode> elements = node.elements();
            while (elements.hasNext()) {
                JsonNode value = elements.next();
                if (value.isNull()) {
                    elements.remove();
                    removed++;
                    continue;
                }
                int inner = dropNulls(value);
                removed += inner;
                if (inner > 0 && value.isContainerNode() && value.isEmpty()) {
                    elements.remove();
                }
            }
        }
        return removed;
    }

    private static int integersFromText(JsonNode node) {
        int fixed = 0;
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (String name : INTEGER_VALUES) {
                JsonNode value = object.get(name);
                if (value != null && value.isTextual() && INTEGER_TEXT.matcher(value.asText().trim()).matches()) {
                    object.put(name, Integer.parseInt(value.asText().trim()));
                    fixed++;
                }
            }
        }
        for (JsonNode child : node) {
            fixed += integersFromText(child);
        }
        return fixed;
    }

    private static int dropPlaceholderIdentifiers(ObjectNode resource) {
        JsonNode identifiers = resource.get("identifier");
        if (identifiers == null || !identifiers.isArray()) {
            return 0;
        }
        int removed = 0;
        Iterator<JsonNode> it = identifiers.elements();
        while (it.hasNext()) {
            String value = it.next().path("value").asText("").trim().toLowerCase(Locale.ROOT);
            if (value.isEmpty() || value.equals("null") || value.equals("none") || value.equals("n/a")
                    || value.startsWith("unknown")) {
                it.remove();
                removed++;
            }
        }
        if (identifiers.isEmpty()) {
            resource.remove("identifier");
        }
        return removed;
    }

    /** Counts codings that use a StructureDefinition URL as their system, or carry a display but no code (kept). */
    private static void codings(JsonNode node, FeedWarnings warnings) {
        if (node.isObject() && node.has("system") && (node.has("code") || node.has("display"))) {
            if (node.path("system").asText("").contains("/StructureDefinition/")) {
                warnings.add(FeedWarning.STRUCTURE_DEFINITION_AS_CODE_SYSTEM);
            }
            if (!node.has("code") && node.has("display")) {
                warnings.add(FeedWarning.CODING_WITHOUT_CODE);
            }
        }
        for (JsonNode child : node) {
            if (child.isContainerNode()) {
                codings(child, warnings);
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static long hash64(String text) {
        long h = 1125899906842597L;
        for (int i = 0; i < text.length(); i++) {
            h = 31 * h + text.charAt(i);
        }
        return h ^ (h >>> 29) * 0x9E3779B97F4A7C15L;
    }
}
