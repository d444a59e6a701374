package io.slotstream.schemas.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Stable ids that are unique across sources (design.md, "Identity"; SMART Scheduling Links §9 aggregator re-id).
 * A resource with id X from source S gets:
 * <ul>
 *   <li>{@code S + "." + X} when X is a valid FHIR id and the result has at most 63 characters;</li>
 *   <li>otherwise {@code S + "." + H}, exactly 64 characters, where H is the lower-case hex SHA-256 of X (UTF-8),
 *       cut to fit (at least 31 hex digits, 124 bits).</li>
 * </ul>
 * Why this is collision-free: S contains no dot, so the first dot separates S from the rest, and two sources never
 * share an id; direct ids are at most 63 characters and hashed ids exactly 64, so a direct id never equals a hashed
 * one. (This is why a valid X that would make exactly 64 characters is hashed too.)
 */
public final class CanonicalId {

    /** Source ids: 1-32 of {@code [A-Za-z0-9-]}; no dot, because the dot separates source and resource id. */
    public static final Pattern SOURCE_ID = Pattern.compile("[A-Za-z0-9\\-]{1,32}");
    /** FHIR R4 id: 1-64 of {@code [A-Za-z0-9\-.]}. */
    public static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** Length of every hashed canonical id; direct ids are shorter. */
    public static final int HASHED_LENGTH = 64;

    private CanonicalId() {
    }

    /**
     * @param sourceId   publisher/EHR id, must match {@link #SOURCE_ID}
     * @param resourceId the id as the source stated it: any non-empty string (not necessarily a valid FHIR id)
     * @return a valid FHIR id, deterministic for the pair, unique across all pairs (see the class comment)
     * @throws IllegalArgumentException when sourceId does not match {@code [A-Za-z0-9-]{1,32}} or resourceId is
     *                                  null or empty
     */
    public static String of(String sourceId, String resourceId) {
        if (sourceId == null || !SOURCE_ID.matcher(sourceId).matches()) {
            throw new IllegalArgumentException("source id '" + sourceId + "' must match [A-Za-z0-9-]{1,32} "
                    + "(letters, digits, '-'; no '.', which separates source and resource id)");
        }
        if (resourceId == null || resourceId.isEmpty()) {
            throw new IllegalArgumentException("resource id of source " + sourceId + " must not be empty");
        }
        String direct = sourceId + "." + resourceId;
        if (isValidFhirId(resourceId) && direct.length() < HASHED_LENGTH) {
            return direct;
        }
        String hash = sha256Hex(resourceId);
        return sourceId + "." + hash.substring(0, HASHED_LENGTH - sourceId.length() - 1);
    }

    /** @return whether the string is a FHIR R4 id: 1-64 characters of {@code [A-Za-z0-9\-.]}; false for null */
    public static boolean isValidFhirId(String id) {
        return id != null && FHIR_ID.matcher(id).matches();
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
