package io.slotstream.booking.find;

import io.slotstream.booking.BookingBridgeProperties;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Proposals of recent {@code $find} calls by id, so that {@code $hold}/{@code $book} can take an
 * {@code appointment-reference} to one (ITI-116/117). Bounded (LRU) and time-limited; per instance: a proposal made
 * by another instance is unknown here, and the client then sends {@code appointment-resource} to {@code $book} (the
 * proposed Appointment names its slots) or repeats {@code $find}.
 */
@Component
public class ProposalCache {

    private record Cached(Proposal proposal, long expiresAtMs) {
    }

    private final long ttlMs;
    private final Clock clock;
    private final Map<String, Cached> entries;

    public ProposalCache(BookingBridgeProperties properties) {
        this.ttlMs = properties.proposalTtl().toMillis();
        this.clock = Clock.systemUTC();
        int max = properties.maxProposals();
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > max;
            }
        };
    }

    public synchronized void put(Proposal proposal) {
        entries.put(proposal.id(), new Cached(proposal, clock.millis() + ttlMs));
    }

    /** @return the proposal, or empty when unknown here or older than the TTL */
    public synchronized Optional<Proposal> get(String id) {
        Cached entry = entries.get(id);
        if (entry == null || entry.expiresAtMs() <= clock.millis()) {
            entries.remove(id);
            return Optional.empty();
        }
        return Optional.of(entry.proposal());
    }
}
