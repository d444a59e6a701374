package io.slotstream.schemas.booking;

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

    /** @return the rules for a canonical Schedule (or Slot) id */
    public BookingRules rulesFor(String canonicalId) {
        int dot = canonicalId == null ? -1 : canonicalId.indexOf('.');
        return dot < 0 ? defaults : bySource.getOrDefault(canonicalId.substring(0, dot), defaults);
    }

    /**
     * @return the earliest start any source's rules allow now, UTC epoch ms (a search window bound that every
     * source's own check then narrows)
     */
    public long earliestStartOfAny(long nowMs) {
        long earliest = defaults.earliestStart(nowMs);
        for (BookingRules rules : bySource.values()) {
            earliest = Math.min(earliest, rules.earliestStart(nowMs));
        }
        return earliest;
    }

    /** @return the latest start any source's rules allow now, UTC epoch ms */
    public long latestStartOfAny(long nowMs) {
        long latest = defaults.latestStart(nowMs);
        for (BookingRules rules : bySource.values()) {
            latest = Math.max(latest, rules.latestStart(nowMs));
        }
        return latest;
    }
}
