package io.slotstream.schemas.booking;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Slotstream's SMART Scheduling Links {@code booking-deep-link} (§3.3; issue 11 deliverable 3) for published slots whose
 * source has no portal of its own: {@code <booking-bridge>/book/<slot id>?v=<version>&sig=<signature>}. The one place
 * that builds and verifies these links: the Slot renderer adds them, booking-bridge's {@code GET /book/{slot}}
 * checks them; both are configured with the same key.
 * <ul>
 *   <li>{@code v}, the slot version the link was published with: 16 hex digits of SHA-256 over the slot's start and
 *       end (UTC epoch ms), so a slot moved in time no longer matches its old links;</li>
 *   <li>{@code sig}: HMAC-SHA256 (key = the configured secret, UTF-8) over {@code slotId + "\n" + v}, base64url
 *       without padding, first 16 bytes. Aggregators append {@code source} and {@code booking-referral}; those are
 *       not signed.</li>
 * </ul>
 * Thread-safe.
 */
public final class BookingDeepLinks {

    private static final String ALGORITHM = "HmacSHA256";

    private final String baseUrl;
    private final SecretKeySpec key;

    /**
     * @param baseUrl booking-bridge's public base URL, e.g. {@code http://127.0.0.1:8084} (a trailing slash is dropped)
     * @param secret  the shared signing key; at least 16 characters
     * @throws IllegalArgumentException when the URL or the secret is missing or the secret is shorter than 16
     */
    public BookingDeepLinks(String baseUrl, String secret) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("the booking deep-link base URL is required");
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("the booking deep-link key must have at least 16 characters");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /**
     * @return the links of these settings, or null when no key is configured (Slotstream then adds no deep links)
     * @throws IllegalArgumentException as the constructor, for a key that is set but unusable
     */
    public static BookingDeepLinks configured(String baseUrl, String secret) {
        return secret == null || secret.isBlank() ? null : new BookingDeepLinks(baseUrl, secret);
    }

    /**
     * @return what rendered links depend on, without revealing the key: the base URL and a short digest of a
     * signature (a renderer's cache is rebuilt when it changes)
     */
    public String fingerprint() {
        return baseUrl + "#" + signature("fingerprint", "0").substring(0, 8);
    }

    /** @return the signed deep link of a slot as published now */
    public String linkFor(String slotId, Instant start, Instant end) {
        String v = version(start, end);
        return baseUrl + "/book/" + URLEncoder.encode(slotId, StandardCharsets.UTF_8) + "?v=" + v + "&sig="
                + signature(slotId, v);
    }

    /** @return the version of a slot with this start and end: 16 lowercase hex digits */
    public static String version(Instant start, Instant end) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (start.toEpochMilli() + "/" + end.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** @return whether {@code sig} is this key's signature of the slot id and version (constant-time compare) */
    public boolean verify(String slotId, String v, String sig) {
        if (slotId == null || v == null || sig == null) {
            return false;
        }
        return MessageDigest.isEqual(signature(slotId, v).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII));
    }

    private String signature(String slotId, String v) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] full = mac.doFinal((Objects.requireNonNull(slotId) + "\n" + v).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }
}
