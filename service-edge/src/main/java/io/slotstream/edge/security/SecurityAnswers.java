package io.slotstream.edge.security;

import io.slotstream.edge.outcome.OperationOutcomes;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * The 401 and 403 answers: the RFC 6750 {@code WWW-Authenticate: Bearer ...} header (from Spring Security's bearer
 * handlers) and a FHIR {@code OperationOutcome} body ({@code application/fhir+json}) saying why. The reason never
 * repeats the token.
 */
final class SecurityAnswers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint entryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler deniedHandler = new BearerTokenAccessDeniedHandler();

    SecurityAnswers(String realm) {
        entryPoint.setRealmName(realm);
        deniedHandler.setRealmName(realm);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        entryPoint.commence(request, response, e);
        String reason = e instanceof OAuth2AuthenticationException o && o.getError().getDescription() != null
                ? "Invalid bearer token: " + o.getError().getDescription()
                : "A bearer token is required: 'Authorization: Bearer <access token>' from the configured authorization server";
        write(response, HttpServletResponse.SC_UNAUTHORIZED, IssueType.LOGIN, reason);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        deniedHandler.handle(request, response, e);
        SmartAccessManager.Denial denial = e instanceof AuthorizationDeniedException d
                && d.getAuthorizationResult() instanceof SmartAccessManager.Denial r ? r : null;
        write(response, HttpServletResponse.SC_FORBIDDEN, IssueType.FORBIDDEN,
                denial != null ? denial.reason() : "Access denied", denial != null ? denial.expression() : null);
    }

    private static void write(HttpServletResponse response, int status, IssueType code, String diagnostics) throws IOException {
        write(response, status, code, diagnostics, null);
    }

    private static void write(HttpServletResponse response, int status, IssueType code, String diagnostics,
                              String expression) throws IOException {
        OperationOutcomes.write(response, status, OperationOutcomes.error(code, diagnostics, expression));
    }
}
