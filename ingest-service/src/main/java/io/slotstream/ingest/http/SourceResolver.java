package io.slotstream.ingest.http;

import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.ingest.config.IngestProperties;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.schemas.identity.CanonicalId;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Which source system a request comes from (the first half of every canonical id):
 * <ul>
 *   <li>OAuth (service-edge {@code slotstream.security.mode=token}): the source the token's client is bound to, as the
 *       edge authorized it ({@link SmartAccessManager#SOURCE_ATTRIBUTE});</li>
 *   <li>token mode (any {@code slotstream.ingest.sources} configured): {@code Authorization: Bearer <token>} must
 *       match a configured token (constant-time compare) and gives that source; anything else is 401;</li>
 *   <li>header mode (none configured, the local default): {@code X-Slotstream-Source} names the source
 *       ({@code [A-Za-z0-9-]{1,32}}, else 400); without it, {@code slotstream.ingest.default-source}.</li>
 * </ul>
 */
public final class SourceResolver {

    public static final String SOURCE_HEADER = "X-Slotstream-Source";
    private static final String RULE = "Slotstream source identification (ingest-service/README.md)";

    private final List<IngestProperties.Source> sources;
    private final String defaultSource;

    /** @throws IllegalArgumentException when a configured or default source id is not a valid source id */
    public SourceResolver(List<IngestProperties.Source> sources, String defaultSource) {
        this.sources = List.copyOf(sources);
        this.defaultSource = defaultSource;
        for (IngestProperties.Source s : this.sources) {
            if (s.id() == null || !CanonicalId.SOURCE_ID.matcher(s.id()).matches() || s.token() == null || s.token().isBlank()) {
                throw new IllegalArgumentException("slotstream.ingest.sources: each source needs an id matching "
                        + "[A-Za-z0-9-]{1,32} and a non-empty token (source '" + s.id() + "')");
            }
        }
        if (!CanonicalId.SOURCE_ID.matcher(defaultSource).matches()) {
            throw new IllegalArgumentException("slotstream.ingest.default-source must match [A-Za-z0-9-]{1,32}, was " + defaultSource);
        }
    }

    /**
     * @return the source id
     * @throws IntakeException 401 (token mode, no or unknown token) or 400 (header mode, malformed source id)
     */
    public String resolve(HttpServletRequest request) {
        if (request.getAttribute(SmartAccessManager.SOURCE_ATTRIBUTE) instanceof String bound) {
            return bound;
        }
        if (!sources.isEmpty()) {
            String header = request.getHeader("Authorization");
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
                for (IngestProperties.Source s : sources) {
                    if (MessageDigest.isEqual(presented, s.token().getBytes(StandardCharsets.UTF_8))) {
                        return s.id();
                    }
                }
            }
            throw new IntakeException(401, Issue.structure("login", null, RULE,
                    "A valid 'Authorization: Bearer <token>' of a configured source is required"));
        }
        String named = request.getHeader(SOURCE_HEADER);
        if (named == null || named.isEmpty()) {
            return defaultSource;
        }
        if (!CanonicalId.SOURCE_ID.matcher(named).matches()) {
            throw new IntakeException(400, Issue.structure("value", null, RULE,
                    SOURCE_HEADER + " must match [A-Za-z0-9-]{1,32}"));
        }
        return named;
    }
}
