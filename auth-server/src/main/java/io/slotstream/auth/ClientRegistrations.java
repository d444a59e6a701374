package io.slotstream.auth;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

import java.time.Duration;
import java.util.List;

/**
 * The configured clients as Spring Authorization Server registrations: {@code client_credentials} only,
 * authenticated by {@code private_key_jwt} (SMART Backend Services), with their scopes, source and patient kept in
 * the client settings for the token claims.
 */
final class ClientRegistrations {

    static final String JWKS = "slotstream.jwks";
    static final String SOURCE = "slotstream.source";
    static final String PATIENT = "slotstream.patient";

    private ClientRegistrations() {
    }

    /** @throws IllegalArgumentException naming the client whose registration is incomplete */
    static InMemoryRegisteredClientRepository of(AuthServerProperties properties) {
        if (properties.clients().isEmpty()) {
            throw new IllegalArgumentException("slotstream.auth.clients is empty: register at least one client (README \"Security\")");
        }
        List<RegisteredClient> clients = properties.clients().stream().map(c -> of(c, properties.tokenTtl())).toList();
        return new InMemoryRegisteredClientRepository(clients);
    }

    private static RegisteredClient of(AuthServerProperties.Client c, Duration ttl) {
        if (c.clientId() == null || c.clientId().isBlank()) {
            throw new IllegalArgumentException("slotstream.auth.clients: a client has no client-id");
        }
        boolean inline = c.jwks() != null && !c.jwks().isBlank();
        boolean url = c.jwksUrl() != null && !c.jwksUrl().isBlank();
        if (inline == url) {
            throw new IllegalArgumentException("slotstream.auth.clients '" + c.clientId() + "': give exactly one of jwks (a JWK Set) or jwks-url");
        }
        if (c.scopes().isEmpty()) {
            throw new IllegalArgumentException("slotstream.auth.clients '" + c.clientId() + "': no scopes");
        }
        ClientSettings.Builder settings = ClientSettings.builder()
                .tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384);
        if (url) {
            settings.jwkSetUrl(c.jwksUrl());
        } else {
            settings.setting(JWKS, c.jwks());
        }
        if (c.source() != null && !c.source().isBlank()) {
            settings.setting(SOURCE, c.source());
        }
        if (c.patient() != null && !c.patient().isBlank()) {
            settings.setting(PATIENT, c.patient());
        }
        return RegisteredClient.withId(c.clientId())
                .clientId(c.clientId())
                .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(c.scopes()))
                .clientSettings(settings.build())
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(ttl).build())
                .build();
    }
}
