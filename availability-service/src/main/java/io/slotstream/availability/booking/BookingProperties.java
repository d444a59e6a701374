package io.slotstream.availability.booking;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Settings of the booking decision point ({@code slotstream.booking.*}, env {@code SLOTSTREAM_BOOKING_*}).
 *
 * @param holdExpiryInterval how often lapsed holds are expired (wall clock)
 * @param rules              default provider rules
 * @param sources            per-source overrides of the rules, by source id (the canonical id prefix)
 */
@ConfigurationProperties("slotstream.booking")
public record BookingProperties(Duration holdExpiryInterval, BookingRules rules, Map<String, BookingRules> sources) {

    public BookingProperties {
        holdExpiryInterval = holdExpiryInterval == null ? Duration.ofSeconds(1) : holdExpiryInterval;
        rules = rules == null ? BookingRules.DEFAULT : rules;
        sources = sources == null ? Map.of() : new HashMap<>(sources);
    }

    /** @return the rulebook these settings describe */
    public BookingRulebook rulebook() {
        return new BookingRulebook(rules, sources);
    }
}
