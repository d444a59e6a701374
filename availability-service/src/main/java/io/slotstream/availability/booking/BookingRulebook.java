package io.slotstream.availability.booking;

import java.util.Map;

/**
 * The {@link BookingRules} of each Schedule: a per-source override (the source id is the canonical id's prefix
 * before the first dot, see CanonicalId) or the default.
 *
 * @param defaults  rules of every source without an override
 * @param bySource  source id -> rules
 */
public record BookingRulebook(BookingRules defaults, Map<String, BookingRules> bySource) {

    public BookingRulebook {
        defaults = defaults == null ? BookingRules.DEFAULT : defaults;
        bySource = bySource == null ? Map.of() : Map.copyOf(bySource);
    }

    /** @return the rules for a canonical Schedule id */
    public BookingRules rulesFor(String scheduleId) {
        int dot = scheduleId == null ? -1 : scheduleId.indexOf('.');
        return dot < 0 ? defaults : bySource.getOrDefault(scheduleId.substring(0, dot), defaults);
    }
}
