package io.slotstream.availability.query;

import java.util.Map;

/**
 * Page of a search: {@code _count} (1..max, default configured) and {@code _offset} (&ge; 0, default 0).
 *
 * @param count  page size
 * @param offset index of the first match on the page, 0-based
 */
public record Paging(int count, int offset) {

    /** @throws SearchException when a value is not an integer or out of range */
    public static Paging parse(String resourceType, Map<String, String[]> params, int defaultCount, int maxCount) {
        int count = intParam(resourceType, params, "_count", defaultCount, 1, maxCount);
        int offset = intParam(resourceType, params, "_offset", 0, 0, Integer.MAX_VALUE - maxCount);
        return new Paging(count, offset);
    }

    /** @return how many sorted matches each partition owner must return so the page can be cut from the merge */
    public int limit() {
        return offset + count;
    }

    private static int intParam(String type, Map<String, String[]> params, String name, int dflt, int min, int max) {
        String[] values = params.get(name);
        if (values == null) {
            return dflt;
        }
        if (values.length > 1) {
            throw new SearchException(name + " may be given once", type + "?" + name);
        }
        try {
            int v = Integer.parseInt(values[0].trim());
            if (v < min || v > max) {
                throw new SearchException(name + " must be between " + min + " and " + max + ", was " + v, type + "?" + name);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SearchException(name + " must be an integer, was '" + values[0] + "'", type + "?" + name);
        }
    }
}
