package io.slotstream.booking.deeplink;

import io.slotstream.booking.find.AvailabilityClient;
import io.slotstream.schemas.booking.BookingDeepLinks;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where a Slotstream booking deep link ({@link BookingDeepLinks}) leads: to the slot's source's booking portal
 * (its {@code portal-url-template}, or the global default: Slotstream's own portal page) when the link's signature
 * holds and the slot is still free and unchanged since the link was published; otherwise it is gone.
 */
@Service
public class DeepLinkResolver {

    /** What a deep link leads to. */
    public sealed interface Target {
        /** @param url the portal URL with slot, source, booking-referral (and state, returnUrl when given) filled in */
        record Portal(String url) implements Target {
        }

        /** @param reason why the link no longer leads to a booking (human-readable) */
        record Gone(String reason) implements Target {
        }

        /** The link was not signed by this deployment's key (or links are not configured). */
        record Invalid(String reason) implements Target {
        }
    }

    /**
     * The deep-link parameters (SMART Scheduling Links §3.3; Patient Scheduling {@code state}/{@code returnUrl}, §7.8).
     *
     * @param slotId          the slot of the link's path
     * @param version         {@code v}
     * @param signature       {@code sig}
     * @param source          {@code source} (the referring aggregator), or null
     * @param bookingReferral {@code booking-referral}, or null
     * @param state           Patient Scheduling {@code state}, or null
     * @param returnUrl       Patient Scheduling {@code returnUrl}, or null
     */
    public record Link(String slotId, String version, String signature, String source, String bookingReferral,
                       String state, String returnUrl) {
    }

    private final AvailabilityClient availability;
    private final PortalProperties properties;
    private final BookingDeepLinks links;

    public DeepLinkResolver(AvailabilityClient availability, PortalProperties properties) {
        this.availability = availability;
        this.properties = properties;
        this.links = properties.deepLinkKey() == null ? null
                : new BookingDeepLinks(properties.deepLinkBaseUrl(), properties.deepLinkKey());
    }

    /** @throws AvailabilityClient.AvailabilityException when availability-service cannot be asked */
    public Target resolve(Link link) {
        if (links == null) {
            return new Target.Invalid("this server publishes no booking deep links (slotstream.booking.deep-link-key)");
        }
        if (!links.verify(link.slotId(), link.version(), link.signature())) {
            return new Target.Invalid("the link's signature does not match Slot/" + link.slotId());
        }
        Optional<Slot> slot = availability.slot(link.slotId());
        if (slot.isEmpty()) {
            return new Target.Gone("Slot/" + link.slotId() + " no longer exists");
        }
        Slot s = slot.get();
        if (s.getStatus() != Slot.SlotStatus.FREE) {
            return new Target.Gone("Slot/" + link.slotId() + " is no longer free (" + s.getStatus().toCode() + ")");
        }
        if (!BookingDeepLinks.version(s.getStart().toInstant(), s.getEnd().toInstant()).equals(link.version())) {
            return new Target.Gone("Slot/" + link.slotId() + " has changed since the link was published");
        }
        return new Target.Portal(portalUrl(link));
    }

    private String portalUrl(Link link) {
        String slotId = link.slotId();
        int dot = slotId.indexOf('.');
        String template = properties.portalUrlTemplateOf(dot < 0 ? "" : slotId.substring(0, dot));
        String url = template.replace("{slot}", enc(slotId))
                .replace("{source}", enc(link.source()))
                .replace("{booking-referral}", enc(link.bookingReferral()));
        Map<String, String> extra = new LinkedHashMap<>();
        if (link.state() != null) {
            extra.put("state", link.state());
        }
        if (link.returnUrl() != null) {
            extra.put("returnUrl", link.returnUrl());
        }
        StringBuilder b = new StringBuilder(url);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            b.append(b.indexOf("?") < 0 ? '?' : '&').append(e.getKey()).append('=').append(enc(e.getValue()));
        }
        return b.toString();
    }

    private static String enc(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
