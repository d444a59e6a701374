package io.slotstream.availability.query;

import java.util.Map;

/**
 * The result controls of a Slot search: {@code _count} (page size), {@code _cursor} (the page after that position),
 * {@code _total} ({@code accurate} counts every match; {@code none}/{@code estimate}, the default, give a total only
 * when it costs nothing: the first page holds every match). Includes are {@link Includes}.
 *
 * @param count          page size, 1..max
 * @param cursor         null for the first page
 * @param accurateTotal  count every match (scans all of them)
 */
public record SlotPage(int count, Cursor cursor, boolean accurateTotal) {

    /** @throws SearchException when a control is malformed */
    public static SlotPage parse(Map<String, String[]> params, int defaultCount, int maxCount) {
        if (params.containsKey("_offset")) {
            throw new SearchException("Slot search pages with a cursor: follow the Bundle's next link (_cursor); "
                    + "_offset is not supported (it skips or repeats slots while the view changes)", "Slot?_offset");
        }
        int count = Paging.parse("Slot", params, defaultCount, maxCount).count();
        Cursor cursor = params.containsKey("_cursor") ? Cursor.decode(single(params, "_cursor")) : null;
        boolean accurate = false;
        if (params.containsKey("_total")) {
            String total = single(params, "_total");
            if (!total.equals("none") && !total.equals("estimate") && !total.equals("accurate")) {
                throw new SearchException("_total must be none, estimate or accurate, was '" + total + "'", "Slot?_total");
            }
            accurate = total.equals("accurate");
        }
        return new SlotPage(count, cursor, accurate);
    }

    /** @return how many sorted matches each instance returns: one more than the page shows whether there is a next */
    public int limit() {
        return count + 1;
    }

    private static String single(Map<String, String[]> params, String name) {
        String[] v = params.get(name);
        if (v.length > 1) {
            throw new SearchException(name + " may be given once", "Slot?" + name);
        }
        return v[0];
    }
}
