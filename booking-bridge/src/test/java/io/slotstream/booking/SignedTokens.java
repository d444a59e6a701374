package io.slotstream.booking;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * An issuer of real RS384-signed access tokens (RFC 9068 shape, as the auth-server mints them: {@code iss},
 * {@code aud}, {@code exp}, {@code client_id}, {@code scope}, and {@code patient} for patient-context tokens) whose
 * JWKS is served on loopback, so a service in token mode validates them with service-edge's real decoder (signature
 * from the JWKS, issuer, audience, expiry).
 */
final class SignedTokens implements AutoCloseable {

    static final String ISSUER = "https://auth.slotstream.test";
    static final String AUDIENCE = "slotstream";

    private final RSAKey key;
    private final HttpServer jwks;

    SignedTokens() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("test-issuer-" + UUID.randomUUID()).generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    /** @return the command-line settings that put a service in token mode against this issuer */
    String[] serviceSettings() {
        return new String[] {"--slotstream.security.mode=token", "--slotstream.security.issuer-uri=" + ISSUER,
                "--slotstream.security.jwk-set-uri=http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks",
                "--slotstream.security.audience=" + AUDIENCE};
    }

    /**
     * @param clientId the OAuth client
     * @param scope    space-separated SMART scopes
     * @param patient  the {@code patient} claim (a patient id), or null for a system token
     * @return a signed access token valid for five minutes
     */
    String token(String clientId, String scope, String patient) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(clientId)
                .claim("client_id", clientId).claim("scope", scope).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
        if (patient != null) {
            claims.claim("patient", patient);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Override
    public void close() {
        jwks.stop(0);
    }
}
