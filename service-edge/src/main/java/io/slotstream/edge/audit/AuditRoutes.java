package io.slotstream.edge.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.UrlPathHelper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;
import java.util.Map;

/** The service's {@link AuditRoute}s, compiled: which request is audited, with its path variables. */
final class AuditRoutes {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private final List<Compiled> compiled;

    AuditRoutes(List<AuditRoute> routes) {
        PathPatternParser parser = new PathPatternParser();
        this.compiled = routes.stream().map(r -> new Compiled(r, r.paths().stream().map(parser::parse).toList())).toList();
    }

    boolean isEmpty() {
        return compiled.isEmpty();
    }

    /** @return the first route matching the request's method and path, or null when it is not audited */
    Match match(HttpServletRequest request) {
        PathContainer path = PathContainer.parsePath(PATHS.getPathWithinApplication(request));
        for (Compiled c : compiled) {
            if (!c.route().methods().isEmpty() && !c.route().methods().contains(request.getMethod())) {
                continue;
            }
            for (PathPattern pattern : c.patterns()) {
                PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
                if (info != null) {
                    return new Match(c.route(), info.getUriVariables());
                }
            }
        }
        return null;
    }

    /** A matched route and the values of its path variables. */
    record Match(AuditRoute route, Map<String, String> variables) {
    }

    private record Compiled(AuditRoute route, List<PathPattern> patterns) {
    }
}
