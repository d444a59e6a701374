package io.slotstream.edge.security.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A SMART Backend Services client: gets access tokens with {@code client_credentials} and a client assertion signed
 * with its private key (RS384 for an RSA key, ES384 for a P-384 key), and reuses a token until 30 s before it expires.
 * The token is never printed or logged. Used by the launcher's own clients and by the web pages' pass-through
 * (a backend for the browser: the pages never hold a token).
 */
public final class BackendServicesClient implements Supplier<String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String clientId;
    private final JWK key;
    private final String tokenUrl;
    private final String scope;
    private final HttpClient http;
    private String token;
    private Instant renewAt = Instant.MIN;

    /**
     * @param key      the client's private key (RSA or EC P-384), its {@code kid} registered with the server
     * @param tokenUrl the authorization server's token endpoint (also the assertion's {@code aud})
     * @param scope    the scopes to ask for, space separated
     * @param http     the HTTP client for the token endpoint (its TLS trust: {@code ServiceTls} in a service)
     */
    public BackendServicesClient(String clientId, JWK key, String tokenUrl, String scope, HttpClient http) {
        this.clientId = clientId;
        this.key = key;
        this.tokenUrl = tokenUrl;
        this.scope = scope;
        this.http = http;
    }

    /** Like the full constructor with a JDK HTTP client of the JVM's default TLS trust. */
    public BackendServicesClient(String clientId, JWK key, String tokenUrl, String scope) {
        this(clientId, key, tokenUrl, scope, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /**
     * @return a valid access token
     * @throws BackendServicesException when the authorization server refuses or cannot be reached
     */
    @Override
    public synchronized String get() {
        if (token == null || Instant.now().isAfter(renewAt)) {
            fetch();
        }
        return token;
    }

    private void fetch() {
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
                + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new BackendServicesException("the authorization server refused a token for client " + clientId + ": "
                        + response.statusCode() + " " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            token = body.path("access_token").asText();
            renewAt = Instant.now().plusSeconds(Math.max(0, body.path("expires_in").asLong(60) - 30));
        } catch (IOException e) {
            throw new BackendServicesException("authorization server unreachable at " + tokenUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendServicesException("interrupted", e);
        }
    }

    private String assertion() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(tokenUrl)
                .expirationTime(Date.from(Instant.now().plusSeconds(120))).jwtID(UUID.randomUUID().toString()).build();
        try {
            boolean rsa = key instanceof RSAKey;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsa ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(rsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new BackendServicesException("cannot sign the client assertion of " + clientId + ": " + e.getMessage(), e);
        }
    }
}
