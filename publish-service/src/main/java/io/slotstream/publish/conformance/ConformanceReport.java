package io.slotstream.publish.conformance;

import java.util.List;
import java.util.Map;

/**
 * What {@link PublicationConformance} found.
 *
 * @param violations     every failure, in the order found; empty = conformant
 * @param resourcesByType lines per manifest type (Location, Schedule, PractitionerRole, Slot)
 * @param slotsByStatus   Slots per status code (free, busy, ...)
 */
public record ConformanceReport(List<Violation> violations, Map<String, Integer> resourcesByType,
                                Map<String, Integer> slotsByStatus) {

    public boolean conformant() {
        return violations.isEmpty();
    }
}
