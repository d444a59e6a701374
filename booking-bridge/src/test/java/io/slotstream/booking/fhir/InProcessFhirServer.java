package io.slotstream.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.sun.net.httpserver.HttpServer;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.booking.find.AvailabilityClient;
import io.slotstream.booking.find.FindService;
import io.slotstream.booking.find.ProposalCache;
import io.slotstream.schemas.booking.BookingRulebook;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletConfig;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * booking-bridge's real FHIR server ({@link FhirServerConfiguration#server}: {@link SchedulingOperations},
 * {@link AppointmentSearch}, its interceptors) called in-process with mock servlet requests, over an empty
 * availability-service (a loopback HTTP stub: every search is an empty searchset, every read 404) and an empty
 * appointment view. No request reaches the decision point (no proposal or held appointment exists), so no broker is
 * needed: what runs is the parameter parsing and validation of {@code $find}, {@code $hold}, {@code $book} and search.
 */
final class InProcessFhirServer implements AutoCloseable {

    /** An answer: status and body; {@code flushes}: how often the servlet flushed the body writer (each one a send). */
    record Answer(int status, String body, java.util.Map<String, String> headers, int flushes) {
    }

    private static final String EMPTY_SEARCHSET = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":0}";
    private static final String NOT_FOUND = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
            + "\"code\":\"not-found\",\"diagnostics\":\"unknown\"}]}";

    private final HttpServer availability;
    private final RestfulServer server;

    private InProcessFhirServer(HttpServer availability, RestfulServer server) {
        this.availability = availability;
        this.server = server;
    }

    private static InProcessFhirServer shared;

    /** @return one server per test JVM (started on first use, stopped at JVM exit) */
    static synchronized InProcessFhirServer shared() throws Exception {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    static InProcessFhirServer start() throws Exception {
        HttpServer availability = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        availability.createContext("/", exchange -> {
            // /fhir/Type is a search, /fhir/Type/id a read
            boolean read = exchange.getRequestURI().getPath().split("/").length > 3;
            byte[] body = (read ? NOT_FOUND : EMPTY_SEARCHSET).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
            exchange.sendResponseHeaders(read ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        availability.start();
        FhirContext fhir = FhirContext.forR4Cached();
        BookingBridgeProperties properties = new BookingBridgeProperties(
                URI.create("http://127.0.0.1:" + availability.getAddress().getPort()), null, Duration.ofSeconds(1),
                null, null, 0);
        ProposalCache proposals = new ProposalCache(properties);
        AvailabilityClient client = new AvailabilityClient(properties, fhir, io.slotstream.edge.tls.ServiceTls.jvmDefault(false));
        AppointmentView view = new AppointmentView();
        AppointmentRenderer renderer = new AppointmentRenderer();
        Outcomes outcomes = new Outcomes();
        // no publisher and no upstream: a request that got as far as a decision would fail loudly (a 500)
        SchedulingOperations operations = new SchedulingOperations(
                new FindService(client, proposals, new BookingRulebook(null, Map.of())), proposals, client, view,
                new BookingService(null, outcomes, properties), outcomes, new OutcomeBundles(view, renderer), renderer,
                properties, null);
        RestfulServer server = FhirServerConfiguration.server(fhir, operations, new AppointmentSearch(view, renderer));
        server.init(new MockServletConfig("fhir"));
        return new InProcessFhirServer(availability, server);
    }

    /** {@code GET /fhir/<pathAndQuery>}; the query as it would be sent (percent-encoded). */
    Answer get(String pathAndQuery) throws IOException {
        return call("GET", pathAndQuery, null);
    }

    /** {@code POST /fhir/<path>} with an {@code application/fhir+json} body. */
    Answer post(String pathAndQuery, byte[] body) throws IOException {
        return call("POST", pathAndQuery, body);
    }

    private Answer call(String method, String pathAndQuery, byte[] body) throws IOException {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/fhir/" + path);
        request.setServletPath("/fhir");
        request.setPathInfo("/" + path);
        request.setServerName("localhost");
        request.setServerPort(8084);
        if (q >= 0) {
            String query = pathAndQuery.substring(q + 1);
            request.setQueryString(query);
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                request.addParameter(decode(eq < 0 ? pair : pair.substring(0, eq)),
                        eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        request.addHeader("Accept", "application/fhir+json");
        if (body != null) {
            request.setContentType("application/fhir+json");
            request.setCharacterEncoding("UTF-8");
            request.setContent(body);
        }
        int[] flushes = {0};
        MockHttpServletResponse response = new MockHttpServletResponse() {
            private java.io.PrintWriter counting;

            @Override
            public java.io.PrintWriter getWriter() throws java.io.UnsupportedEncodingException {
                if (counting == null) {
                    java.io.PrintWriter target = super.getWriter();
                    counting = new java.io.PrintWriter(target) {
                        @Override
                        public void flush() {
                            flushes[0]++;
                            target.flush();
                        }
                    };
                }
                return counting;
            }
        };
        try {
            server.service(request, response);
        } catch (jakarta.servlet.ServletException e) {
            throw new IOException(e);
        }
        java.util.Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.getHeaderNames().forEach(h -> headers.put(h, response.getHeader(h)));
        return new Answer(response.getStatus(), response.getContentAsString(StandardCharsets.UTF_8), headers, flushes[0]);
    }

    /** Stops the stand-in availability-service: every later call to it fails to connect. */
    void stopAvailability() {
        availability.stop(0);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.destroy();
        availability.stop(0);
    }
}
