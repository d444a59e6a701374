package io.slotstream.edge.security;

import java.util.List;
import java.util.Set;

/**
 * What one group of HTTP routes requires ({@code slotstream.security.routes[n]}). The first rule whose {@code paths}
 * and {@code methods} match a request decides; a request no rule matches needs a valid token and no scope.
 *
 * @param paths       Spring path patterns ({@code /fhir/{type}/{id}}, {@code /admin/**}); a {@code {type}} variable
 *                    can be named in {@code resources}
 * @param methods     HTTP methods; empty means every method
 * @param access      {@code open} (no token), {@code token}, or {@code search} (open or token as
 *                    {@code slotstream.security.search-access} says)
 * @param resources   FHIR resource types (or {@code {type}} from the path) the request touches; every one must be granted
 * @param permissions the SMART v2 letters every resource needs ({@code cruds}); empty with resources: any one letter
 * @param contexts    the scope contexts accepted ({@code system}, {@code user}, {@code patient}); default all three
 * @param sourceBound the caller must be bound to a source (client -> source) and may act for that source only
 * @param patientBound a patient-context caller may only name its own patient (the {@code patient} query parameter)
 */
public record AccessRule(List<String> paths, List<String> methods, Access access, List<String> resources,
                         String permissions, Set<String> contexts, boolean sourceBound, boolean patientBound) {

    /** How a route is reached. */
    public enum Access { OPEN, TOKEN, SEARCH }

    public AccessRule {
        paths = paths == null ? List.of() : List.copyOf(paths);
        methods = methods == null ? List.of() : methods.stream().map(String::toUpperCase).toList();
        access = access == null ? Access.TOKEN : access;
        resources = resources == null ? List.of() : List.copyOf(resources);
        permissions = permissions == null ? "" : permissions;
        contexts = contexts == null || contexts.isEmpty() ? Set.of("system", "user", "patient") : Set.copyOf(contexts);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("slotstream.security.routes: every rule needs at least one path");
        }
        if (!permissions.matches("[cruds]*")) {
            throw new IllegalArgumentException("slotstream.security.routes: permissions must be SMART v2 letters among "
                    + "'cruds', was '" + permissions + "' (paths " + paths + ")");
        }
    }

    /** An open rule for {@code paths} (any method). */
    public static AccessRule open(String... paths) {
        return new AccessRule(List.of(paths), List.of(), Access.OPEN, List.of(), "", Set.of(), false, false);
    }
}
