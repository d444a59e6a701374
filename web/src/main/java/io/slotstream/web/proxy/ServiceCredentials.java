package io.slotstream.web.proxy;

import com.nimbusds.jose.jwk.JWK;
import io.slotstream.edge.security.client.BackendServicesClient;
import io.slotstream.web.WebProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Optional;

/**
 * The bearer token web attaches when it calls a protected API for a page (booking-bridge's {@code $find}/{@code $hold}/
 * {@code $book}, ingest's {@code /admin/feeds}): web is a backend for the browser, a SMART Backend Services client of
 * its own, so the pages never hold a token. Without {@code slotstream.web.token-url} it sends none (security off).
 */
@Component
public class ServiceCredentials {

    private final Optional<BackendServicesClient> client;
    private final String ingestAdminToken;

    /** @throws IllegalStateException when the client key file cannot be read or parsed (at start, not per request) */
    public ServiceCredentials(WebProperties properties, HttpClient http) {
        this.ingestAdminToken = properties.ingestAdminToken();
        if (properties.tokenUrl().isEmpty()) {
            this.client = Optional.empty();
            return;
        }
        try {
            JWK key = JWK.parse(Files.readString(Path.of(properties.clientKeyFile())));
            this.client = Optional.of(new BackendServicesClient(properties.clientId(), key, properties.tokenUrl(),
                    properties.clientScope(), http));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("slotstream.web.client-key-file: cannot read a JWK from '"
                    + properties.clientKeyFile() + "': " + e.getMessage(), e);
        }
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
        if (client.isPresent()) {
            return Optional.of("Bearer " + client.get().get());
        }
        return service.equals("ingest") && !ingestAdminToken.isEmpty() ? Optional.of("Bearer " + ingestAdminToken) : Optional.empty();
    }
}
