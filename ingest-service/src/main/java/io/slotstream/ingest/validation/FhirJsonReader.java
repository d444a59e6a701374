package io.slotstream.ingest.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.slotstream.ingest.intake.ResourceKind;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads request JSON: first as a Jackson tree (malformed JSON and duplicate keys are refused here), then each resource
 * with HAPI's R4 parser in strict mode ({@link CollectingErrorHandler}). Bundles are split with Jackson so that every
 * entry is parsed, judged and dead-lettered on its own. Thread-safe.
 */
public final class FhirJsonReader {

    private static final String JSON_RULE = "RFC 8259 JSON; FHIR R4 JSON (http://hl7.org/fhir/R4/json.html)";

    private final FhirContext fhir;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // FHIR decimals keep their precision (1.50 stays 1.50) when an entry is re-serialised for HAPI.
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    public FhirJsonReader(FhirContext fhir) {
        this.fhir = fhir;
    }

    /**
     * @param body UTF-8 JSON
     * @return the tree; an object (FHIR JSON is always an object)
     * @throws IntakeException 400 with code {@code structure} when the body is not one JSON object
     */
    public JsonNode readTree(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IntakeException(400, Issue.structure("structure", null, JSON_RULE,
                    "Malformed JSON" + where + ": " + firstLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new IntakeException(400, Issue.structure("structure", null, JSON_RULE, "Unreadable body"));
        }
        if (node == null || node.isMissingNode()) {
            throw new IntakeException(400, Issue.structure("structure", null, JSON_RULE, "Empty body"));
        }
        if (!node.isObject()) {
            throw new IntakeException(400, Issue.structure("structure", null, JSON_RULE,
                    "A FHIR resource in JSON is an object, found " + node.getNodeType().name().toLowerCase()));
        }
        return node;
    }

    /** @return the node as compact JSON (the raw payload of one Bundle entry, e.g. for a dead letter) */
    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }

    /**
     * @param node one resource as JSON
     * @return its {@code resourceType}, or null when absent or not a string
     */
    public static String resourceType(JsonNode node) {
        JsonNode type = node == null ? null : node.get("resourceType");
        return type != null && type.isTextual() ? type.asText() : null;
    }

    /**
     * Parses one resource of an accepted type with HAPI, strictly.
     *
     * @param node     the resource JSON (an object)
     * @param raw      the same JSON as text
     * @return the HAPI model
     * @throws IntakeException 400 for a missing/unsupported resourceType or any parse issue, each naming its element
     */
    public Resource parse(JsonNode node, String raw) {
        String type = resourceType(node);
        if (type == null) {
            throw new IntakeException(400, Issue.structure("required", null, JSON_RULE,
                    "Missing resourceType (a string naming the FHIR resource type)"));
        }
        ResourceKind kind = ResourceKind.of(type).orElseThrow(() -> new IntakeException(422, Issue.profile(
                "not-supported", type, "ingest-service accepts Location, Schedule, Slot, PractitionerRole, "
                        + "Practitioner, HealthcareService", "Resource type '" + type + "' is not accepted here")));
        CollectingErrorHandler errors = new CollectingErrorHandler(node, type);
        IParser parser = fhir.newJsonParser().setParserErrorHandler(errors);
        Resource resource;
        try {
            resource = parser.parseResource(kind.modelClass(), raw);
        } catch (DataFormatException e) {
            List<Issue> issues = errors.issues().isEmpty()
                    ? List.of(Issue.structure("structure", type, JSON_RULE, hapiMessage(e)))
                    : errors.issues();
            throw new IntakeException(400, issues);
        }
        List<Issue> issues = new ArrayList<>(errors.issues());
        issues.addAll(arraysForSingletons(node, type));
        if (!issues.isEmpty()) {
            throw new IntakeException(400, issues);
        }
        return resource;
    }

    /**
     * HAPI's JSON parser quietly takes the first item when a top-level singleton arrives as an array; a strict server
     * refuses it. Checks the top level only (nested singletons as arrays are not caught: a known gap).
     */
    private List<Issue> arraysForSingletons(JsonNode node, String type) {
        RuntimeResourceDefinition definition = fhir.getResourceDefinition(type);
        List<Issue> issues = new ArrayList<>();
        node.fieldNames().forEachRemaining(name -> {
            if (node.get(name).isArray()) {
                BaseRuntimeChildDefinition child = definition.getChildByName(name);
                if (child != null && child.getMax() == 1) {
                    issues.add(Issue.structure("structure", type + "." + name, JSON_RULE,
                            "Element '" + name + "' may occur only once (found an array)"));
                }
            }
        });
        return issues;
    }

    /** HAPI messages start with a code like "HAPI-1861: "; keep it (searchable), drop anything after a newline. */
    private static String hapiMessage(DataFormatException e) {
        return firstLine(e.getMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

}
