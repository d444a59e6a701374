package io.slotstream.web.portal;

import com.sun.net.httpserver.HttpServer;
import io.slotstream.web.WebProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cancel links: issued only for booked Appointments (asked over HTTP), verified, tamper-proof, expiring, per key. */
class CancelLinksTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    private HttpServer booking;

    @BeforeEach
    void bookingBridge() throws Exception {
        booking = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        booking.createContext("/fhir/Appointment/", exchange -> {
            String id = exchange.getRequestURI().getPath().replace("/fhir/Appointment/", "");
            byte[] body = ("{\"resourceType\":\"Appointment\",\"id\":\"" + id + "\",\"status\":\""
                    + (id.startsWith("booked") ? "booked" : "cancelled") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        booking.start();
    }

    @AfterEach
    void stop() {
        booking.stop(0);
    }

    private CancelLinks links(String secret, Duration ttl) {
        URI base = URI.create("http://127.0.0.1:" + booking.getAddress().getPort());
        WebProperties properties = new WebProperties(base, base, base, base, "", "", "", "", "system/Appointment.crus",
                List.of("name"), secret, ttl, Duration.ofMinutes(10), Duration.ofSeconds(5));
        return new CancelLinks(properties, new io.slotstream.web.proxy.ServiceCredentials(properties, HttpClient.newHttpClient()));
    }

    @Test
    void aBookedAppointmentGetsALinkThatVerifiesToIt() {
        CancelLinks links = links(SECRET, Duration.ofDays(1));
        var issued = links.issue(new CancelLinks.IssueRequest("booked-42"));
        assertThat(issued.getStatusCode().value()).isEqualTo(201);
        String token = issued.getBody().get("token");
        assertThat(issued.getBody().get("url")).isEqualTo("cancel.html?token=" + token);
        var verified = links.verify(token);
        assertThat(verified.getStatusCode().value()).isEqualTo(200);
        assertThat(verified.getBody()).containsEntry("appointment", "booked-42");
        // the same key in another instance accepts it; another key does not
        assertThat(links(SECRET, Duration.ofDays(1)).verify(token).getStatusCode().value()).isEqualTo(200);
        assertThat(links("another-secret-of-at-least-32-chars!", Duration.ofDays(1)).verify(token).getStatusCode().value()).isEqualTo(400);
    }

    @Test
    void notBookedMalformedTamperedAndExpiredAreRefused() {
        CancelLinks links = links(SECRET, Duration.ofDays(1));
        assertThat(links.issue(new CancelLinks.IssueRequest("cancelled-1")).getStatusCode().value()).isEqualTo(404);
        assertThat(links.issue(new CancelLinks.IssueRequest("../admin")).getStatusCode().value()).isEqualTo(400);
        String token = links.issue(new CancelLinks.IssueRequest("booked-1")).getBody().get("token");
        String otherPayload = links.issue(new CancelLinks.IssueRequest("booked-2")).getBody().get("token").split("\\.")[0];
        assertThat(links.verify(otherPayload + "." + token.split("\\.")[1]).getStatusCode().value()).isEqualTo(400);
        assertThat(links.verify("garbage").getStatusCode().value()).isEqualTo(400);
        // the signature's last character carries 2 unused bits: a link changed only there is refused too
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        String sameBits = token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) + 1);
        assertThat(java.util.Base64.getUrlDecoder().decode(sameBits.split("\\.")[1]))
                .isEqualTo(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(links.verify(sameBits).getStatusCode().value()).isEqualTo(400);
        CancelLinks expiring = links(SECRET, Duration.ofSeconds(-1));
        String expired = expiring.issue(new CancelLinks.IssueRequest("booked-3")).getBody().get("token");
        assertThat(expiring.verify(expired).getStatusCode().value()).isEqualTo(410);
    }
}
