package io.slotstream.edge.security;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which granted requests {@link SmartAccessManager} flags as patient-context only (the services then bind them). */
class SmartAccessManagerTest {

    private static final AccessRule BOOK = new AccessRule(List.of("/fhir/Appointment/$book"), List.of(), null,
            List.of("Appointment"), "cu", Set.of(), false, false);

    @Test
    void aRequestGrantedByPatientScopesOnlyIsFlagged() {
        MockHttpServletRequest request = book("patient/Appointment.crus", "p1");
        assertThat(request.getAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE)).isEqualTo(Boolean.TRUE);
        assertThat(((SmartCaller) request.getAttribute(SmartAccessManager.CALLER_ATTRIBUTE)).patient()).isEqualTo("p1");
        // one letter only through a patient scope is enough: that permission is the patient's
        assertThat(book("user/Appointment.c patient/Appointment.u", "p1")
                .getAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE)).isEqualTo(Boolean.TRUE);
    }

    @Test
    void systemAndUserScopesThatGrantTheRouteAreNotFlagged() {
        assertThat(book("system/Appointment.crus", null).getAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE)).isNull();
        // a user token with a launch patient still acts as the user
        assertThat(book("user/Appointment.cu patient/Appointment.cu", "p1")
                .getAttribute(SmartAccessManager.PATIENT_CONTEXT_ATTRIBUTE)).isNull();
    }

    private static final AccessRule SEARCH = new AccessRule(List.of("/fhir/Appointment"), List.of("GET"), null,
            List.of("Appointment"), "s", Set.of(), false, true);

    @Test
    void aPatientTokenSearchesOnlyItsOwnPatientInEveryValueAndListItem() {
        assertThat(search("patient=Patient/p1").isGranted()).isTrue();
        assertThat(search("patient=p1").isGranted()).isTrue();
        assertThat(search("patient=Patient/p2").isGranted()).isFalse();
        // FHIR search OR (comma list) and repeated parameters: another patient anywhere is refused
        assertThat(search("patient=Patient/p2,Patient/p1").isGranted()).isFalse();
        assertThat(search("patient=Patient/p1,Patient/p2").isGranted()).isFalse();
        assertThat(search("patient=Patient/p1", "patient=Patient/p2").isGranted()).isFalse();
        assertThat(search().isGranted()).isFalse();
    }

    private static AuthorizationResult search(String... query) {
        EdgeSecurityProperties properties = new EdgeSecurityProperties(EdgeSecurityProperties.Mode.TOKEN, "https://issuer",
                null, List.of("slotstream"), Duration.ofSeconds(60), Map.of(), "slotstream_source", "patient",
                EdgeSecurityProperties.SearchAccess.OPEN, List.of(SEARCH));
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS384").claim("client_id", "app")
                .claim("scope", "patient/Appointment.rs").claim("patient", "p1")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Appointment");
        for (String q : query) {
            request.addParameter("patient", q.substring("patient=".length()));
        }
        return new SmartAccessManager(properties, List.of())
                .authorize(() -> new JwtAuthenticationToken(jwt, List.of()), new RequestAuthorizationContext(request));
    }

    private static MockHttpServletRequest book(String scope, String patient) {
        EdgeSecurityProperties properties = new EdgeSecurityProperties(EdgeSecurityProperties.Mode.TOKEN, "https://issuer",
                null, List.of("slotstream"), Duration.ofSeconds(60), Map.of(), "slotstream_source", "patient",
                EdgeSecurityProperties.SearchAccess.OPEN, List.of(BOOK));
        Jwt.Builder jwt = Jwt.withTokenValue("t").header("alg", "RS384").claim("client_id", "app").claim("scope", scope)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
        if (patient != null) {
            jwt.claim("patient", patient);
        }
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/fhir/Appointment/$book");
        AuthorizationResult result = new SmartAccessManager(properties, List.of())
                .authorize(() -> new JwtAuthenticationToken(jwt.build(), List.of()), new RequestAuthorizationContext(request));
        assertThat(result.isGranted()).isTrue();
        return request;
    }

    private static final AccessRule TYPE_SEARCH = new AccessRule(List.of("/fhir/{type}"), List.of("GET"),
            AccessRule.Access.SEARCH, List.of("{type}"), "s", Set.of(), false, false);
    /** A service whose Slot search includes Schedules and whose Schedule search includes all three actor types. */
    private static final IncludedTypes INCLUDES = (type, params) -> params.containsKey("_include")
            ? List.of(new IncludedTypes.Inclusion("_include", params.get("_include")[0],
            type.equals("Slot") ? Set.of("Schedule") : Set.of("Location", "PractitionerRole")))
            : List.of();

    @Test
    void aSearchNeedsReadOnEveryIncludedTypeAndTheRefusalNamesTheParameter() {
        assertThat(typeSearch("/fhir/Slot", "Slot:schedule", "system/Slot.rs system/Schedule.rs").isGranted()).isTrue();
        // v1 read is rs; a wildcard type covers the include
        assertThat(typeSearch("/fhir/Slot", "Slot:schedule", "system/Slot.read system/Schedule.read").isGranted()).isTrue();
        assertThat(typeSearch("/fhir/Slot", "Slot:schedule", "system/*.rs").isGranted()).isTrue();
        assertThat(typeSearch("/fhir/Slot", null, "system/Slot.rs").isGranted()).isTrue();

        AuthorizationResult slotOnly = typeSearch("/fhir/Slot", "Slot:schedule", "system/Slot.rs");
        assertThat(slotOnly.isGranted()).isFalse();
        SmartAccessManager.Denial denial = (SmartAccessManager.Denial) slotOnly;
        assertThat(denial.expression()).isEqualTo("Slot?_include");
        assertThat(denial.reason()).contains("_include=Slot:schedule").contains("Schedule.r")
                .contains("system/Schedule.rs").contains("'system/Slot.rs'");
        // search alone is not read: an included resource is read (as HAPI's AuthorizationInterceptor treats it)
        assertThat(typeSearch("/fhir/Slot", "Slot:schedule", "system/Slot.rs system/Schedule.s").isGranted()).isFalse();

        // several targets: each is needed; the refusal suggests the target the token may read
        AuthorizationResult oneActor = typeSearch("/fhir/Schedule", "Schedule:actor",
                "system/Schedule.rs system/Location.rs");
        assertThat(oneActor.isGranted()).isFalse();
        assertThat(((SmartAccessManager.Denial) oneActor).reason()).contains("PractitionerRole.r")
                .contains("Schedule:actor:Location");
        assertThat(typeSearch("/fhir/Schedule", "Schedule:actor",
                "system/Schedule.rs system/Location.rs system/PractitionerRole.r").isGranted()).isTrue();
    }

    @Test
    void openSearchAccessLeavesIncludesOpen() {
        EdgeSecurityProperties open = properties(EdgeSecurityProperties.SearchAccess.OPEN, TYPE_SEARCH);
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/fhir/Slot");
        request.addParameter("_include", "Slot:schedule");
        assertThat(new SmartAccessManager(open, List.of(), INCLUDES).authorize(() -> null,
                new RequestAuthorizationContext(request)).isGranted()).isTrue();
    }

    private static AuthorizationResult typeSearch(String path, String include, String scope) {
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS384").claim("client_id", "app").claim("scope", scope)
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        if (include != null) {
            request.addParameter("_include", include);
        }
        return new SmartAccessManager(properties(EdgeSecurityProperties.SearchAccess.TOKEN, TYPE_SEARCH), List.of(), INCLUDES)
                .authorize(() -> new JwtAuthenticationToken(jwt, List.of()), new RequestAuthorizationContext(request));
    }

    private static EdgeSecurityProperties properties(EdgeSecurityProperties.SearchAccess searchAccess, AccessRule rule) {
        return new EdgeSecurityProperties(EdgeSecurityProperties.Mode.TOKEN, "https://issuer", null,
                List.of("slotstream"), Duration.ofSeconds(60), Map.of(), "slotstream_source", "patient", searchAccess,
                List.of(rule));
    }
}
