package io.slotstream.edge.limit;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code slotstream.security.rate-limit.*}: how many write requests one client may make (README "Security", "Request
 * limits"). Each client (the token's client id; the remote address when request security is off or the route is
 * open) has a token bucket of {@code burst} requests refilled at {@code requests-per-second}.
 *
 * @param requestsPerSecond sustained requests per second per client; 0 = no rate limit
 * @param burst             requests a client may make at once after being idle; 0 = twice {@code requests-per-second}
 * @param paths             path patterns limited (Spring path patterns)
 * @param methods           HTTP methods limited on those paths (the write methods by default)
 * @param idleExpiry        a client's bucket is forgotten after this long without requests
 * @param maxClients        at most this many buckets are kept (least recently used dropped first)
 */
@ConfigurationProperties("slotstream.security.rate-limit")
public record RateLimitProperties(@DefaultValue("0") long requestsPerSecond, @DefaultValue("0") long burst,
                                  @DefaultValue({"/fhir", "/fhir/**", "/admin/**"}) List<String> paths,
                                  @DefaultValue({"POST", "PUT", "PATCH", "DELETE"}) List<String> methods,
                                  @DefaultValue("10m") Duration idleExpiry,
                                  @DefaultValue("100000") long maxClients) {

    public RateLimitProperties {
        if (requestsPerSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("slotstream.security.rate-limit.requests-per-second and burst must be >= 0, were "
                    + requestsPerSecond + " and " + burst);
        }
        paths = List.copyOf(paths);
        methods = methods.stream().map(String::toUpperCase).toList();
    }

    /** @return whether requests are limited at all */
    public boolean enabled() {
        return requestsPerSecond > 0;
    }

    /** @return the bucket capacity: {@code burst}, or twice the rate when burst is 0 */
    public long capacity() {
        return burst > 0 ? burst : 2 * requestsPerSecond;
    }
}
