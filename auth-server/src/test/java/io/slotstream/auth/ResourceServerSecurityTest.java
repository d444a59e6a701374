package io.slotstream.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.slotstream.edgeprobe.ProbeApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real authorization server (SMART Backend Services: client_credentials + private_key_jwt, RS384 and ES384) and a
 * resource server with service-edge's security and the services' route rules, both on loopback: tokens per scope,
 * every kind of bad token, cross-source and cross-patient attempts, the 401/403 OperationOutcomes, open routes.
 */
class ResourceServerSecurityTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RSAKey issuerKey;
    private static RSAKey ehrA;
    private static ECKey booking;
    private static RSAKey patientApp;
    private static ECKey admin;
    private static RSAKey unbound;
    private static ConfigurableApplicationContext authServer;
    private static ConfigurableApplicationContext resourceServer;
    private static String issuer;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("issuer-key").generate();
        ehrA = new RSAKeyGenerator(2048).keyID("ehr-a-1").generate();
        booking = new ECKeyGenerator(Curve.P_384).keyID("booking-1").generate();
        patientApp = new RSAKeyGenerator(2048).keyID("patient-app-1").generate();
        admin = new ECKeyGenerator(Curve.P_384).keyID("admin-1").generate();
        unbound = new RSAKeyGenerator(2048).keyID("unbound-1").generate();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        issuer = "http://127.0.0.1:" + port;
        Map<String, Object> auth = new HashMap<>(Map.of(
                "server.port", port,
                "slotstream.auth.issuer", issuer,
                "slotstream.auth.signing-key", issuerKey.toJSONString(),
                "spring.autoconfigure.exclude", "io.slotstream.edge.security.EdgeSecurityAutoConfiguration"));
        client(auth, 0, "ehr-a", ehrA, "system/Slot.cud system/Schedule.cud", "ehr-a", null);
        client(auth, 1, "booking-app", booking, "system/Appointment.crus", null, null);
        client(auth, 2, "patient-app", patientApp, "patient/Appointment.crus", null, "pat-1");
        client(auth, 3, "feed-admin", admin, "system/Feed.cruds", null, null);
        client(auth, 4, "unbound", unbound, "system/Slot.cud", null, null);
        authServer = new SpringApplicationBuilder(AuthServerApplication.class).run(args(auth));

        Map<String, Object> rs = new HashMap<>(Map.of(
                "server.port", 0,
                "spring.application.name", "probe",
                "slotstream.security.mode", "token",
                "slotstream.security.issuer-uri", issuer,
                "slotstream.security.jwk-set-uri", issuer + "/oauth2/jwks",
                "slotstream.security.audience", "slotstream"));
        route(rs, 0, "/$bulk-publish", null, "open", null, null, null, false, false);
        route(rs, 1, "/fhir/{type}/{id}", "PUT", null, "{type}", "cu", "system", true, false);
        route(rs, 2, "/fhir/Appointment", "GET", null, "Appointment", "s", null, false, true);
        route(rs, 3, "/admin/feeds", "GET", null, "Feed", "s", "system", false, false);
        resourceServer = new SpringApplicationBuilder(ProbeApplication.class).run(args(rs));
        api = "http://127.0.0.1:" + ((WebServerApplicationContext) resourceServer).getWebServer().getPort();
    }

    /** Command-line arguments: they win over the application.yml on the test classpath. */
    private static String[] args(Map<String, Object> properties) {
        return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static void client(Map<String, Object> p, int i, String id, JWK key, String scopes, String source, String patient) {
        String prefix = "slotstream.auth.clients[" + i + "].";
        p.put(prefix + "client-id", id);
        p.put(prefix + "jwks", new JWKSet(key.toPublicJWK()).toString());
        p.put(prefix + "scopes", scopes.replace(' ', ','));
        if (source != null) {
            p.put(prefix + "source", source);
        }
        if (patient != null) {
            p.put(prefix + "patient", patient);
        }
    }

    private static void route(Map<String, Object> p, int i, String path, String method, String access, String resource,
                              String permissions, String context, boolean sourceBound, boolean patientBound) {
        String prefix = "slotstream.security.routes[" + i + "].";
        p.put(prefix + "paths[0]", path);
        if (method != null) {
            p.put(prefix + "methods[0]", method);
        }
        if (access != null) {
            p.put(prefix + "access", access);
        }
        if (resource != null) {
            p.put(prefix + "resources[0]", resource);
            p.put(prefix + "permissions", permissions);
        }
        if (context != null) {
            p.put(prefix + "contexts[0]", context);
        }
        p.put(prefix + "source-bound", sourceBound);
        p.put(prefix + "patient-bound", patientBound);
    }

    @AfterAll
    static void stop() {
        if (resourceServer != null) {
            resourceServer.close();
        }
        if (authServer != null) {
            authServer.close();
        }
    }

    @Test
    void publishesSmartConfigurationAndJwks() throws Exception {
        HttpResponse<String> config = get(issuer + "/.well-known/smart-configuration", null);
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("\"token_endpoint\":\"" + issuer + "/oauth2/token\"")
                .contains("\"private_key_jwt\"").contains("\"RS384\"").contains("\"ES384\"").contains("client-confidential-asymmetric");
        HttpResponse<String> jwks = get(issuer + "/oauth2/jwks", null);
        assertThat(jwks.body()).contains("\"kid\":\"issuer-key\"").doesNotContain("\"d\":");
    }

    @Test
    void sourceClientWritesItsOwnSourceWithAnRs384Assertion() throws Exception {
        String token = token("ehr-a", ehrA, "system/Slot.cud");
        HttpResponse<String> put = send("PUT", api + "/fhir/Slot/s1", token, Map.of());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("source=ehr-a Slot/s1");
        assertThat(send("PUT", api + "/fhir/Slot/s1", token, Map.of("X-Slotstream-Source", "ehr-a")).statusCode()).isEqualTo(200);
    }

    @Test
    void sourceClientCannotWriteAnotherSource() throws Exception {
        String token = token("ehr-a", ehrA, "system/Slot.cud");
        HttpResponse<String> put = send("PUT", api + "/fhir/Slot/s1", token, Map.of("X-Slotstream-Source", "ehr-b"));
        assertForbidden(put, "bound to source 'ehr-a' and may not act for source 'ehr-b'");
    }

    @Test
    void clientBoundToNoSourceCannotWrite() throws Exception {
        assertForbidden(send("PUT", api + "/fhir/Slot/s1", token("unbound", unbound, "system/Slot.cud"), Map.of()),
                "bound to no source");
    }

    @Test
    void scopeOfAnotherTypeIsForbidden() throws Exception {
        String token = token("ehr-a", ehrA, "system/Schedule.cud");
        assertForbidden(send("PUT", api + "/fhir/Slot/s1", token, Map.of()), "needs Slot.cu");
        assertThat(send("PUT", api + "/fhir/Schedule/x", token, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void bookingClientWithEs384AssertionSearchesButCannotWriteSlots() throws Exception {
        String token = token("booking-app", booking, "system/Appointment.crus");
        HttpResponse<String> search = get(api + "/fhir/Appointment?patient=Patient/anyone", token);
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).isEqualTo("appointments of Patient/anyone");
        assertForbidden(send("PUT", api + "/fhir/Slot/s1", token, Map.of()), "Insufficient scope");
    }

    @Test
    void patientTokenSeesOnlyItsOwnAppointments() throws Exception {
        String token = token("patient-app", patientApp, "patient/Appointment.crus");
        assertThat(get(api + "/fhir/Appointment?patient=Patient/pat-1", token).statusCode()).isEqualTo(200);
        assertThat(get(api + "/fhir/Appointment?patient=pat-1", token).statusCode()).isEqualTo(200);
        assertForbidden(get(api + "/fhir/Appointment?patient=Patient/pat-2", token), "Patient/pat-1");
        assertForbidden(get(api + "/fhir/Appointment", token), "must name its own patient");
    }

    @Test
    void adminApiNeedsFeedScopes() throws Exception {
        assertThat(get(api + "/admin/feeds", token("feed-admin", admin, "system/Feed.cruds")).statusCode()).isEqualTo(200);
        assertForbidden(get(api + "/admin/feeds", token("ehr-a", ehrA, "system/Slot.cud")), "Feed.s");
    }

    @Test
    void tokenEndpointRefusesUnregisteredScopesForeignKeysAndReplays() throws Exception {
        assertThat(tokenResponse("ehr-a", ehrA, "system/Appointment.crus", assertion("ehr-a", ehrA)).body()).contains("invalid_scope");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("ehr-a-1").generate();
        HttpResponse<String> foreign = tokenResponse("ehr-a", stranger, "system/Slot.cud", assertion("ehr-a", stranger));
        assertThat(foreign.statusCode()).isEqualTo(401);
        assertThat(foreign.body()).contains("invalid_client");
        String once = assertion("ehr-a", ehrA);
        assertThat(tokenResponse("ehr-a", ehrA, "system/Slot.cud", once).statusCode()).isEqualTo(200);
        assertThat(tokenResponse("ehr-a", ehrA, "system/Slot.cud", once).statusCode()).isEqualTo(401);
    }

    @Test
    void missingTokenIs401WithBearerChallengeAndOutcome() throws Exception {
        HttpResponse<String> put = send("PUT", api + "/fhir/Slot/s1", null, Map.of());
        assertThat(put.statusCode()).isEqualTo(401);
        assertThat(put.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertOutcome(put, "login", "A bearer token is required");
    }

    @Test
    void expiredWrongAudienceAndWrongIssuerTokensAre401() throws Exception {
        Instant now = Instant.now();
        assertInvalid(signed(issuerKey, issuer, List.of("slotstream"), now.minusSeconds(600)), "expired");
        assertInvalid(signed(issuerKey, issuer, List.of("another-api"), now.plusSeconds(300)), "aud");
        assertInvalid(signed(issuerKey, "http://127.0.0.1:1", List.of("slotstream"), now.plusSeconds(300)), "iss");
        // Same claims, right key: accepted (the three above fail only for the claim they break).
        HttpResponse<String> accepted = send("PUT", api + "/fhir/Slot/s1", signed(issuerKey, issuer, List.of("slotstream"), now.plusSeconds(300)), Map.of());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void unsignedTamperedAndWrongKeyTokensAre401() throws Exception {
        Instant exp = Instant.now().plusSeconds(300);
        String none = new PlainJWT(claims(issuer, List.of("slotstream"), exp)).serialize();
        assertInvalid(none, null);
        String real = token("ehr-a", ehrA, "system/Slot.cud");
        String[] parts = real.split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("system/Slot.cud", "system/Slot.cruds");
        assertInvalid(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2], null);
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("issuer-key").generate();
        assertInvalid(signed(impostor, issuer, List.of("slotstream"), exp), null);
    }

    @Test
    void openRouteNeedsNoToken() throws Exception {
        HttpResponse<String> manifest = get(api + "/$bulk-publish", null);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).isEqualTo("manifest");
    }

    private static void assertInvalid(String token, String descriptionPart) throws Exception {
        HttpResponse<String> put = send("PUT", api + "/fhir/Slot/s1", token, Map.of());
        assertThat(put.statusCode()).isEqualTo(401);
        assertThat(put.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertOutcome(put, "login", descriptionPart == null ? "Invalid bearer token" : descriptionPart);
        assertThat(put.body()).doesNotContain(token);
    }

    private static void assertForbidden(HttpResponse<String> response, String reasonPart) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
        assertOutcome(response, "forbidden", reasonPart);
    }

    private static void assertOutcome(HttpResponse<String> response, String code, String diagnosticsPart) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/fhir+json"));
        assertThat(response.body()).startsWith("{\"resourceType\":\"OperationOutcome\"").contains("\"code\":\"" + code + "\"")
                .contains(diagnosticsPart);
    }

    private static String signed(RSAKey key, String iss, List<String> aud, Instant exp) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims(iss, aud, exp));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String iss, List<String> aud, Instant exp) {
        return new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("ehr-a").claim("client_id", "ehr-a").claim("slotstream_source", "ehr-a")
                .claim("scope", "system/Slot.cud").issueTime(Date.from(exp.minusSeconds(300))).expirationTime(Date.from(exp)).build();
    }

    private static String token(String clientId, JWK key, String scope) throws Exception {
        HttpResponse<String> response = tokenResponse(clientId, key, scope, assertion(clientId, key));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String assertion(String clientId, JWK key) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(issuer + "/oauth2/token")
                .expirationTime(Date.from(Instant.now().plusSeconds(120))).jwtID(UUID.randomUUID().toString()).build();
        boolean rsa = key instanceof RSAKey;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsa ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384)
                .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
        return jwt.serialize();
    }

    private static HttpResponse<String> tokenResponse(String clientId, JWK key, String scope, String assertion) throws Exception {
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
                + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion;
        return HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return send("GET", url, token, Map.of());
    }

    private static HttpResponse<String> send(String method, String url, String token, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
