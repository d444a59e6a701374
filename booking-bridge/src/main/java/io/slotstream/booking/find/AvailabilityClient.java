package io.slotstream.booking.find;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.edge.tls.ServiceTls;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * availability-service's public FHIR API as booking-bridge uses it: Slot search (the data of {@code $find}), Slot read,
 * and Schedule / PractitionerRole / HealthcareService / Location searches to turn participant parameters into
 * Schedule ids. JSON over HTTP(S) with the services' TLS trust, parsed with HAPI.
 */
@Component
public class AvailabilityClient {

    private static final Logger log = LoggerFactory.getLogger(AvailabilityClient.class);

    /** Largest page availability-service serves. */
    static final int MAX_PAGE = 1000;

    private final URI base;
    private final IParser parser;
    private final HttpClient http;

    public AvailabilityClient(BookingBridgeProperties properties, FhirContext fhir, ServiceTls tls) {
        this.http = tls.httpClient(Duration.ofSeconds(5)).build();
        String url = properties.availabilityUrl().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.parser = fhir.newJsonParser();
    }

    /**
     * @param params search parameters (repeated keys: a list per key, each value used as given)
     * @return the searchset Bundle
     * @throws AvailabilityException when availability-service answers with an error or cannot be reached
     */
    public Bundle search(String type, Map<String, List<String>> params) {
        String query = params.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        return (Bundle) get("fhir/" + type + (query.isEmpty() ? "" : "?" + query)).orElseThrow(
                () -> failure(404, "availability-service has no " + type + " search"));
    }

    /** @return the Slot with that canonical id (effective status), or empty when unknown */
    public Optional<Slot> slot(String id) {
        return get("fhir/Slot/" + enc(id)).map(Slot.class::cast);
    }

    /** @return the ids of all resources of a search, following pages (at most 10 pages of {@value #MAX_PAGE}) */
    public List<String> ids(String type, Map<String, List<String>> params) {
        List<String> ids = new ArrayList<>();
        for (int page = 0; page < 10; page++) {
            Map<String, List<String>> paged = new java.util.LinkedHashMap<>(params);
            paged.put("_count", List.of(String.valueOf(MAX_PAGE)));
            paged.put("_offset", List.of(String.valueOf(page * MAX_PAGE)));
            Bundle bundle = search(type, paged);
            bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .map(r -> r.getIdElement().getIdPart()).forEach(ids::add);
            if (bundle.getEntry().size() < MAX_PAGE) {
                break;
            }
        }
        return ids;
    }

    private Optional<Resource> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/fhir+json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw failure(503, "availability-service unreachable at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(503, "interrupted while calling availability-service");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw failure(response.statusCode(), "availability-service answered "
                    + response.statusCode() + " to GET /" + path + ": " + abbreviate(response.body()));
        }
        return Optional.of((Resource) parser.parseResource(response.body()));
    }

    /** The failure as the caller gets it; the detail (internal URL, status, body) goes to this log only. */
    private static AvailabilityException failure(int status, String detail) {
        log.warn("{}", detail);
        return new AvailabilityException(status, detail);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /**
     * availability-service failed: answered to the caller as 503 with {@code Retry-After} ({@value #RETRY_AFTER_SECONDS}
     * s) when it is unreachable or answered 5xx (the slot view is restoring or restarting), else 502 (it refused a
     * query booking-bridge built). The OperationOutcome does not name the internal URL; the log does.
     */
    public static final class AvailabilityException extends BaseServerResponseException {
        public static final int RETRY_AFTER_SECONDS = 5;
        private final int status;

        /** @param status availability-service's HTTP status, 503 when it could not be reached */
        public AvailabilityException(int status, String message) {
            super(status >= 500 ? 503 : 502, message, OperationOutcomes.of(OperationOutcome.IssueSeverity.ERROR,
                    status >= 500 ? OperationOutcome.IssueType.TRANSIENT : OperationOutcome.IssueType.EXCEPTION,
                    status >= 500 ? "Slot availability cannot be read right now; retry in a few seconds"
                            : "Slot availability refused the query derived from this request (" + status + ")", null));
            this.status = status;
            if (status >= 500) {
                addResponseHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            }
        }

        /** @return availability-service's HTTP status (503 when unreachable) */
        public int status() {
            return status;
        }
    }
}
