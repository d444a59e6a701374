package io.slotstream.auth;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /.well-known/smart-configuration} (SMART App Launch 2.x, "Conformance"): what a SMART Backend Services
 * client needs to find the token endpoint and how to authenticate there.
 */
@RestController
class SmartConfigurationController {

    private final AuthServerProperties properties;

    SmartConfigurationController(AuthServerProperties properties) {
        this.properties = properties;
    }

    @GetMapping(path = "/.well-known/smart-configuration", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> smartConfiguration() {
        String issuer = properties.issuer().replaceAll("/+$", "");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", issuer + "/oauth2/jwks");
        doc.put("token_endpoint", issuer + "/oauth2/token");
        doc.put("grant_types_supported", List.of("client_credentials"));
        doc.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
        doc.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
        doc.put("scopes_supported", properties.clients().stream().flatMap(c -> c.scopes().stream()).distinct().sorted().toList());
        doc.put("capabilities", List.of("client-confidential-asymmetric", "permission-v2", "permission-v1"));
        return doc;
    }
}
