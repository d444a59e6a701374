package io.slotstream.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.avro.Coding;
import io.slotstream.avro.ContactPoint;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Identifier;
import io.slotstream.avro.Provenance;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import io.slotstream.ingest.validation.Instants;
import io.slotstream.ingest.validation.SchedulingRules;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The intake hot path for the common Slot (SMART Scheduling Links STU1 §5.3, or the 2021 draft shape of §6.2): from
 * the JSON tree straight to the {@code fhir.slot.v1} record, without HAPI's parser, model or lossless round trip.
 * <p>
 * It recognises only a closed shape: {@code resourceType}, {@code id}, {@code meta} (versionId, lastUpdated in UTC,
 * source), {@code identifier} (system and value), {@code schedule} ({@code Schedule/id}), {@code status},
 * {@code start}/{@code end} (instants with seconds, at most 3 fraction digits), {@code comment}, and the booking-deep-link,
 * booking-phone and patient-type extensions (STU1 or 2021 URLs, each at most once, in that order, so the record needs no
 * residual). Anything else, and anything the full path would refuse or warn about (markup, empty strings, a bad
 * reference, {@code end} not after {@code start}, ...), answers null: the caller then takes the full path
 * ({@link ResourcePreparer#upsert}), which gives the error or handles the rarer shape. For what it accepts, the record
 * equals the full path's (HAPI strict parse, legacy normalisation, STU1 rules, re-identification, {@code FhirAvroMapper})
 * field by field; {@code SlotFastPathEquivalenceTest} proves it over the shipped examples and generated slots.
 * Thread-safe, stateless.
 */
public final class SlotFastPath {

    private static final Pattern INSTANT = Pattern.compile(
            "(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,3})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)");
    /** meta.lastUpdated: the full path rebuilds it in UTC, so only a UTC value round-trips without a residual. */
    private static final Pattern UTC_INSTANT = Pattern.compile(
            "(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,3})?Z");
    private static final Pattern SCHEDULE_REFERENCE = Pattern.compile("Schedule/([A-Za-z0-9\\-.]{1,64})");

    private enum Typed { DEEP_LINK, PHONE, PATIENT_TYPE }

    private final String identifierSystemBase;
    private final String defaultPatientType;

    /**
     * @param identifierSystemBase as for {@code Reidentifier}
     * @param defaultPatientType   as for {@code LegacyNormalizer}: the accepting-patients code a Slot without
     *                             patient-type gets; null or blank = none (such a Slot takes the full path)
     */
    public SlotFastPath(String identifierSystemBase, String defaultPatientType) {
        this.identifierSystemBase = identifierSystemBase;
        this.defaultPatientType = defaultPatientType == null || defaultPatientType.isBlank() ? null : defaultPatientType.trim();
    }

    /**
     * @param source     source id
     * @param node       the Slot JSON (not modified)
     * @param id         the id the request names (must equal {@code node.id})
     * @param receivedAt request arrival (provenance ingestTime; eventTime without meta.lastUpdated)
     * @return the record the full path would produce, or null when the Slot is not of the common shape
     */
    public FhirSlot toRecord(String source, JsonNode node, String id, Instant receivedAt) {
        if (!node.isObject() || !"Slot".equals(text(node.get("resourceType"))) || !id.equals(text(node.get("id")))
                || !CanonicalId.isValidFhirId(id)) {
            return null;
        }
        String versionId = null;
        Instant lastUpdated = null;
        String metaSource = null;
        List<Identifier> identifiers = new ArrayList<>(2);
        String scheduleId = null;
        SlotStatus status = null;
        OffsetDateTime start = null;
        OffsetDateTime end = null;
        String comment = null;
        JsonNode extensions = null;
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "resourceType", "id" -> { }
                case "meta" -> {
                    if (!value.isObject()) {
                        return null;
                    }
                    Iterator<Map.Entry<String, JsonNode>> meta = value.fields();
                    while (meta.hasNext()) {
                        Map.Entry<String, JsonNode> m = meta.next();
                        String text = text(m.getValue());
                        if (text == null) {
                            return null;
                        }
                        switch (m.getKey()) {
                            case "versionId" -> {
                                if (!CanonicalId.isValidFhirId(text)) {
                                    return null;
                                }
                                versionId = text;
                            }
                            case "lastUpdated" -> {
                                if (!UTC_INSTANT.matcher(text).matches() || (lastUpdated = parse(text)) == null) {
                                    return null;
                                }
                            }
                            case "source" -> metaSource = text;
                            default -> {
                                return null;
                            }
                        }
                    }
                }
                case "identifier" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        return null;
                    }
                    for (JsonNode identifier : value) {
                        if (!identifier.isObject() || identifier.size() != 2) {
                            return null;
                        }
                        String system = text(identifier.get("system"));
                        String v = text(identifier.get("value"));
                        if (system == null || v == null) {
                            return null;
                        }
                        identifiers.add(new Identifier(null, system, v, null));
                    }
                }
                case "schedule" -> {
                    String reference = value.isObject() && value.size() == 1 ? text(value.get("reference")) : null;
                    var m = reference == null ? null : SCHEDULE_REFERENCE.matcher(reference);
                    if (m == null || !m.matches() || m.group(1).equals(".") || m.group(1).equals("..")) {
                        return null;
                    }
                    scheduleId = m.group(1);
                }
                case "status" -> {
                    String code = text(value);
                    if (code == null) {
                        return null;
                    }
                    status = switch (code) {
                        case "free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error" -> SlotStatusCodes.fromCode(code);
                        default -> null;
                    };
                    if (status == null) {
                        return null;
                    }
                }
                case "start" -> {
                    if ((start = instant(value)) == null) {
                        return null;
                    }
                }
                case "end" -> {
                    if ((end = instant(value)) == null) {
                        return null;
                    }
                }
                case "comment" -> {
                    if ((comment = text(value)) == null) {
                        return null;
                    }
                }
                case "extension" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        return null;
                    }
                    extensions = value;
                }
                default -> {
                    return null;
                }
            }
        }
        if (scheduleId == null || status == null || start == null || end == null || !end.toInstant().isAfter(start.toInstant())) {
            return null;
        }
        String deepLink = null;
        String phone = null;
        Coding patientType = null;
        int last = -1;
        boolean stu1DeepLink = false;
        boolean legacyDeepLink = false;
        boolean stu1Phone = false;
        boolean legacyPhone = false;
        for (JsonNode extension : extensions == null ? List.<JsonNode>of() : extensions) {
            if (!extension.isObject() || extension.size() != 2) {
                return null;
            }
            String url = text(extension.get("url"));
            if (url == null) {
                return null;
            }
            Typed typed;
            switch (url) {
                case SchedulingExtensions.BOOKING_DEEP_LINK, SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK -> {
                    boolean legacy = url.equals(SchedulingExtensions.LEGACY_BOOKING_DEEP_LINK);
                    if (legacy ? legacyDeepLink : stu1DeepLink) {
                        return null;
                    }
                    stu1DeepLink |= !legacy;
                    legacyDeepLink |= legacy;
                    String link = firstText(extension, "valueUrl", "valueUri", "valueString");
                    if (link == null || !SchedulingRules.isHttpUrl(link)) {
                        return null;
                    }
                    deepLink = link;
                    typed = Typed.DEEP_LINK;
                }
                case SchedulingExtensions.BOOKING_PHONE, SchedulingExtensions.LEGACY_BOOKING_PHONE -> {
                    boolean legacy = url.equals(SchedulingExtensions.LEGACY_BOOKING_PHONE);
                    if (legacy ? legacyPhone : stu1Phone) {
                        return null;
                    }
                    stu1Phone |= !legacy;
                    legacyPhone |= legacy;
                    phone = phone(extension);
                    if (phone == null) {
                        return null;
                    }
                    typed = Typed.PHONE;
                }
                case SchedulingExtensions.PATIENT_TYPE -> {
                    if (patientType != null || (patientType = coding(extension.get("valueCoding"))) == null) {
                        return null;
                    }
                    typed = Typed.PATIENT_TYPE;
                }
                default -> {
                    return null; // kept verbatim by the full path
                }
            }
            if (typed.ordinal() <= last) {
                return null; // another order than the record's typed order needs a residual
            }
            last = typed.ordinal();
        }
        if ((stu1DeepLink && legacyDeepLink) || (stu1Phone && legacyPhone)) {
            return null; // the full path drops the legacy one
        }
        if (patientType == null) {
            if (defaultPatientType == null) {
                return null;
            }
            patientType = new Coding(SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM, null, defaultPatientType, null, null);
        }
        String system = identifierSystemBase + source;
        boolean present = false;
        for (Identifier identifier : identifiers) {
            present |= system.equals(identifier.getSystem()) && id.equals(identifier.getValue());
        }
        if (!present) {
            identifiers.add(new Identifier(null, system, id, null));
        }
        Provenance provenance = new Provenance(source, id, versionId, lastUpdated,
                lastUpdated != null ? lastUpdated : receivedAt, receivedAt,
                metaSource != null ? metaSource : system + "/Slot/" + id);
        return new FhirSlot(CanonicalId.of(source, id), provenance, identifiers, List.of(), List.of(), List.of(), null,
                new Reference("Schedule/" + CanonicalId.of(source, scheduleId), null, null), status,
                start.toInstant(), start.getOffset().getTotalSeconds(), end.toInstant(), end.getOffset().getTotalSeconds(),
                null, comment, deepLink, phone == null ? null : new ContactPoint("phone", phone, null, null, null),
                patientType, List.of(), null);
    }

    /** booking-phone: a 2021 {@code valueString}, or {@code valueContactPoint} with exactly system phone and value. */
    private static String phone(JsonNode extension) {
        String text = text(extension.get("valueString"));
        if (text != null) {
            return text;
        }
        JsonNode point = extension.get("valueContactPoint");
        if (point == null || !point.isObject() || point.size() != 2 || !"phone".equals(text(point.get("system")))) {
            return null;
        }
        return text(point.get("value"));
    }

    /** patient-type: a Coding of accepting-patients with a code and optionally a display, nothing else. */
    private static Coding coding(JsonNode coding) {
        if (coding == null || !coding.isObject()) {
            return null;
        }
        String system = text(coding.get("system"));
        String code = text(coding.get("code"));
        JsonNode displayNode = coding.get("display");
        String display = displayNode == null ? null : text(displayNode);
        int expected = displayNode == null ? 2 : 3;
        if (!SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM.equals(system) || code == null || coding.size() != expected
                || (displayNode != null && display == null)) {
            return null;
        }
        return new Coding(system, null, code, display, null);
    }

    private static String firstText(JsonNode extension, String... names) {
        for (String name : names) {
            JsonNode value = extension.get(name);
            if (value != null) {
                return text(value);
            }
        }
        return null;
    }

    private static OffsetDateTime instant(JsonNode node) {
        String text = text(node);
        if (text == null || !INSTANT.matcher(text).matches()) {
            return null;
        }
        return parseOffset(text);
    }

    private static Instant parse(String text) {
        OffsetDateTime parsed = parseOffset(text);
        return parsed == null ? null : parsed.toInstant();
    }

    /** @return the value, or null when it names no real date and time */
    private static OffsetDateTime parseOffset(String text) {
        return Instants.parseOffsetDateTime(text);
    }

    /**
     * @return the string value when it is one the full path takes as it is: not empty, no surrounding whitespace, no
     *         control characters, nothing the markup check would look at ({@code <}, {@code javascript}); else null
     */
    private static String text(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.textValue();
        if (text.isEmpty() || text.charAt(0) == ' ' || text.charAt(text.length() - 1) == ' ') {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '<' || ((c == 'j' || c == 'J') && text.regionMatches(true, i, "javascript", 0, 10))) {
                return null;
            }
        }
        return text;
    }
}
