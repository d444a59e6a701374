package io.slotstream.edge.security;

import org.springframework.security.oauth2.jwt.Jwt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a validated bearer token speaks for: its client, the source that client is bound to, the patient of a
 * patient-context token, and its SMART scopes.
 *
 * @param clientId the OAuth client ({@code client_id}, else {@code azp}, else {@code sub}; RFC 9068 section 2.2)
 * @param source   the source the client may write for, or null when it is bound to none
 * @param patient  the patient id (without {@code Patient/}) of a patient-context token, or null
 * @param scopes   the clinical-data scopes of the token's {@code scope} (or {@code scp}) claim
 * @param subject  the token's {@code sub} (the user or patient login of a user/patient token; the client itself for
 *                 SMART Backend Services), or null
 */
public record SmartCaller(String clientId, String source, String patient, List<SmartScope> scopes, String subject) {

    /** Reads the caller from a validated token, applying the configured client -> source bindings. */
    public static SmartCaller of(Jwt jwt, EdgeSecurityProperties properties) {
        String client = firstNonBlank(jwt.getClaimAsString("client_id"), jwt.getClaimAsString("azp"), jwt.getSubject());
        Map<String, String> bindings = properties.clientSources();
        String source = client != null && bindings.containsKey(client) ? bindings.get(client)
                : jwt.getClaimAsString(properties.sourceClaim());
        String patient = jwt.getClaimAsString(properties.patientClaim());
        if (patient != null && patient.startsWith("Patient/")) {
            patient = patient.substring("Patient/".length());
        }
        List<SmartScope> scopes = new ArrayList<>();
        for (String s : scopeStrings(jwt)) {
            SmartScope.parse(s).ifPresent(scopes::add);
        }
        return new SmartCaller(client, blankToNull(source), blankToNull(patient), List.copyOf(scopes),
                blankToNull(jwt.getSubject()));
    }

    private static List<String> scopeStrings(Jwt jwt) {
        Object scope = jwt.getClaims().get("scope");
        if (scope == null) {
            scope = jwt.getClaims().get("scp");
        }
        if (scope instanceof String text) {
            return List.of(text.trim().split("\\s+"));
        }
        if (scope instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /**
     * @return whether one of the token's scopes grants {@code permission} (a SMART v2 letter among {@code cruds}) on
     * {@code resourceType} in one of {@code contexts} ({@code system}, {@code user}, {@code patient})
     */
    public boolean grants(String resourceType, char permission, Set<String> contexts) {
        return scopes.stream().anyMatch(s -> s.grants(resourceType, permission, contexts));
    }

    /** @return the scope text, space separated, for answers and audit */
    public String scopeText() {
        return String.join(" ", scopes.stream().map(s -> s.context() + "/" + s.resource() + "."
                + s.permissions().stream().sorted(SmartCaller::cruds).map(String::valueOf).reduce("", String::concat)).toList());
    }

    private static int cruds(Character a, Character b) {
        return Integer.compare("cruds".indexOf(a), "cruds".indexOf(b));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static String blankToNull(String v) {
        return Optional.ofNullable(v).filter(s -> !s.isBlank()).orElse(null);
    }
}
