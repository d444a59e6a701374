package io.slotstream.edge.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.util.UrlPathHelper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides each request against the service's {@link AccessRule}s: open routes pass; the others need a validated
 * bearer token (else 401) whose SMART scopes grant every permission the rule names on every resource (else 403), and,
 * where the rule says so, a source binding (client of source A never acts for source B) and a patient binding (a
 * patient-context token only names its own patient). On success the caller ({@link #CALLER_ATTRIBUTE}), for
 * source-bound routes its source ({@link #SOURCE_ATTRIBUTE}), and whether only patient-context scopes granted the
 * request ({@link #PATIENT_CONTEXT_ATTRIBUTE}) are request attributes for the service. A token-checked search (a rule
 * needing {@code s}) also needs read ({@code r}) on every type its {@code _include}/{@code _revinclude} values add
 * ({@link IncludedTypes}), else 403 naming the parameter.
 */
public final class SmartAccessManager implements AuthorizationManager<RequestAuthorizationContext> {

    /** Request attribute: the {@link SmartCaller} of an authorized token request. */
    public static final String CALLER_ATTRIBUTE = SmartCaller.class.getName();
    /** Request attribute: the source id a source-bound request acts for (the client's binding). */
    public static final String SOURCE_ATTRIBUTE = "io.slotstream.edge.security.source";
    /**
     * Request attribute, {@link Boolean#TRUE} when some permission the route needs was granted by patient-context
     * scopes only (e.g. {@code $book} with {@code patient/Appointment.cu}): the service must hold the request to the
     * caller's {@link SmartCaller#patient()}, checking what the edge cannot see (the body, the stored resource).
     * Absent for system and user tokens whose scopes alone grant the route, and in mode {@code off}.
     */
    public static final String PATIENT_CONTEXT_ATTRIBUTE = "io.slotstream.edge.security.patient-context";
    /** The header by which a request may name its source; with a token it must name the client's own source. */
    public static final String SOURCE_HEADER = "X-Slotstream-Source";

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private final EdgeSecurityProperties properties;
    private final List<CompiledRule> rules;
    private final IncludedTypes includedTypes;

    public SmartAccessManager(EdgeSecurityProperties properties, List<AccessRule> builtIn) {
        this(properties, builtIn, IncludedTypes.NONE);
    }

    /** @param includedTypes what the service's searches include (its {@link IncludedTypes} bean, else NONE) */
    public SmartAccessManager(EdgeSecurityProperties properties, List<AccessRule> builtIn, IncludedTypes includedTypes) {
        this.properties = properties;
        this.includedTypes = includedTypes;
        List<AccessRule> all = new ArrayList<>(builtIn);
        all.addAll(properties.routes());
        PathPatternParser parser = new PathPatternParser();
        this.rules = all.stream().map(r -> new CompiledRule(r, r.paths().stream().map(parser::parse).toList())).toList();
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        PathContainer path = PathContainer.parsePath(PATHS.getPathWithinApplication(request));
        for (CompiledRule rule : rules) {
            if (!rule.rule().methods().isEmpty() && !rule.rule().methods().contains(request.getMethod())) {
                continue;
            }
            for (PathPattern pattern : rule.patterns()) {
                PathPattern.PathMatchInfo match = pattern.matchAndExtract(path);
                if (match != null) {
                    return decide(rule.rule(), match.getUriVariables(), authentication.get(), request);
                }
            }
        }
        return caller(authentication.get(), request) != null ? new AuthorizationDecision(true)
                : new AuthorizationDecision(false);
    }

    private AuthorizationResult decide(AccessRule rule, Map<String, String> variables, Authentication authentication,
                                       HttpServletRequest request) {
        AccessRule.Access access = rule.access() == AccessRule.Access.SEARCH
                ? (properties.searchAccess() == EdgeSecurityProperties.SearchAccess.OPEN ? AccessRule.Access.OPEN : AccessRule.Access.TOKEN)
                : rule.access();
        if (access == AccessRule.Access.OPEN) {
            return new AuthorizationDecision(true);
        }
        SmartCaller caller = caller(authentication, request);
        if (caller == null) {
            return new AuthorizationDecision(false); // anonymous: the entry point answers 401
        }
        Set<String> contextsUsed = new HashSet<>();
        boolean patientOnly = false;
        for (String resource : rule.resources()) {
            String type = resource.startsWith("{") ? variables.get(resource.substring(1, resource.length() - 1)) : resource;
            if (type == null || !type.matches("[A-Z][A-Za-z]+")) {
                return Denial.of("No resource type in the request path for " + resource);
            }
            String letters = rule.permissions().isEmpty() ? null : rule.permissions();
            if (letters == null) {
                List<SmartScope> any = caller.scopes().stream().filter(s -> rule.contexts().contains(s.context())
                        && (s.resource().equals("*") || s.resource().equals(type))).toList();
                if (any.isEmpty()) {
                    return Denial.of("The token grants no scope on " + type + " (" + String.join("|", rule.contexts()) + ")");
                }
                any.forEach(s -> contextsUsed.add(s.context()));
                patientOnly |= any.stream().allMatch(s -> s.context().equals("patient"));
                continue;
            }
            for (char p : letters.toCharArray()) {
                List<SmartScope> granting = caller.scopes().stream().filter(s -> s.grants(type, p, rule.contexts())).toList();
                if (granting.isEmpty()) {
                    return Denial.of("Insufficient scope: " + request.getMethod() + " here needs " + type + "." + letters
                            + " in context " + String.join(" or ", rule.contexts().stream().sorted().toList())
                            + " (e.g. " + rule.contexts().stream().sorted().toList().getLast() + "/" + type + "." + letters
                            + "); the token has '" + caller.scopeText() + "'");
                }
                granting.forEach(s -> contextsUsed.add(s.context()));
                patientOnly |= granting.stream().allMatch(s -> s.context().equals("patient"));
            }
            if (letters != null && letters.indexOf('s') >= 0) {
                // Refuse rather than omit: HAPI's AuthorizationInterceptor aborts a read whose response (includes too)
                // holds a resource the rules do not allow (hapifhir.io/hapi-fhir/docs/security/authorization_interceptor.html)
                for (IncludedTypes.Inclusion inclusion : includedTypes.of(type, request.getParameterMap())) {
                    for (String included : inclusion.types().stream().sorted().toList()) {
                        List<SmartScope> granting = caller.scopes().stream()
                                .filter(s -> s.grants(included, 'r', rule.contexts())).toList();
                        if (granting.isEmpty()) {
                            return Denial.of(includeDenial(inclusion, included, rule.contexts(), caller),
                                    type + "?" + inclusion.parameter());
                        }
                        granting.forEach(s -> contextsUsed.add(s.context()));
                        patientOnly |= granting.stream().allMatch(s -> s.context().equals("patient"));
                    }
                }
            }
        }
        if (rule.patientBound() && (caller.patient() != null || contextsUsed.equals(Set.of("patient")))) {
            AuthorizationResult patient = checkPatient(caller, request);
            if (patient != null) {
                return patient;
            }
        }
        if (rule.sourceBound()) {
            if (caller.source() == null) {
                return Denial.of("Client '" + caller.clientId() + "' is bound to no source, so it may not write source data "
                        + "(slotstream.security.client-sources or the token's " + properties.sourceClaim() + " claim)");
            }
            String named = request.getHeader(SOURCE_HEADER);
            if (named != null && !named.isEmpty() && !named.equals(caller.source())) {
                return Denial.of("Client '" + caller.clientId() + "' is bound to source '" + caller.source()
                        + "' and may not act for source '" + named + "'");
            }
            request.setAttribute(SOURCE_ATTRIBUTE, caller.source());
        }
        if (patientOnly) {
            request.setAttribute(PATIENT_CONTEXT_ATTRIBUTE, Boolean.TRUE);
        }
        return new AuthorizationDecision(true);
    }

    private static String includeDenial(IncludedTypes.Inclusion inclusion, String missing, Set<String> contexts,
                                        SmartCaller caller) {
        List<String> sorted = contexts.stream().sorted().toList();
        // the example scope keeps the context the token already uses
        String example = caller.scopes().stream().map(SmartScope::context).filter(contexts::contains).findFirst()
                .orElse(sorted.getLast());
        String readable = inclusion.types().stream().filter(t -> caller.grants(t, 'r', contexts)).sorted()
                .findFirst().orElse(null);
        return "Insufficient scope: " + inclusion.parameter() + "=" + inclusion.value() + " returns " + missing
                + " resources, which need " + missing + ".r in context " + String.join(" or ", sorted) + " (e.g. "
                + example + "/" + missing + ".rs); the token has '" + caller.scopeText() + "'. Ask for that"
                + " scope or search without " + inclusion.parameter() + "=" + inclusion.value()
                + (readable == null ? "" : " (or name a target type the token may read: " + inclusion.value() + ":" + readable + ")");
    }

    private static AuthorizationResult checkPatient(SmartCaller caller, HttpServletRequest request) {
        if (caller.patient() == null) {
            return Denial.of("A patient-context token must carry its patient (claim 'patient')");
        }
        String[] values = request.getParameterValues("patient");
        if (values == null || values.length == 0) {
            return Denial.of("A patient token must name its own patient: patient=Patient/" + caller.patient());
        }
        // every value and every item of a comma list (FHIR search OR) must be the token's patient
        for (String value : values) {
            for (String named : value.split(",", -1)) {
                int at = named.lastIndexOf("Patient/");
                String id = at >= 0 ? named.substring(at + "Patient/".length()) : named;
                if (!id.equals(caller.patient())) {
                    return Denial.of("The token is for Patient/" + caller.patient()
                            + " and may not see or change another patient's appointments");
                }
            }
        }
        return null;
    }

    private SmartCaller caller(Authentication authentication, HttpServletRequest request) {
        if (!(authentication instanceof JwtAuthenticationToken token) || !token.isAuthenticated()) {
            return null;
        }
        SmartCaller caller = SmartCaller.of(token.getToken(), properties);
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        return caller;
    }

    private record CompiledRule(AccessRule rule, List<PathPattern> patterns) {
    }

    /** A refusal that says why (shown in the 403 OperationOutcome). */
    static final class Denial extends AuthorizationDecision {
        private final String reason;
        private final String expression;

        private Denial(String reason, String expression) {
            super(false);
            this.reason = reason;
            this.expression = expression;
        }

        static Denial of(String reason) {
            return new Denial(reason, null);
        }

        /** @param expression the request parameter refused, e.g. {@code Slot?_include} */
        static Denial of(String reason, String expression) {
            return new Denial(reason, expression);
        }

        String reason() {
            return reason;
        }

        /** @return the parameter the refusal is about, or null */
        String expression() {
            return expression;
        }
    }
}
