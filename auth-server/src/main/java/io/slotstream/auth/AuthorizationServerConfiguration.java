package io.slotstream.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

import java.text.ParseException;
import java.util.UUID;

/**
 * Spring Authorization Server set up for SMART Backend Services: the token endpoint ({@code /oauth2/token}), the JWKS
 * ({@code /oauth2/jwks}) and RFC 8414 metadata; only {@code client_credentials} with {@code private_key_jwt}. Access
 * tokens are signed JWTs (RS256 with the server's key) carrying {@code aud} (the configured audience),
 * {@code client_id}, {@code scope} and, when registered, {@code slotstream_source} and {@code patient}.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http) throws Exception {
        ClientAssertionDecoders assertions = new ClientAssertionDecoders();
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.clientAuthentication(c -> c.authenticationConverters(converters -> converters.addFirst(new ClientAssertionConverter()))
                            .authenticationProviders(providers -> providers.forEach(p -> {
                        if (p instanceof JwtClientAssertionAuthenticationProvider jwt) {
                            jwt.setJwtDecoderFactory(assertions);
                        }
                    })));
                })
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }

    /** Discovery documents and probes are public; nothing else is served. */
    @Bean
    @Order(2)
    SecurityFilterChain publicChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
                        .requestMatchers("/.well-known/smart-configuration", "/actuator/health", "/actuator/health/**", "/error").permitAll()
                        .anyRequest().denyAll())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable());
        return http.build();
    }

    @Bean
    RegisteredClientRepository registeredClients(AuthServerProperties properties) {
        return ClientRegistrations.of(properties);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(AuthServerProperties properties) {
        if (properties.issuer() == null || properties.issuer().isBlank()) {
            throw new IllegalArgumentException("slotstream.auth.issuer is required (the URL clients and resource servers know this server by)");
        }
        return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
    }

    @Bean
    JWKSource<SecurityContext> signingKeys(AuthServerProperties properties) throws Exception {
        JWK key;
        if (properties.signingKey() != null && !properties.signingKey().isBlank()) {
            try {
                key = JWK.parse(properties.signingKey());
            } catch (ParseException e) {
                throw new IllegalArgumentException("slotstream.auth.signing-key is not a JWK: " + e.getMessage(), e);
            }
        } else {
            RSAKey generated = new RSAKeyGenerator(3072).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
            key = generated;
        }
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /** Access tokens are self-contained JWTs: nothing is stored (no growth; no introspection or revocation here). */
    @Bean
    OAuth2AuthorizationService statelessAuthorizations() {
        return new OAuth2AuthorizationService() {
            @Override
            public void save(OAuth2Authorization authorization) {
            }

            @Override
            public void remove(OAuth2Authorization authorization) {
            }

            @Override
            public OAuth2Authorization findById(String id) {
                return null;
            }

            @Override
            public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
                return null;
            }
        };
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims(AuthServerProperties properties) {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            var client = context.getRegisteredClient();
            context.getJwsHeader().algorithm(SignatureAlgorithm.RS256);
            context.getClaims().audience(properties.audience()).claim("client_id", client.getClientId());
            String source = client.getClientSettings().getSetting(ClientRegistrations.SOURCE);
            if (source != null) {
                context.getClaims().claim("slotstream_source", source);
            }
            String patient = client.getClientSettings().getSetting(ClientRegistrations.PATIENT);
            if (patient != null) {
                context.getClaims().claim("patient", patient);
            }
        };
    }
}
