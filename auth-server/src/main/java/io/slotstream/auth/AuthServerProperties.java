package io.slotstream.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code slotstream.auth.*}: the issuer, what its access tokens say, and the registered clients.
 *
 * @param issuer      the issuer URL ({@code iss} of every token; the resource servers' {@code issuer-uri})
 * @param audience    the {@code aud} of every access token (the resource servers' {@code audience})
 * @param tokenTtl    access token lifetime (SMART Backend Services: at most 5 minutes)
 * @param signingKey  the token signing key as a private JWK (JSON); blank: an RSA key made at start (tokens then do
 *                    not survive a restart, which is fine for the local stack and tests)
 * @param clients     the registered clients
 */
@ConfigurationProperties("slotstream.auth")
public record AuthServerProperties(String issuer, @DefaultValue("slotstream") List<String> audience,
                                   @DefaultValue("5m") Duration tokenTtl, String signingKey, List<Client> clients) {

    public AuthServerProperties {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /**
     * One SMART Backend Services client.
     *
     * @param clientId  {@code client_id}; also {@code iss} and {@code sub} of its assertions
     * @param jwks      its public keys as a JWK Set (JSON), or blank when {@code jwksUrl} is given
     * @param jwksUrl   where its public keys are published (SMART's {@code jwks_uri} registration)
     * @param scopes    the scopes it may be granted, e.g. {@code system/Slot.cud}
     * @param source    the source it writes for (claim {@code slotstream_source}), or blank
     * @param patient   the patient it acts for (claim {@code patient}, patient-context scopes), or blank
     */
    public record Client(String clientId, String jwks, String jwksUrl, List<String> scopes, String source, String patient) {
        public Client {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }
}
