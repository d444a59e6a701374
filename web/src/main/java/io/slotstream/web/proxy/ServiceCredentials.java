package io.slotstream.web.proxy;

import com.nimbusds.jose.jwk.JWK;
import io.slotstream.edge.security.client.BackendServicesClient;
import io.slotstream.web.WebProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bearer token web attaches when it calls a protected API for a page (booking-bridge's {@code $find}/{@code $hold}/
 * {@code $book}, ingest's {@code /admin/feeds}): web is a backend for the browser, a SMART Backend Services client of
 * its own, so the pages never hold a token. Without {@code slotstream.web.token-url} it sends none (security off).
 * Tokens are reused until shortly before they expire; a token a service refuses (401) is replaced at once.
 */
@Component
public class ServiceCredentials {

    private final Supplier<BackendServicesClient> newClient;
    private final String ingestAdminToken;
    private final HttpClient http;
    private BackendServicesClient client;

    /** @throws IllegalStateException when the client key file cannot be read or parsed (at start, not per request) */
    public ServiceCredentials(WebProperties properties, HttpClient http) {
        this.ingestAdminToken = properties.ingestAdminToken();
        this.http = http;
        if (properties.tokenUrl().isEmpty()) {
            this.newClient = null;
            return;
        }
        try {
            JWK key = JWK.parse(Files.readString(Path.of(properties.clientKeyFile())));
            this.newClient = () -> new BackendServicesClient(properties.clientId(), key, properties.tokenUrl(),
                    properties.clientScope(), http);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("slotstream.web.client-key-file: cannot read a JWK from '"
                    + properties.clientKeyFile() + "': " + e.getMessage(), e);
        }
        this.client = newClient.get();
    }

    /**
     * @param service {@code booking} or {@code ingest} (the other services' public APIs are open)
     * @return the {@code Authorization} header value for a call to that service, if one is needed
     * @throws io.slotstream.edge.security.client.BackendServicesException when the authorization server refuses
     */
    public Optional<String> authorization(String service) {
        if (!service.equals("booking") && !service.equals("ingest")) {
            return Optional.empty();
        }
        if (newClient != null) {
            return Optional.of("Bearer " + client().get());
        }
        return service.equals("ingest") && !ingestAdminToken.isEmpty() ? Optional.of("Bearer " + ingestAdminToken) : Optional.empty();
    }

    /**
     * Sends {@code request} to {@code service} with {@link #authorization(String)}. When the service answers 401 to
     * web's token (it expired early by the service's clock, or the issuer rotated its signing keys), web gets a fresh
     * token and sends once more; a 401 is answered before the service acts, so the retry never repeats a write.
     *
     * @param request a complete request but for {@code Authorization} (its body publisher must be re-playable, e.g.
     *                {@code ofByteArray})
     * @return the answer (the second one after a retry)
     * @throws io.slotstream.edge.security.client.BackendServicesException when the authorization server refuses
     * @throws IOException                                                 when the service cannot be reached
     */
    public <T> HttpResponse<T> send(String service, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        Optional<String> authorization = authorization(service);
        authorization.ifPresent(value -> request.setHeader("Authorization", value));
        HttpResponse<T> answer = http.send(request.build(), body);
        if (answer.statusCode() != 401 || authorization.isEmpty() || !discard(authorization.get())) {
            return answer;
        }
        request.setHeader("Authorization", authorization(service).orElseThrow());
        return http.send(request.build(), body);
    }

    private synchronized BackendServicesClient client() {
        return client;
    }

    /** Drops web's token when it is still the refused one (another request may have renewed it already). */
    private boolean discard(String refused) {
        if (newClient == null) {
            return false;  // a configured admin token cannot be renewed
        }
        BackendServicesClient current = client();
        if (refused.equals("Bearer " + current.get())) {
            synchronized (this) {
                if (client == current) {
                    client = newClient.get();
                }
            }
        }
        return true;
    }
}
