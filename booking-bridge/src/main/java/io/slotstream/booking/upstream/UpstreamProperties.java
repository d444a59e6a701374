package io.slotstream.booking.upstream;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * EHR reconciliation settings ({@code slotstream.booking.*}): which sources have an upstream FHIR endpoint that must
 * accept a booking before Slotstream confirms it (issue 11 deliverable 4a).
 *
 * @param upstreamTimeout       read/connect timeout of one call to an EHR (default 5 s); slower is "pending"
 * @param upstreamRetryInterval how often a pending forward is retried, with the same identifier (default 5 s)
 * @param sources               per-source settings by source id (the canonical id's prefix); other per-source keys
 *                              are bound elsewhere
 */
@ConfigurationProperties("slotstream.booking")
public record UpstreamProperties(Duration upstreamTimeout, Duration upstreamRetryInterval, Map<String, Source> sources) {

    public UpstreamProperties {
        upstreamTimeout = upstreamTimeout == null ? Duration.ofSeconds(5) : upstreamTimeout;
        upstreamRetryInterval = upstreamRetryInterval == null ? Duration.ofSeconds(5) : upstreamRetryInterval;
        sources = sources == null ? Map.of() : new HashMap<>(sources);
    }

    /** @param upstreamUrl the source EHR's FHIR base URL; null: Slotstream is the system of record for the source */
    public record Source(URI upstreamUrl) {
    }

    /** @return the upstream FHIR base of the source of a canonical id, or null */
    public URI upstreamOf(String canonicalId) {
        int dot = canonicalId == null ? -1 : canonicalId.indexOf('.');
        Source source = dot < 0 ? null : sources.get(canonicalId.substring(0, dot));
        return source == null ? null : source.upstreamUrl();
    }
}
