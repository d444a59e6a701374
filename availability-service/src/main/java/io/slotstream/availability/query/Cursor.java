package io.slotstream.availability.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Position in a Slot search's result order: the (start, id) of the last slot of a page. The next page holds the
 * matches strictly after it, so paging stays correct while the view changes: a slot that matches throughout is
 * on exactly one page; one added or removed meanwhile shifts nothing else. Sent as an opaque {@code _cursor} value
 * (base64url of {@code <start ms>~<id>}).
 *
 * @param startMs start of that slot, UTC epoch ms
 * @param slotId  its id
 */
public record Cursor(long startMs, String slotId) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((startMs + "~" + slotId).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws SearchException when the value is not a cursor this service wrote */
    public static Cursor decode(String value) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
            int sep = text.indexOf('~');
            if (sep > 0 && sep < text.length() - 1) {
                return new Cursor(Long.parseLong(text.substring(0, sep)), text.substring(sep + 1));
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: reported below
        }
        throw new SearchException("_cursor '" + value + "' is not a cursor of this service (take it from a next link)",
                "Slot?_cursor");
    }
}
