package io.slotstream.edge.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * {@code slotstream.audit.*}: which HTTP interactions a service records on {@code audit.events.v1} (README
 * "Security", "Audit trail").
 *
 * @param enabled       whether the service audits at all (default true; a service without routes audits nothing)
 * @param routes        the audited routes (each service's application.yml), first match wins
 * @param queueCapacity events waiting to be sent; when full, further events are dropped, logged and counted
 *                      ({@code slotstream_audit_events_total{outcome="dropped"}}) rather than slowing requests
 */
@ConfigurationProperties("slotstream.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled, List<AuditRoute> routes,
                              @DefaultValue("10000") int queueCapacity) {

    public AuditProperties {
        routes = routes == null ? List.of() : List.copyOf(routes);
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("slotstream.audit.queue-capacity must be at least 1, was " + queueCapacity);
        }
    }
}
