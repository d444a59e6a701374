package io.slotstream.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies client assertions (SMART Backend Services, "Authenticating to the token endpoint"): signed RS384 or ES384
 * with a key of the client's registered JWK Set (inline or from its {@code jwks-url}); {@code iss} = {@code sub} =
 * the client id, {@code aud} the token endpoint, {@code exp} present (Spring Authorization Server's checks), and a
 * {@code jti} not seen before while the assertion is valid (replay protection).
 */
final class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

    private final Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();
    private final Map<String, Instant> seenJti = new ConcurrentHashMap<>();

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        return decoders.computeIfAbsent(client.getId(), id -> build(client));
    }

    private JwtDecoder build(RegisteredClient client) {
        String inline = client.getClientSettings().getSetting(ClientRegistrations.JWKS);
        NimbusJwtDecoder decoder;
        if (inline != null) {
            try {
                decoder = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(JWKSet.parse(inline)))
                        .jwsAlgorithms(a -> a.addAll(List.of(SignatureAlgorithm.RS384, SignatureAlgorithm.ES384))).build();
            } catch (ParseException e) {
                throw new IllegalArgumentException("client '" + client.getClientId() + "': jwks is not a JWK Set: " + e.getMessage(), e);
            }
        } else {
            decoder = NimbusJwtDecoder.withJwkSetUri(client.getClientSettings().getJwkSetUrl())
                    .jwsAlgorithms(a -> a.addAll(List.of(SignatureAlgorithm.RS384, SignatureAlgorithm.ES384))).build();
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client), this::unseenJti));
        return decoder;
    }

    private OAuth2TokenValidatorResult unseenJti(Jwt assertion) {
        Instant now = Instant.now();
        seenJti.values().removeIf(exp -> exp.isBefore(now));
        String jti = assertion.getId();
        if (jti == null || jti.isBlank()) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_client", "The client assertion has no jti", null));
        }
        Instant exp = assertion.getExpiresAt() == null ? now.plusSeconds(300) : assertion.getExpiresAt();
        if (seenJti.putIfAbsent(assertion.getClaimAsString("iss") + " " + jti, exp) != null) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_client", "The client assertion's jti was already used", null));
        }
        return OAuth2TokenValidatorResult.success();
    }
}
