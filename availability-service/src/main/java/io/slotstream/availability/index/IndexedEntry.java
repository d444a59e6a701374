package io.slotstream.availability.index;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Value of {@link IndexStores#ENTRIES}: the start and terms a slot is indexed under. Bytes: 8-byte big-endian start
 * (UTC epoch ms), then the terms in UTF-8, each followed by 0x00.
 *
 * @param startMs slot start, UTC epoch ms
 * @param terms   its {@link SearchTerms}
 */
public record IndexedEntry(long startMs, Set<String> terms) {

    public byte[] toBytes() {
        byte[][] t = terms.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        int size = 8;
        for (byte[] b : t) {
            size += b.length + 1;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putLong(startMs);
        for (byte[] b : t) {
            out.put(b).put((byte) 0);
        }
        return out.array();
    }

    public static IndexedEntry fromBytes(byte[] bytes) {
        long start = ByteBuffer.wrap(bytes, 0, 8).getLong();
        Set<String> terms = new LinkedHashSet<>();
        int from = 8;
        for (int i = 8; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                terms.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        return new IndexedEntry(start, terms);
    }
}
