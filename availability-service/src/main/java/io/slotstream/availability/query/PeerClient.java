package io.slotstream.availability.query;

import io.slotstream.availability.config.AvailabilityProperties;
import io.slotstream.edge.tls.ServiceTls;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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
 * A peer call carries the caller's bearer token: the peer validates it again and checks it grants the resource type
 * ({@code /internal/**} routes in application.yml), so the internal endpoints give nothing the caller's own token
 * would not.
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
     * @return the {@code Authorization} header of the request this thread serves, to pass to {@link #get}; null
     * outside a request or when it has none (security mode {@code off}, open search)
     */
    public static String callerAuthorization() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                ? request.getRequest().getHeader(HttpHeaders.AUTHORIZATION) : null;
    }

    /**
     * @param path          e.g. {@code /internal/Slot}
     * @param params        query parameters to pass on (already validated)
     * @param authorization the caller's {@code Authorization} header ({@link #callerAuthorization()}), or null
     * @return the response body of a 200
     * @throws StoreUnavailableException when the peer is unreachable or answers with anything but 200 (a 401 or 403
     *                                   when the caller's token expired in between or the peers' security settings differ)
     */
    public byte[] get(HostInfo peer, String path, Map<String, String[]> params, String authorization) {
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, values) -> {
            for (String v : values) {
                query.add(enc(name) + "=" + enc(v));
            }
        });
        URI uri = URI.create(scheme + "://" + peer.host() + ":" + peer.port() + path + (query.length() == 0 ? "" : "?" + query));
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            if (authorization != null) {
                request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
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
