package io.slotstream.edge.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Clock;

/**
 * Records every request that matches an audited route once it is answered, whatever the answer (401/403 from request
 * security included: the filter runs before Spring Security's chain). The request itself is never delayed or changed:
 * the event is queued to the {@link AuditEventSender}.
 */
public final class AuditFilter extends OncePerRequestFilter {

    private final String service;
    private final AuditRoutes routes;
    private final AuditEventSender sender;
    private final Clock clock;

    AuditFilter(String service, AuditRoutes routes, AuditEventSender sender, Clock clock) {
        this.service = service;
        this.routes = routes;
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AuditRoutes.Match match = routes.match(request);
        if (match == null) {
            chain.doFilter(request, response);
            return;
        }
        int status = 500;
        try {
            chain.doFilter(request, response);
            status = response.getStatus();
        } finally {
            String location = response.getHeader("Location");
            sender.send(AuditRecords.record(service, request, match, status,
                    location != null ? location : response.getHeader("Content-Location"), clock.instant()));
        }
    }
}
