package io.slotstream.booking;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of booking-bridge ({@code slotstream.booking.*}, env {@code SLOTSTREAM_BOOKING_*}).
 *
 * @param availabilityUrl base URL of availability-service's public FHIR API ({@code $find} runs its Slot search)
 * @param holdDuration    how long {@code $hold} holds (ITI-116; IHE defines none, the Argonaut default is minutes)
 * @param outcomeTimeout  how long a call waits for its decision before answering "outcome not yet known"
 * @param requester       this instance's name on booking.requests.v1 ({@code requester})
 * @param proposalTtl     how long a {@code $find} proposal can be referenced by {@code $hold}/{@code $book}
 * @param maxProposals    bound of the proposal cache (entries)
 */
@ConfigurationProperties("slotstream.booking")
public record BookingBridgeProperties(URI availabilityUrl, Duration holdDuration, Duration outcomeTimeout,
                                      String requester, Duration proposalTtl, int maxProposals) {

    public BookingBridgeProperties {
        availabilityUrl = availabilityUrl == null ? URI.create("http://127.0.0.1:8082") : availabilityUrl;
        holdDuration = holdDuration == null ? Duration.ofMinutes(10) : holdDuration;
        outcomeTimeout = outcomeTimeout == null ? Duration.ofSeconds(10) : outcomeTimeout;
        requester = requester == null || requester.isBlank() ? "booking-bridge" : requester;
        proposalTtl = proposalTtl == null ? Duration.ofMinutes(30) : proposalTtl;
        maxProposals = maxProposals <= 0 ? 100_000 : maxProposals;
    }
}
