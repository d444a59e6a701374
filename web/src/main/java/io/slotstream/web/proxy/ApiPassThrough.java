package io.slotstream.web.proxy;

import io.slotstream.edge.security.client.BackendServicesException;
import io.slotstream.web.WebProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Same-origin pass-through to the services' public APIs, so the pages (and any browser client following them as an
 * example) need no CORS: {@code /api/<service><public path>} forwards method, query, body and the FHIR-relevant
 * headers unchanged to {@code <service base><public path>} and answers what the service answered.
 *
 * <p>Only public, read-or-book paths are reachable: availability-service {@code GET /fhir/...}; booking-bridge
 * {@code GET|POST /fhir/...} and {@code GET /booking/requests/...}; ingest-service {@code GET /admin/feeds[/{source}]}
 * (read only: subscribing and polling stay admin actions); publish-service {@code GET /$bulk-publish}. Anything else
 * answers 404. An unreachable service answers 502, a slow one 504, both with a JSON {@code error}. Calls to the
 * protected APIs carry web's own token ({@link ServiceCredentials}, renewed and sent once more when a service refuses it
 * with 401); a browser's {@code Authorization} is not forwarded.
 */
@RestController
public class ApiPassThrough {

    private record Route(URI base, Pattern path, List<String> methods) {
    }

    private static final List<String> REQUEST_HEADERS = List.of(HttpHeaders.ACCEPT, HttpHeaders.CONTENT_TYPE,
            "X-Request-Id", "Prefer", HttpHeaders.IF_NONE_MATCH);
    private static final List<String> RESPONSE_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LOCATION,
            HttpHeaders.RETRY_AFTER, HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED, HttpHeaders.LOCATION);

    private final Map<String, Route> routes;
    private final WebProperties properties;
    private final ServiceCredentials credentials;
    private final tools.jackson.databind.json.JsonMapper json;

    public ApiPassThrough(WebProperties properties, ServiceCredentials credentials,
                          tools.jackson.databind.json.JsonMapper json) {
        this.properties = properties;
        this.credentials = credentials;
        this.json = json;
        this.routes = Map.of(
                "availability", new Route(properties.availabilityUrl(), Pattern.compile("/fhir/.+"), List.of("GET")),
                "booking", new Route(properties.bookingUrl(), Pattern.compile("/fhir/.+|/booking/requests/[^/]+"),
                        List.of("GET", "POST")),
                "ingest", new Route(properties.ingestUrl(), Pattern.compile("/admin/feeds(/[A-Za-z0-9-]+)?"), List.of("GET")),
                "publish", new Route(properties.publishUrl(), Pattern.compile("/(\\$|%24)bulk-publish"), List.of("GET")));
    }

    @RequestMapping(path = "/api/{service}/**", method = {RequestMethod.GET, RequestMethod.POST})
    public ResponseEntity<byte[]> forward(@PathVariable String service, HttpServletRequest request) throws IOException {
        Route route = routes.get(service);
        String prefix = request.getContextPath() + "/api/" + service;
        String path = request.getRequestURI().substring(prefix.length());
        if (route == null || !route.path().matcher(path).matches() || !route.methods().contains(request.getMethod())) {
            return error(HttpStatus.NOT_FOUND, request.getMethod() + " " + path + " of '" + service
                    + "' is not a public API this pass-through forwards");
        }
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(route.base().toString().replaceAll("/$", "") + path + query))
                .timeout(properties.proxyTimeout());
        for (String name : REQUEST_HEADERS) {
            String value = request.getHeader(name);
            if (value != null) {
                out.header(name, value);
            }
        }
        out.method(request.getMethod(), request.getMethod().equals("POST")
                ? HttpRequest.BodyPublishers.ofByteArray(request.getInputStream().readAllBytes())
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<byte[]> answer;
        try {
            answer = credentials.send(service, out, HttpResponse.BodyHandlers.ofByteArray());
        } catch (BackendServicesException e) {
            return error(HttpStatus.BAD_GATEWAY, "no token for " + service + ": " + e.getMessage());
        } catch (HttpTimeoutException e) {
            return error(HttpStatus.GATEWAY_TIMEOUT, service + " did not answer within " + properties.proxyTimeout());
        } catch (IOException e) {
            return error(HttpStatus.BAD_GATEWAY, service + " is not reachable at " + route.base() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        }
        HttpHeaders headers = new HttpHeaders();
        for (String name : RESPONSE_HEADERS) {
            answer.headers().allValues(name).forEach(v -> headers.add(name, v));
        }
        headers.setCacheControl("no-store");
        return new ResponseEntity<>(answer.body(), headers, answer.statusCode());
    }

    private ResponseEntity<byte[]> error(HttpStatus status, String message) {
        byte[] body = json.writeValueAsBytes(Map.of("error", message));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
