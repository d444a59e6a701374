package io.slotstream.bench.generator;

import java.util.Locale;

/**
 * The three sizes of generated health system (issue 7). Slot counts are approximate: templates, days off and
 * Saturday clinics are drawn from the seed; {@link HealthSystem#countSlots()} gives the exact number for a seed.
 *
 * @param locations               number of Locations (clinics), spread over US states
 * @param practitionersPerLocation practitioners (each with one PractitionerRole and one Schedule) per Location
 * @param days                    calendar days of slots from the start date
 */
public record SystemSize(String name, int locations, int practitionersPerLocation, int days) {

    /** CI smoke size: 5 locations, 15 schedules, 35 days, about 10k slots. */
    public static final SystemSize SMALL = new SystemSize("small", 5, 3, 35);
    /** About 1M slots: 100 locations, 500 schedules, 100 days. */
    public static final SystemSize MEDIUM = new SystemSize("medium", 100, 5, 100);
    /** design.md "Scale we design for": 500 locations, 5,000 practitioners, 100 days, about 10M slots. */
    public static final SystemSize LARGE = new SystemSize("large", 500, 10, 100);

    public SystemSize {
        if (locations < 1 || practitionersPerLocation < 1 || days < 1) {
            throw new IllegalArgumentException("size " + name + ": locations, practitioners per location and days must be >= 1");
        }
    }

    /** Schedules (= practitioners = PractitionerRoles) in the system. */
    public int schedules() {
        return locations * practitionersPerLocation;
    }

    /**
     * @param name {@code small}, {@code medium} or {@code large} (case-insensitive)
     * @throws IllegalArgumentException for any other name
     */
    public static SystemSize parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "small" -> SMALL;
            case "medium" -> MEDIUM;
            case "large" -> LARGE;
            default -> throw new IllegalArgumentException("unknown size '" + name + "': use small, medium or large");
        };
    }
}
