package io.slotstream.edge.audit;

import io.slotstream.avro.AuditEvent;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one answered request into an {@link AuditEvent} (IHE BALP's who / what / outcome / when / where). What was done
 * follows the FHIR REST grammar of the matched route: GET with an id = {@code read} (R), GET without = {@code
 * search-type} (E, BALP Query), POST with a type = {@code create} (C), POST to the base = {@code transaction} (E),
 * PUT = {@code update} (U), PATCH = {@code patch} (U), DELETE = {@code delete} (D), a {@code $name} segment or a
 * route's {@code operation} = {@code operation} (E). {@link AuditDetails} set by the service win over the path.
 */
final class AuditRecords {

    /** Search parameters whose values are demographics (never on the audit trail, BALP: minimal patient data). */
    private static final Set<String> DEMOGRAPHIC_PARAMETERS = Set.of("name", "family", "given", "birthdate", "phone",
            "telecom", "email", "address", "address-city", "address-postalcode", "address-state", "address-country",
            "gender", "phonetic", "mothersmaidenname");
    private static final int MAX_QUERY_CHARS = 2000;
    private static final Pattern LOCATION = Pattern.compile("/([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/[^/]+)?/?$");

    private AuditRecords() {
    }

    /**
     * @param service  the recording service ({@code spring.application.name})
     * @param request  the answered request (its caller and source attributes as service-edge security left them)
     * @param match    the audited route it matched
     * @param status   the HTTP status answered
     * @param location the answer's {@code Location} (or {@code Content-Location}) header, or null: the id of a create
     * @param recorded when the answer was written
     * @return the event; never carries request or response bodies
     */
    static AuditEvent record(String service, HttpServletRequest request, AuditRoutes.Match match, int status,
                             String location, Instant recorded) {
        String type = match.route().resource() != null ? match.route().resource() : match.variables().get("type");
        String id = match.variables().get("id");
        String operation = match.route().operation();
        if (type != null && type.startsWith("$")) {
            operation = type;
            type = null;
            id = null;
        } else if (id != null && id.startsWith("$")) {
            operation = id;
            id = null;
        }
        boolean postSearch = "_search".equals(id);
        if (postSearch) {
            id = null;
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String interaction;
        String action;
        if (operation != null) {
            interaction = "operation";
            action = "E";
        } else if (postSearch) {
            interaction = "search-type";
            action = "E";
        } else {
            switch (method) {
                case "GET", "HEAD" -> {
                    interaction = id != null ? "read" : "search-type";
                    action = id != null ? "R" : "E";
                }
                case "POST" -> {
                    interaction = type == null ? "transaction" : "create";
                    action = type == null ? "E" : "C";
                }
                case "PUT" -> {
                    interaction = "update";
                    action = "U";
                }
                case "PATCH" -> {
                    interaction = "patch";
                    action = "U";
                }
                case "DELETE" -> {
                    interaction = "delete";
                    action = "D";
                }
                default -> {
                    interaction = "operation";
                    action = "E";
                }
            }
        }
        if ("create".equals(interaction) && id == null && location != null) {
            Matcher created = LOCATION.matcher(location);
            if (created.find() && created.group(1).equals(type)) {
                id = created.group(2);
            }
        }
        AuditDetails details = AuditDetails.find(request);
        String patient = null;
        String eventCode = null;
        String detail = null;
        int outcome = outcome(status);
        String description = status >= 400 ? "HTTP " + status + " " + reason(status) : null;
        if (details != null) {
            if (details.refusal() != null && outcome == 0) {
                outcome = 4;
                description = "HTTP " + status + ": " + details.refusal();
            }
            if (details.entityType() != null) {
                type = details.entityType();
                id = details.entityId();
            }
            patient = details.patient();
            eventCode = details.eventCode();
            detail = details.detail();
            if (details.action() != null) {
                action = details.action();
            }
            if (details.interaction() != null) {
                interaction = details.interaction();
            }
        }
        SmartCaller caller = request.getAttribute(SmartAccessManager.CALLER_ATTRIBUTE) instanceof SmartCaller c ? c : null;
        if (patient == null && caller != null && caller.patient() != null) {
            patient = caller.patient();
        }
        if (patient == null && "search-type".equals(interaction)) {
            patient = patientParameter(request.getParameter("patient"));
        }
        String source = request.getAttribute(SmartAccessManager.SOURCE_ATTRIBUTE) instanceof String s ? s
                : caller != null && caller.source() != null ? caller.source()
                : blankToNull(request.getHeader(SmartAccessManager.SOURCE_HEADER));
        String clientId = caller == null ? null : caller.clientId();
        String user = caller == null || caller.subject() == null || caller.subject().equals(clientId) ? null : caller.subject();
        return AuditEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setRecorded(recorded)
                .setService(service)
                .setAction(action)
                .setInteraction(interaction)
                .setOperation(operation)
                .setEventCode(eventCode)
                .setDetail(detail)
                .setMethod(method)
                .setPath(request.getRequestURI())
                .setQuery("search-type".equals(interaction) ? redactedQuery(request.getQueryString()) : null)
                .setHttpStatus(status)
                .setOutcome(outcome)
                .setClientId(clientId)
                .setUser(user)
                .setSource(source)
                .setScopes(caller == null || caller.scopes().isEmpty() ? null : caller.scopeText())
                .setNetworkAddress(request.getRemoteAddr())
                .setEntityType(type)
                .setEntityId(id)
                .setPatient(patient)
                .setDescription(description)
                .build();
    }

    /** FHIR AuditEventOutcome for an HTTP status: 0 success, 4 minor failure (4xx), 8 serious failure (5xx). */
    static int outcome(int status) {
        return status >= 500 ? 8 : status >= 400 ? 4 : 0;
    }

    /** @return the query string with demographic parameter values replaced by {@code ***}, cut at 2000 chars; or null */
    static String redactedQuery(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            base = base.contains(".") ? base.substring(base.lastIndexOf('.') + 1) : base;
            parts.add(eq >= 0 && DEMOGRAPHIC_PARAMETERS.contains(base.toLowerCase(Locale.ROOT))
                    ? pair.substring(0, eq) + "=***" : pair);
        }
        String joined = String.join("&", parts);
        return joined.length() > MAX_QUERY_CHARS ? joined.substring(0, MAX_QUERY_CHARS) : joined;
    }

    private static String patientParameter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int at = value.lastIndexOf("Patient/");
        return at >= 0 ? value.substring(at + "Patient/".length()) : value;
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "" : known.getReasonPhrase();
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v;
    }
}
