package io.slotstream.edge.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code slotstream.security.*}: how every service authenticates and authorizes HTTP requests (issue 16, README
 * "Security"). Production default: {@code mode=token}, which needs {@code issuer-uri} (and usually
 * {@code jwk-set-uri}) and the {@code audience} the tokens are minted for.
 *
 * @param mode            {@code token} (bearer JWTs, SMART scopes) or {@code off} (everything open: tests, a
 *                        stack behind another gateway)
 * @param issuerUri       the authorization server's issuer ({@code iss} must equal it)
 * @param jwkSetUri       where its signing keys are; default: discovered from the issuer's metadata
 * @param audience        accepted {@code aud} values (one must be in the token)
 * @param clockSkew       tolerance on {@code exp}/{@code nbf}
 * @param clientSources   client id -> the source it may write for (wins over the {@code source-claim})
 * @param sourceClaim     token claim naming the client's source (Slotstream's authorization server sets it)
 * @param patientClaim    token claim naming the patient of a patient-context token (SMART launch context)
 * @param searchAccess    routes with {@code access: search}: {@code open} or {@code token}
 * @param routes          the service's access rules (each service's application.yml), first match wins
 */
@ConfigurationProperties("slotstream.security")
public record EdgeSecurityProperties(@DefaultValue("token") Mode mode, String issuerUri, String jwkSetUri,
                                     @DefaultValue("slotstream") List<String> audience,
                                     @DefaultValue("60s") Duration clockSkew,
                                     Map<String, String> clientSources,
                                     @DefaultValue("slotstream_source") String sourceClaim,
                                     @DefaultValue("patient") String patientClaim,
                                     @DefaultValue("open") SearchAccess searchAccess,
                                     List<AccessRule> routes) {

    /** Whether requests are checked at all. */
    public enum Mode { OFF, TOKEN }

    /** Whether {@code access: search} routes need a token. */
    public enum SearchAccess { OPEN, TOKEN }

    public EdgeSecurityProperties {
        clientSources = clientSources == null ? Map.of() : Map.copyOf(clientSources);
        routes = routes == null ? List.of() : List.copyOf(routes);
        audience = List.copyOf(audience);
    }
}
