package io.slotstream.ingest.validation;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Finds the FHIRPath of an element in the JSON a parse error came from. HAPI's error handler only reports the parent
 * element's name, so this searches the tree; it runs only on the (rare) error path.
 */
final class JsonLocator {

    private JsonLocator() {
    }

    /**
     * @param root         the resource JSON
     * @param resourceType e.g. {@code Slot}; also the root's name in the result
     * @param parent       HAPI's parent element name (the resource type for top-level elements); may be null
     * @param key          the element name to find, or null to find a scalar by value
     * @param value        with a null key: the scalar's text to find
     * @return e.g. {@code Slot.extension[1].valueUrl}; falls back to {@code Slot.<parent>.<key>} when not found
     */
    static String locate(JsonNode root, String resourceType, String parent, String key, String value) {
        String found = search(root, resourceType, resourceType, parent, key, value);
        if (found != null) {
            return found;
        }
        StringBuilder fallback = new StringBuilder(resourceType);
        if (parent != null && !parent.equals(resourceType)) {
            fallback.append('.').append(parent);
        }
        if (key != null) {
            fallback.append('.').append(key);
        }
        return fallback.toString();
    }

    private static String search(JsonNode node, String name, String pathSoFar, String parent, String key, String value) {
        if (node.isObject()) {
            boolean parentMatches = parent == null || parent.equals(name);
            if (parentMatches && key != null && node.has(key)) {
                return pathSoFar + "." + key;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode child = field.getValue();
                String childPath = pathSoFar + "." + field.getKey();
                if (key == null && (parentMatches || field.getKey().equals(parent)) && child.isValueNode()
                        && child.asText().equals(value)) {
                    return childPath;
                }
                String found = search(child, field.getKey(), childPath, parent, key, value);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                String itemPath = pathSoFar + "[" + i + "]";
                if (key == null && (parent == null || parent.equals(name)) && item.isValueNode()
                        && item.asText().equals(value)) {
                    return itemPath;
                }
                String found = search(item, name, itemPath, parent, key, value);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
