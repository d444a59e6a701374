package io.slotstream.booking.deeplink;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.find.AvailabilityClient;
import io.slotstream.schemas.booking.BookingDeepLinks;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /book/{slot}}: signed links to free, unchanged slots redirect to the portal; others are gone. */
class DeepLinkControllerTest {

    static final String KEY = "0123456789abcdef-test-key";
    static final Instant START = Instant.parse("2026-09-30T14:00:00Z");
    static final Instant END = START.plusSeconds(900);

    final Map<String, Slot> slots = new HashMap<>();
    boolean availabilityDown;
    final AvailabilityClient availability = new AvailabilityClient(
            new BookingBridgeProperties(null, null, null, null, null, 0), FhirContext.forR4Cached(), io.slotstream.edge.tls.ServiceTls.jvmDefault(false)) {
        @Override
        public Optional<Slot> slot(String id) {
            if (availabilityDown) {
                throw new AvailabilityException(503, "availability-service unreachable (test)");
            }
            return Optional.ofNullable(slots.get(id));
        }
    };
    final PortalProperties properties = new PortalProperties("http://127.0.0.1:8084", KEY, null,
            Map.of("acme", new PortalProperties.Source("https://acme.example.org/book?slot={slot}&from={source}&ref={booking-referral}")));
    final DeepLinkController controller = new DeepLinkController(new DeepLinkResolver(availability, properties),
            FhirContext.forR4Cached());
    final BookingDeepLinks links = new BookingDeepLinks("http://127.0.0.1:8084", KEY);

    void slot(String id, Slot.SlotStatus status, Instant start, Instant end) {
        Slot s = new Slot().setSchedule(new Reference("Schedule/x")).setStatus(status)
                .setStart(Date.from(start)).setEnd(Date.from(end));
        s.setId(id);
        slots.put(id, s);
    }

    ResponseEntity<String> follow(String link, String source, String referral, String state, String returnUrl,
                                  String accept) {
        URI uri = URI.create(link);
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        String slot = uri.getPath().substring("/book/".length());
        return controller.book(slot, q.get("v"), q.get("sig"), source, referral, state, returnUrl, accept);
    }

    @Test
    void aFreeUnchangedSlotRedirectsToItsSourcesPortalWithTheReferralCarriedThrough() {
        slot("acme.s1", Slot.SlotStatus.FREE, START, END);

        ResponseEntity<String> r = follow(links.linkFor("acme.s1", START, END), "aggregator.example", "ref 42",
                "st-1", "https://aggregator.example/return", null);

        assertThat(r.getStatusCode().value()).isEqualTo(302);
        assertThat(r.getHeaders().getLocation()).hasToString("https://acme.example.org/book?slot=acme.s1"
                + "&from=aggregator.example&ref=ref+42&state=st-1&returnUrl=https%3A%2F%2Faggregator.example%2Freturn");
    }

    @Test
    void aSourceWithoutPortalGoesToSlotstreamsOwnPortalPage() {
        slot("other.s1", Slot.SlotStatus.FREE, START, END);

        ResponseEntity<String> r = follow(links.linkFor("other.s1", START, END), "agg", "r1", null, null, null);

        assertThat(r.getStatusCode().value()).isEqualTo(302);
        assertThat(r.getHeaders().getLocation()).hasToString(
                "http://localhost:8087/portal.html?slot=other.s1&source=agg&booking-referral=r1");
    }

    @Test
    void aSlotNoLongerFreeIsGoneWithAPageOrAnOperationOutcome() {
        slot("acme.s1", Slot.SlotStatus.BUSYTENTATIVE, START, END);
        String link = links.linkFor("acme.s1", START, END);

        ResponseEntity<String> page = follow(link, null, null, null, null, "text/html");
        assertThat(page.getStatusCode().value()).isEqualTo(410);
        assertThat(page.getHeaders().getContentType().toString()).startsWith("text/html");
        assertThat(page.getBody()).contains("<h1>This appointment time is no longer available</h1>")
                .contains("no longer free (busy-tentative)");

        ResponseEntity<String> fhir = follow(link, null, null, null, null, "application/fhir+json");
        assertThat(fhir.getStatusCode().value()).isEqualTo(410);
        assertThat(fhir.getBody()).contains("\"resourceType\":\"OperationOutcome\"").contains("\"code\":\"not-found\"");
    }

    @Test
    void aMovedOrDeletedSlotIsGone() {
        String link = links.linkFor("acme.s1", START, END);
        slot("acme.s1", Slot.SlotStatus.FREE, START.plusSeconds(1800), END.plusSeconds(1800));
        ResponseEntity<String> moved = follow(link, null, null, null, null, null);
        assertThat(moved.getStatusCode().value()).isEqualTo(410);
        assertThat(moved.getBody()).contains("has changed since the link was published");

        slots.clear();
        assertThat(follow(link, null, null, null, null, null).getStatusCode().value()).isEqualTo(410);
    }

    @Test
    void aForgedOrForeignLinkIsNotFound() {
        slot("acme.s1", Slot.SlotStatus.FREE, START, END);
        String foreign = new BookingDeepLinks("http://127.0.0.1:8084", "some-other-key-entirely").linkFor("acme.s1", START, END);

        ResponseEntity<String> r = follow(foreign, null, null, null, null, "application/fhir+json");

        assertThat(r.getStatusCode().value()).isEqualTo(404);
        assertThat(r.getBody()).contains("signature");
        assertThat(controller.book("acme.s1", null, null, null, null, null, null, null).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void withAvailabilityDownTheLinkIsAnsweredRetryLaterNotAnError() {
        slot("acme.s1", Slot.SlotStatus.FREE, START, END);
        String link = links.linkFor("acme.s1", START, END);
        availabilityDown = true;
        ResponseEntity<String> html = follow(link, null, null, null, null, "text/html");
        assertThat(html.getStatusCode().value()).isEqualTo(503);
        assertThat(html.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(html.getBody()).contains("Booking is unavailable right now").contains("try again");
        ResponseEntity<String> fhir = follow(link, null, null, null, null, "application/fhir+json");
        assertThat(fhir.getStatusCode().value()).isEqualTo(503);
        assertThat(fhir.getBody()).contains("\"code\":\"transient\"");
    }
}
