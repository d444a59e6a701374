package io.slotstream.availability.query;

import io.slotstream.availability.config.AvailabilityProperties;
import io.slotstream.edge.tls.ServiceTls;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Calls the internal endpoints ({@code /internal/...}) of other instances of this service, at their application.server,
 * over HTTPS when this instance's listener serves TLS (peers share the configuration) with the services' TLS trust.
 */
@Component
public class PeerClient {

    private final HttpClient http;
    private final Duration timeout;
    private final String scheme;

    public PeerClient(AvailabilityProperties properties, ServiceTls tls) {
        this.timeout = properties.peerTimeout();
        this.http = tls.httpClient(timeout).build();
        this.scheme = tls.peerScheme();
    }

    /**
     * @param path   e.g. {@code /internal/Slot}
     * @param params query parameters to pass on (already validated)
     * @return the response body of a 200
     * @throws StoreUnavailableException when the peer is unreachable or answers with anything but 200
     */
    public byte[] get(HostInfo peer, String path, Map<String, String[]> params) {
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, values) -> {
            for (String v : values) {
                query.add(enc(name) + "=" + enc(v));
            }
        });
        URI uri = URI.create(scheme + "://" + peer.host() + ":" + peer.port() + path + (query.length() == 0 ? "" : "?" + query));
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new StoreUnavailableException("peer " + peer + " answered " + response.statusCode() + " for " + path, null);
            }
            return response.body();
        } catch (IOException e) {
            throw new StoreUnavailableException("peer " + peer + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted calling peer " + peer, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
