package io.slotstream.booking.deeplink;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.HashMap;
import java.util.Map;

/**
 * Deep-link settings of booking-bridge ({@code slotstream.booking.*}; SMART Scheduling Links §3.3).
 *
 * @param deepLinkBaseUrl   booking-bridge's public base URL as written into published deep links; the renderer that
 *                          adds the links (availability-service, publish-service) uses the same setting
 * @param deepLinkKey       the shared HMAC key of the links (at least 16 characters); without it Slotstream adds no
 *                          deep links and {@code GET /book/{slot}} answers 404
 * @param portalUrlTemplate where {@code GET /book/{slot}} redirects for a source without a portal template of its own;
 *                          placeholders {@code {slot}}, {@code {source}}, {@code {booking-referral}} (URL-encoded)
 * @param sources           per-source settings by source id (the canonical id's prefix); other per-source keys, such as
 *                          the provider rules, are bound elsewhere
 */
@ConfigurationProperties("slotstream.booking")
public record PortalProperties(String deepLinkBaseUrl, String deepLinkKey, String portalUrlTemplate,
                               Map<String, Source> sources) {

    /** Slotstream's own booking portal page (the web module, default port 8087). */
    public static final String DEFAULT_PORTAL_URL_TEMPLATE =
            "http://localhost:8087/portal.html?slot={slot}&source={source}&booking-referral={booking-referral}";

    public PortalProperties {
        deepLinkBaseUrl = deepLinkBaseUrl == null || deepLinkBaseUrl.isBlank() ? "http://127.0.0.1:8084" : deepLinkBaseUrl;
        deepLinkKey = deepLinkKey == null || deepLinkKey.isBlank() ? null : deepLinkKey;
        portalUrlTemplate = portalUrlTemplate == null || portalUrlTemplate.isBlank() ? DEFAULT_PORTAL_URL_TEMPLATE
                : portalUrlTemplate;
        sources = sources == null ? Map.of() : new HashMap<>(sources);
    }

    /** @param portalUrlTemplate this source's booking portal, same placeholders; null: the global default */
    public record Source(String portalUrlTemplate) {
    }

    /** @return the portal URL template of a source id */
    public String portalUrlTemplateOf(String sourceId) {
        Source source = sources.get(sourceId);
        return source == null || source.portalUrlTemplate() == null || source.portalUrlTemplate().isBlank()
                ? portalUrlTemplate : source.portalUrlTemplate();
    }
}
