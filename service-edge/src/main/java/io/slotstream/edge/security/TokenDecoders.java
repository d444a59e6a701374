package io.slotstream.edge.security;

import io.slotstream.edge.tls.ServiceTls;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The bearer-token decoder of token mode: signature checked with the issuer's JWKS (fetched lazily and cached, so a
 * service starts before its authorization server), asymmetric algorithms only (an unsigned {@code alg: none} or an
 * HMAC token never passes), then {@code iss} equal to the issuer, one accepted {@code aud}, {@code exp} present and
 * {@code exp}/{@code nbf} checked with the configured clock skew. The issuer's metadata and JWKS are fetched over the
 * service's client TLS ({@link ServiceTls}: the configured CA and the JVM's).
 */
final class TokenDecoders {

    private TokenDecoders() {
    }

    /** @throws IllegalStateException when token mode lacks the issuer */
    static JwtDecoder of(EdgeSecurityProperties p, ServiceTls tls) {
        if (p.issuerUri() == null || p.issuerUri().isBlank()) {
            throw new IllegalStateException("slotstream.security.mode=token needs slotstream.security.issuer-uri "
                    + "(SLOTSTREAM_SECURITY_ISSUER_URI), the authorization server's issuer; or set slotstream.security.mode=off");
        }
        NimbusJwtDecoder decoder = (p.jwkSetUri() == null || p.jwkSetUri().isBlank()
                ? NimbusJwtDecoder.withIssuerLocation(p.issuerUri()) : NimbusJwtDecoder.withJwkSetUri(p.jwkSetUri()))
                .jwsAlgorithms(algorithms -> algorithms.addAll(List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
                        SignatureAlgorithm.RS512, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512,
                        SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512)))
                .restOperations(new RestTemplate(new JdkClientHttpRequestFactory(tls.httpClient(Duration.ofSeconds(5)).build())))
                .build();
        decoder.setJwtValidator(validator(p));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> validator(EdgeSecurityProperties p) {
        List<String> audience = p.audience();
        return new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(p.clockSkew()),
                new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull),
                new JwtIssuerValidator(p.issuerUri()),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                        aud -> aud != null && aud.stream().anyMatch(audience::contains))));
    }
}
