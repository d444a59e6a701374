package io.slotstream.edge.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A bare Boot app with service-edge on its classpath: every kind of bad request answers a FHIR OperationOutcome. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.max-http-request-header-size=8KB", "server.address=127.0.0.1",
                "slotstream.security.mode=off"})
class FhirErrorAutoConfigurationTest {

    @LocalServerPort
    int port;

    @Test
    void unknownPathIs404() throws IOException {
        assertOutcome(send("GET /nowhere HTTP/1.1\r\n", null), 404, "path");
    }

    @Test
    void wrongMethodIs405WithAllow() throws IOException {
        String answer = send("DELETE /things HTTP/1.1\r\n", null);
        assertOutcome(answer, 405, "method");
        assertThat(answer).containsIgnoringCase("\r\nAllow: ");
    }

    @Test
    void unsupportedMediaTypeIs415() throws IOException {
        assertOutcome(send("POST /things HTTP/1.1\r\nContent-Type: text/csv\r\n", "a,b"), 415, "Content-Type");
    }

    @Test
    void unacceptableAcceptIs406InFhirJsonAnyway() throws IOException {
        assertOutcome(send("GET /things HTTP/1.1\r\nAccept: application/xml\r\n", null), 406, "Accept");
    }

    @Test
    void malformedJsonIs400() throws IOException {
        assertOutcome(send("POST /things HTTP/1.1\r\nContent-Type: application/json\r\n", "{\"a\":"), 400, "body");
    }

    @Test
    void mistypedAndMissingParametersAre400NamingThem() throws IOException {
        assertOutcome(send("GET /things?count=many HTTP/1.1\r\n", null), 400, "count");
        assertOutcome(send("GET /required HTTP/1.1\r\n", null), 400, "q");
    }

    @Test
    void containerLevelErrorsAreOperationOutcomesToo() throws IOException {
        assertOutcome(send("GET /things/%zz HTTP/1.1\r\n", null), 400, null);
        assertOutcome(send("GET /things HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n", null), 431, null);
    }

    @Test
    void multipartBodyIs415NamingTheAcceptedMediaTypes() throws IOException {
        String head = "POST /things HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\n";
        String answer = send(head, "--x\r\n\r\n--x--");
        assertOutcome(answer, 415, "Content-Type");
        assertThat(answer).contains("application/json");
        // a handler reading the raw body sees it as it came (no part parsing before the handler)
        assertThat(send("PUT /raw HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=x\r\n", "--x\r\n\r\n--x--"))
                .startsWith("HTTP/1.1 200 ").endsWith("multipart/form-data; boundary=x 12");
    }

    @Test
    void badPercentEncodingIs400NamingTheParameter() throws IOException {
        assertOutcome(send("GET /params?ok=1&status=%zz HTTP/1.1\r\n", null), 400, "status");
        assertOutcome(send("GET /params?name=%C3%28 HTTP/1.1\r\n", null), 400, "name"); // not UTF-8
        assertOutcome(send("GET /things?count=%2 HTTP/1.1\r\n", null), 400, "count");
        assertThat(send("GET /params?status=%41 HTTP/1.1\r\n", null)).startsWith("HTTP/1.1 200 ").endsWith("status=A");
    }

    @Test
    void aServicesOwn405CarriesAllowEvenWhenNothingIsAllowed() throws IOException {
        String none = send("POST /closed HTTP/1.1\r\n", "");
        assertOutcome(none, 405, "method");
        assertThat(none).contains("use PUT instead").containsIgnoringCase("\r\nAllow: \r\n");
        String some = send("GET /closed HTTP/1.1\r\n", null);
        assertOutcome(some, 405, "method");
        assertThat(some).containsIgnoringCase("\r\nAllow: PUT\r\n");
    }

    @Test
    void aFailingHandlerIs500WithoutItsMessage() throws IOException {
        String answer = send("GET /boom HTTP/1.1\r\n", null);
        assertOutcome(answer, 500, null);
        assertThat(answer).doesNotContain("secret detail");
    }

    private void assertOutcome(String answer, int status, String names) throws IOException {
        assertThat(answer).startsWith("HTTP/1.1 " + status + " ");
        int split = answer.indexOf("\r\n\r\n");
        assertThat(answer.substring(0, split)).containsIgnoringCase("Content-Type: application/fhir+json");
        String body = answer.substring(split + 4);
        assertThat(body).doesNotContain("Exception").doesNotContainIgnoringCase("<html")
                .doesNotContain("\tat ");
        JsonNode outcome = new ObjectMapper().readTree(body);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").path(0).path("severity").asText()).isEqualTo("error");
        if (names != null) {
            assertThat(outcome.path("issue").path(0).path("expression").path(0).asText()).isEqualTo(names);
        }
    }

    private String send(String head, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder(head).append("Host: localhost\r\nConnection: close\r\n");
            if (body != null) {
                request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
            }
            request.append("\r\n").append(body == null ? "" : body);
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.contains("Transfer-Encoding: chunked") ? dechunk(answer) : answer;
        }
    }

    /** The test answers are small: one chunk. */
    private static String dechunk(String answer) {
        int split = answer.indexOf("\r\n\r\n");
        String rest = answer.substring(split + 4);
        int line = rest.indexOf("\r\n");
        int length = Integer.parseInt(rest.substring(0, line).trim(), 16);
        return answer.substring(0, split + 4) + rest.substring(line + 2, line + 2 + length);
    }

    @SpringBootApplication
    @RestController
    static class App {

        @GetMapping("/things")
        Map<String, Object> things(@RequestParam(name = "count", required = false) Integer count) {
            return Map.of("count", count == null ? 0 : count);
        }

        @PostMapping(path = "/things", consumes = "application/json")
        Map<String, Object> create(@RequestBody Map<String, Object> thing) {
            return thing;
        }

        @GetMapping("/required")
        String required(@RequestParam("q") String q) {
            return q;
        }

        @PutMapping("/raw")
        String raw(HttpServletRequest request) throws IOException {
            return request.getContentType() + " " + request.getInputStream().readAllBytes().length;
        }

        @GetMapping("/params")
        String params(HttpServletRequest request) {
            StringBuilder text = new StringBuilder();
            request.getParameterMap().forEach((k, v) -> text.append(k).append('=').append(String.join(",", v)));
            return text.toString();
        }

        @PostMapping("/closed")
        String closed() {
            throw new MethodNotAllowedException(Set.of(), "Nothing is allowed here: use PUT instead");
        }

        @GetMapping("/closed")
        String closedButPut() {
            throw new MethodNotAllowedException(Set.of(HttpMethod.PUT), "Only PUT here");
        }

        @GetMapping("/boom")
        String boom() {
            throw new IllegalStateException("secret detail");
        }
    }
}
