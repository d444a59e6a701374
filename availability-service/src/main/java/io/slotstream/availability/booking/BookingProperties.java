package io.slotstream.availability.booking;

import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the booking decision point ({@code slotstream.booking.*}, env {@code SLOTSTREAM_BOOKING_*}).
 *
 * @param holdExpiryInterval how often lapsed holds are expired and old request outcomes pruned (wall clock)
 * @param outcomeRetention   how long the outcome of a request id is kept, so that a retry with the same request id
 *                           gets the same outcome (the idempotency window; default 24 h); a retry after that is
 *                           decided anew
 * @param sourceClockTolerance how far a source EHR's clock may lag ours (default 2 s): a source's busy Slot whose
 *                           {@code meta.lastUpdated} is more than this before the moment a booked slot became ours is
 *                           another booking (CONFLICT), a later one is the echo of ours (BookingDecisionProcessor)
 * @param rules              default provider rules
 * @param sources            per-source overrides of the rules, by source id (the canonical id prefix)
 */
@ConfigurationProperties("slotstream.booking")
public record BookingProperties(Duration holdExpiryInterval, Duration outcomeRetention, Duration sourceClockTolerance,
                                BookingRules rules, Map<String, BookingRules> sources) {

    public BookingProperties {
        holdExpiryInterval = holdExpiryInterval == null ? Duration.ofSeconds(1) : holdExpiryInterval;
        outcomeRetention = outcomeRetention == null ? Duration.ofHours(24) : outcomeRetention;
        if (outcomeRetention.isNegative() || outcomeRetention.isZero()) {
            throw new IllegalArgumentException("slotstream.booking.outcome-retention must be positive: " + outcomeRetention);
        }
        sourceClockTolerance = sourceClockTolerance == null ? Duration.ofSeconds(2) : sourceClockTolerance;
        if (sourceClockTolerance.isNegative()) {
            throw new IllegalArgumentException("slotstream.booking.source-clock-tolerance must not be negative: "
                    + sourceClockTolerance);
        }
        rules = rules == null ? BookingRules.DEFAULT : rules;
        sources = sources == null ? Map.of() : new HashMap<>(sources);
    }

    /** @return the rulebook these settings describe */
    public BookingRulebook rulebook() {
        return new BookingRulebook(rules, sources);
    }
}
