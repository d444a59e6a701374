package io.slotstream.edge.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Per-client rate limit on write requests ({@link RateLimitProperties}): one Bucket4j token bucket per client. A
 * request over the limit is answered 429 with {@code Retry-After} (whole seconds until a token is back) and an
 * OperationOutcome ({@code throttled}, naming the client and the limit) and goes no further. Runs after request
 * security, so the key is the validated token's client id ({@code client_id}/{@code azp}/{@code sub}); without one
 * (security off, or an open route) the caller's remote address.
 */
public final class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimitProperties properties;
    private final RequestMatcher limited;
    private final Cache<String, Bucket> buckets;
    private final Counter throttled;

    public RateLimitFilter(RateLimitProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.limited = RequestMatcher.of(properties.paths(), properties.methods());
        this.buckets = Caffeine.newBuilder().expireAfterAccess(properties.idleExpiry())
                .maximumSize(properties.maxClients()).build();
        this.throttled = meters == null ? null : Counter.builder("slotstream.security.rate.limited")
                .description("Requests refused with 429 by the per-client rate limit").register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!limited.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        String client = client(request);
        ConsumptionProbe probe = buckets.get(client, k -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            chain.doFilter(request, response);
            return;
        }
        if (throttled != null) {
            throttled.increment();
        }
        long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.THROTTLED,
                "Too many requests from client '" + client + "': at most " + properties.requestsPerSecond()
                        + " write requests per second (bursts of " + properties.capacity() + "); retry after "
                        + retryAfter + " s", null);
        OperationOutcomes.rule(outcome.getIssueFirstRep(), "slotstream.security.rate-limit");
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        OperationOutcomes.write(response, 429, outcome);
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(properties.capacity())
                .refillGreedy(properties.requestsPerSecond(), Duration.ofSeconds(1)).build()).build();
    }

    private static String client(HttpServletRequest request) {
        if (request.getAttribute(SmartAccessManager.CALLER_ATTRIBUTE) instanceof SmartCaller caller && caller.clientId() != null) {
            return caller.clientId();
        }
        return request.getRemoteAddr();
    }
}
