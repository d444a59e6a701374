package io.slotstream.web.proxy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.slotstream.web.WebProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * web's own token on the wire: fetched with a client assertion from the token endpoint, reused, and renewed once
 * when a service refuses it (401), with the same request sent again; a service that refuses every token gets one
 * retry only. The token endpoint and the service are loopback HTTP servers that record what they got.
 */
class ServiceCredentialsTest {

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> assertions = new CopyOnWriteArrayList<>();
    /** What the service saw: {@code Authorization} and body of each call. */
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** Tokens the service refuses with 401. */
    private volatile Set<String> refused = Set.of();

    @BeforeEach
    void tokenEndpointAndService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/oauth2/token", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("client_assertion=")) {
                    assertions.add(URLDecoder.decode(pair.substring("client_assertion=".length()), StandardCharsets.UTF_8));
                }
            }
            answer(exchange, 200, "{\"access_token\":\"token-" + issued.incrementAndGet() + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        });
        server.createContext("/fhir/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            calls.add(authorization + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean refuse = authorization == null || refused.contains(authorization.substring("Bearer ".length()));
            answer(exchange, refuse ? 401 : 200, refuse ? "{\"resourceType\":\"OperationOutcome\"}" : "{\"resourceType\":\"Bundle\"}");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ServiceCredentials credentials() throws Exception {
        Path key = Files.writeString(dir.resolve("web.jwk"), new ECKeyGenerator(Curve.P_384).keyID("web-1").generate().toJSONString());
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        WebProperties properties = new WebProperties(base, base, base, base, "", base + "/oauth2/token", "slotstream-web",
                key.toString(), "system/Appointment.crus", List.of("name"), "", Duration.ofDays(1), Duration.ofMinutes(10),
                Duration.ofSeconds(5));
        return new ServiceCredentials(properties, HttpClient.newHttpClient());
    }

    private HttpRequest.Builder hold() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fhir/Appointment/$hold"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Parameters\"}"));
    }

    @Test
    void aTokenIsFetchedOnceAndReused() throws Exception {
        ServiceCredentials credentials = credentials();
        assertThat(credentials.send("booking", hold(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(credentials.send("ingest", hold(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(issued).hasValue(1);
        assertThat(calls).containsExactly("Bearer token-1 {\"resourceType\":\"Parameters\"}", "Bearer token-1 {\"resourceType\":\"Parameters\"}");
        // a SMART Backend Services client assertion: a JWT signed with ES384 by web's key
        assertThat(assertions).hasSize(1).allSatisfy(a -> assertThat(a).startsWith("eyJ").matches("[^.]+\\.[^.]+\\.[^.]+"));
        // the open APIs get no token
        credentials.send("availability", hold(), HttpResponse.BodyHandlers.ofString());
        assertThat(calls.getLast()).startsWith("null ");
    }

    @Test
    void aRefusedTokenIsRenewedAndTheSameRequestSentOnceMore() throws Exception {
        ServiceCredentials credentials = credentials();
        assertThat(credentials.authorization("booking")).hasValue("Bearer token-1");
        refused = Set.of("token-1");  // e.g. the issuer rotated its signing key
        HttpResponse<String> answer = credentials.send("booking", hold(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(calls).containsExactly("Bearer token-1 {\"resourceType\":\"Parameters\"}", "Bearer token-2 {\"resourceType\":\"Parameters\"}");
        // the fresh token stays in use
        assertThat(credentials.authorization("booking")).hasValue("Bearer token-2");
        assertThat(issued).hasValue(2);
    }

    @Test
    void aServiceThatRefusesEveryTokenGetsOneRetryAndItsAnswer() throws Exception {
        ServiceCredentials credentials = credentials();
        refused = Set.of("token-1", "token-2", "token-3");
        HttpResponse<String> answer = credentials.send("booking", hold(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("OperationOutcome");
        assertThat(calls).hasSize(2);
        assertThat(issued).hasValue(2);
    }

    @Test
    void withoutATokenUrlNothingIsSentAndA401IsNotRetried() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        WebProperties off = new WebProperties(base, base, base, base, "", "", "", "", "system/Appointment.crus",
                List.of("name"), "", Duration.ofDays(1), Duration.ofMinutes(10), Duration.ofSeconds(5));
        ServiceCredentials credentials = new ServiceCredentials(off, HttpClient.newHttpClient());
        assertThat(credentials.send("booking", hold(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(calls).containsExactly("null {\"resourceType\":\"Parameters\"}");
        assertThat(issued).hasValue(0);
    }
}
