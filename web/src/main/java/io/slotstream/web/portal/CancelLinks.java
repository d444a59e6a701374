package io.slotstream.web.portal;

import io.slotstream.web.WebProperties;
import io.slotstream.web.proxy.ServiceCredentials;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Signed cancel links: the portal's confirmation carries a link that lets the person cancel without a login.
 * <ul>
 *   <li>{@code POST /api/cancel-links} {@code {"appointment": "<id>"}}: 201 {@code {"token", "url", "expiresAt"}}
 *       when booking-bridge has that Appointment {@code booked} (ITI-118 read); 400 for a malformed id, 404 when it
 *       is not booked, 502 when booking-bridge cannot be asked.</li>
 *   <li>{@code GET /api/cancel-links/{token}}: 200 {@code {"appointment", "expiresAt"}} for an intact, unexpired
 *       token; 400 when the signature does not match, 410 when it expired.</li>
 * </ul>
 * Token = base64url({@code <appointment id>|<expiry epoch seconds>}) {@code .} base64url(HMAC-SHA256 of that with
 * {@code slotstream.web.cancel-link-secret}). The cancellation itself is the public {@code $book} with
 * {@code appointment-resource status=cancelled}, sent by the page.
 */
@RestController
public class CancelLinks {

    private static final Pattern APPOINTMENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Duration ttl;
    private final URI bookingUrl;
    private final ServiceCredentials credentials;

    public CancelLinks(WebProperties properties, ServiceCredentials credentials) {
        this.credentials = credentials;
        if (properties.cancelLinkSecret().isEmpty()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        } else {
            key = properties.cancelLinkSecret().getBytes(StandardCharsets.UTF_8);
        }
        this.ttl = properties.cancelLinkTtl();
        this.bookingUrl = properties.bookingUrl();
    }

    public record IssueRequest(String appointment) {
    }

    @PostMapping(path = "/api/cancel-links", produces = "application/json")
    public ResponseEntity<Map<String, String>> issue(@RequestBody IssueRequest request) {
        String id = request == null ? null : request.appointment();
        if (id == null || !APPOINTMENT_ID.matcher(id).matches()) {
            return error(HttpStatus.BAD_REQUEST, "appointment must be an Appointment id ([A-Za-z0-9-.]{1,64})");
        }
        HttpResponse<String> read;
        try {
            HttpRequest.Builder appointment = HttpRequest.newBuilder(URI.create(bookingUrl.toString().replaceAll("/$", "")
                            + "/fhir/Appointment/" + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).header("Accept", "application/fhir+json");
            read = credentials.send("booking", appointment, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | io.slotstream.edge.security.client.BackendServicesException e) {
            return error(HttpStatus.BAD_GATEWAY, "booking-bridge is not reachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        }
        if (read.statusCode() != 200 || !read.body().replace(" ", "").contains("\"status\":\"booked\"")) {
            return error(HttpStatus.NOT_FOUND, "Appointment/" + id + " is not booked");
        }
        Instant expires = Instant.now().plus(ttl);
        String payload = B64.encodeToString((id + "|" + expires.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        String token = payload + "." + B64.encodeToString(sign(payload));
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", token,
                "url", "cancel.html?token=" + token, "expiresAt", expires.toString()));
    }

    @GetMapping(path = "/api/cancel-links/{token}", produces = "application/json")
    public ResponseEntity<Map<String, String>> verify(@PathVariable String token) {
        int dot = token.indexOf('.');
        if (dot < 1) {
            return error(HttpStatus.BAD_REQUEST, "this cancel link is damaged");
        }
        String payload = token.substring(0, dot);
        byte[] signature;
        String decoded;
        try {
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            decoded = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return error(HttpStatus.BAD_REQUEST, "this cancel link is damaged");
        }
        int bar = decoded.lastIndexOf('|');
        // one spelling per link: base64url's unused trailing bits would otherwise let a changed link verify
        boolean canonical = B64.encodeToString(signature).equals(token.substring(dot + 1));
        if (!canonical || !MessageDigest.isEqual(sign(payload), signature) || bar < 1) {
            return error(HttpStatus.BAD_REQUEST, "this cancel link was not issued here or was changed");
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(decoded.substring(bar + 1)));
        if (expires.isBefore(Instant.now())) {
            return error(HttpStatus.GONE, "this cancel link expired at " + expires);
        }
        return ResponseEntity.ok(Map.of("appointment", decoded.substring(0, bar), "expiresAt", expires.toString()));
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", message));
    }
}
