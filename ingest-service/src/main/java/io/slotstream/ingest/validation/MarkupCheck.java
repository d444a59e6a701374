package io.slotstream.ingest.validation;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Refuses markup and script in string values, as the FHIR validator's security checks do ("The string value contains
 * text that looks like embedded HTML tags"): Slotstream republishes these strings to public feeds and portals, so
 * {@code <script>}, any HTML tag, and {@code javascript:} URLs are rejected (422). The narrative
 * {@code text.div} is XHTML and may hold tags, but not script (R4 invariant txt-1/txt-2). The scan runs only when the
 * raw JSON contains a {@code <} or {@code javascript:}, so clean input costs one string search.
 */
public final class MarkupCheck {

    private static final Pattern TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z!][^>]*>");
    private static final Pattern SCRIPT = Pattern.compile("(?i)<\\s*script|javascript\\s*:|\\son[a-z]+\\s*=");
    private static final String RULE = "FHIR validator security check: no HTML or script in string values; R4 txt-1";

    private MarkupCheck() {
    }

    /**
     * @param raw          the resource JSON text (for the fast pre-check)
     * @param node         the same resource as a tree
     * @param resourceType root name of the FHIRPaths
     * @return one issue per offending value; empty when clean
     */
    public static List<Issue> check(String raw, JsonNode node, String resourceType) {
        if (raw.indexOf('<') < 0 && !raw.toLowerCase().contains("javascript")) {
            return List.of();
        }
        List<Issue> issues = new ArrayList<>();
        walk(node, resourceType, false, issues);
        return issues;
    }

    private static void walk(JsonNode node, String path, boolean narrative, List<Issue> issues) {
        if (node.isTextual()) {
            String text = node.asText();
            boolean bad = narrative ? SCRIPT.matcher(text).find() : TAG.matcher(text).find() || SCRIPT.matcher(text).find();
            if (bad) {
                issues.add(Issue.profile("security", path, RULE, "Markup or script is not allowed in this value"));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", narrative, issues);
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                boolean div = path.endsWith(".text") && field.getKey().equals("div");
                walk(field.getValue(), path + "." + field.getKey(), narrative || div, issues);
            }
        }
    }
}
