package io.slotstream.edge.security;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR clinical scope, e.g. {@code system/Slot.cud} (v2) or {@code patient/Appointment.read} (v1).
 * v2 permissions are the letters {@code c r u d s}; v1 {@code read} means {@code rs}, {@code write} means {@code cud}
 * and {@code *} means all five. A scope with granular parameters ({@code ?category=...}) is not understood here and
 * grants nothing (fail closed). Source: SMART App Launch 2.x, "Scopes for requesting clinical data".
 *
 * @param context     {@code patient}, {@code user} or {@code system}
 * @param resource    a FHIR resource type, or {@code *} for every type
 * @param permissions the granted letters among {@code cruds}
 */
public record SmartScope(String context, String resource, Set<Character> permissions) {

    private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/([A-Za-z]+|\\*)\\.(read|write|\\*|[cruds]+)");

    public SmartScope {
        permissions = Set.copyOf(permissions);
    }

    /** @return the scope, or empty when {@code text} is not a clinical-data scope (e.g. {@code openid}, {@code launch}) */
    public static Optional<SmartScope> parse(String text) {
        Matcher m = SCOPE.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String perms = switch (m.group(3)) {
            case "read" -> "rs";
            case "write" -> "cud";
            case "*" -> "cruds";
            default -> m.group(3);
        };
        Set<Character> letters = new java.util.HashSet<>();
        for (char c : perms.toCharArray()) {
            letters.add(c);
        }
        return Optional.of(new SmartScope(m.group(1), m.group(2), letters));
    }

    /** @return whether this scope grants {@code permission} on {@code resourceType} in one of {@code contexts} */
    public boolean grants(String resourceType, char permission, Set<String> contexts) {
        return contexts.contains(context) && (resource.equals("*") || resource.equals(resourceType))
                && permissions.contains(permission);
    }
}
