package io.slotstream.edge.outcome;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds the query parameter the container could not decode (RFC 3986 §2.1 percent-encoding of UTF-8), so the 400
 * names it: Tomcat only says that parameter parsing failed ({@code InvalidParameterException}).
 */
final class QueryStringDecoding {

    /** A parameter that is not valid: its name as far as it decodes, and its raw (undecoded) text. */
    record BadParameter(String name, String raw) {
    }

    private QueryStringDecoding() {
    }

    /** @return the first {@code name=value} pair of {@code query} whose name or value does not decode, if any */
    static Optional<BadParameter> firstBadParameter(String query) {
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
            Optional<String> name = decode(rawName);
            if (name.isEmpty() || decode(rawValue).isEmpty()) {
                return Optional.of(new BadParameter(name.orElse(rawName), pair));
            }
        }
        return Optional.empty();
    }

    /** @return the decoded text, or empty when a {@code %} is not followed by two hex digits or the bytes are not UTF-8 */
    static Optional<String> decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
