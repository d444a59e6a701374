package io.slotstream.edge.limit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.UrlPathHelper;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import java.util.List;

/** Whether a request's method and path are among the limited ones. */
record RequestMatcher(List<PathPattern> patterns, List<String> methods) {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    static RequestMatcher of(List<String> paths, List<String> methods) {
        PathPatternParser parser = new PathPatternParser();
        return new RequestMatcher(paths.stream().map(parser::parse).toList(), List.copyOf(methods));
    }

    boolean matches(HttpServletRequest request) {
        if (!methods.contains(request.getMethod().toUpperCase())) {
            return false;
        }
        PathContainer path = PathContainer.parsePath(PATHS.getPathWithinApplication(request));
        return patterns.stream().anyMatch(p -> p.matches(path));
    }
}
