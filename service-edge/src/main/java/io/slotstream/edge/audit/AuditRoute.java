package io.slotstream.edge.audit;

import java.util.List;

/**
 * One audited route of a service ({@code slotstream.audit.routes[*]}). Paths are Spring path patterns; the variables
 * {@code {type}} and {@code {id}} name the resource type and id (an {@code {id}} or {@code {type}} that starts with
 * {@code $} is an operation name, the FHIR REST URL grammar). What was done is derived from the HTTP method (see
 * {@link AuditRecords}).
 *
 * @param paths     path patterns, e.g. {@code /fhir/{type}/{id}}
 * @param methods   HTTP methods audited on them; empty = every method
 * @param resource  resource type when the path has no {@code {type}}, e.g. {@code Feed} for the feed admin API
 * @param operation operation name when the route is one (e.g. {@code poll}); else taken from a {@code $} segment
 */
public record AuditRoute(List<String> paths, List<String> methods, String resource, String operation) {

    public AuditRoute {
        paths = paths == null ? List.of() : List.copyOf(paths);
        methods = methods == null ? List.of() : methods.stream().map(String::toUpperCase).toList();
    }
}
