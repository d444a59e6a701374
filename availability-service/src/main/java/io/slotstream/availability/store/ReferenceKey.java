package io.slotstream.availability.store;

/**
 * Keys of reference resources inside the view, in FHIR relative-reference form {@code Type/id} (e.g.
 * {@code Location/acme.1}): ids are unique per type only, so the type is part of the key.
 */
public final class ReferenceKey {

    public static final String LOCATION = "Location";
    public static final String SCHEDULE = "Schedule";
    public static final String PRACTITIONER_ROLE = "PractitionerRole";
    public static final String HEALTHCARE_SERVICE = "HealthcareService";
    public static final String PRACTITIONER = "Practitioner";

    private ReferenceKey() {
    }

    /** @return {@code type/id} */
    public static String of(String type, String id) {
        return type + "/" + id;
    }
}
