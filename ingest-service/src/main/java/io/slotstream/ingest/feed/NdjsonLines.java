package io.slotstream.ingest.feed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads NDJSON line by line in bounded memory (field notes: slot files of hundreds of MB exist): a line longer than
 * the limit is skipped to its end and reported as {@link Line#tooLong()} with its first bytes only. Accepts LF and
 * CRLF, and a UTF-8 byte order mark at the start. Not thread-safe.
 */
final class NdjsonLines {

    /** One line: its 1-based number, its text (the first bytes only when too long), its length in bytes (capped). */
    record Line(long number, String text, boolean tooLong, int bytes) {
    }

    private static final int KEEP_OF_LONG_LINE = 2048;

    private final InputStream in;
    private final long maxBytes;
    private final byte[] buffer = new byte[65536];
    private int pos;
    private int limit;
    private long number;

    NdjsonLines(InputStream in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** @return the next non-blank line, or null at the end */
    Line next() throws IOException {
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            long length = 0;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        break;
                    }
                }
                any = true;
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') {
                    pos++;
                }
                int n = pos - start;
                if (length + n <= maxBytes) {
                    line.write(buffer, start, n);
                } else if (line.size() < KEEP_OF_LONG_LINE) {
                    line.write(buffer, start, Math.min(n, KEEP_OF_LONG_LINE - line.size()));
                }
                length += n;
                if (pos < limit) {
                    pos++; // the newline
                    break;
                }
            }
            if (!any && length == 0) {
                return null;
            }
            number++;
            String text = line.toString(StandardCharsets.UTF_8);
            if (number == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (length > maxBytes) {
                return new Line(number, text, true, (int) Math.min(Integer.MAX_VALUE, length));
            }
            if (!text.isBlank()) {
                return new Line(number, text, false, (int) length);
            }
        }
    }
}
