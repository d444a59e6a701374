package io.slotstream.auth;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@code private_key_jwt} client assertion from a token request that, as SMART Backend Services allows
 * (RFC 7523 section 3), names the client only inside the assertion ({@code sub}): Spring Authorization Server's own
 * converter insists on a {@code client_id} parameter. The assertion is verified afterwards, as usual, by the client
 * authentication provider; here only its {@code sub} is read to find the registration.
 */
final class ClientAssertionConverter implements AuthenticationConverter {

    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @Override
    public Authentication convert(HttpServletRequest request) {
        String type = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE);
        String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
        if (!JWT_BEARER.equals(type) || assertion == null || assertion.isBlank()) {
            return null;
        }
        String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
        if (clientId == null || clientId.isBlank()) {
            try {
                clientId = JWTParser.parse(assertion).getJWTClaimsSet().getSubject();
            } catch (ParseException e) {
                clientId = null;
            }
        }
        if (clientId == null || clientId.isBlank()) {
            throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "client_assertion is not a JWT naming the client in 'sub'", null));
        }
        Map<String, Object> parameters = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (!name.equals(OAuth2ParameterNames.CLIENT_ASSERTION) && !name.equals(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE)
                    && !name.equals(OAuth2ParameterNames.CLIENT_ID)) {
                parameters.put(name, values.length == 1 ? values[0] : values);
            }
        });
        // The provider expects the assertion type as the method and then checks it against the registration.
        return new OAuth2ClientAuthenticationToken(clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, parameters);
    }
}
