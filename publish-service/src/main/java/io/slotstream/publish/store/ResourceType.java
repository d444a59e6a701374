package io.slotstream.publish.store;

/**
 * The resource types of the publication, in manifest order (SMART Scheduling Links STU1 §3.2 output types, plus
 * HealthcareService, which STU1 profiles for the resources a Schedule's actors reference), each with the one-byte tag
 * that prefixes its keys in the store.
 */
public enum ResourceType {
    LOCATION('L', "Location"),
    SCHEDULE('S', "Schedule"),
    PRACTITIONER_ROLE('P', "PractitionerRole"),
    HEALTHCARE_SERVICE('H', "HealthcareService"),
    SLOT('T', "Slot");

    private final byte tag;
    private final String fhirType;

    ResourceType(char tag, String fhirType) {
        this.tag = (byte) tag;
        this.fhirType = fhirType;
    }

    /** @return the key prefix byte in the store */
    public byte tag() {
        return tag;
    }

    /** @return the FHIR resourceType, also the manifest's {@code output[].type} */
    public String fhirType() {
        return fhirType;
    }

    /** @throws IllegalArgumentException for an unknown tag (a corrupt store) */
    public static ResourceType ofTag(byte tag) {
        for (ResourceType type : values()) {
            if (type.tag == tag) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown resource tag " + tag);
    }

    /** @return the type with that FHIR resourceType, or null */
    public static ResourceType ofFhirType(String fhirType) {
        for (ResourceType type : values()) {
            if (type.fhirType.equals(fhirType)) {
                return type;
            }
        }
        return null;
    }
}
