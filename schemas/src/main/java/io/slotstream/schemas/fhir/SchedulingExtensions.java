package io.slotstream.schemas.fhir;

/**
 * Canonical URLs of the extensions and code systems SMART Scheduling Links uses, copied from
 * shared/spec/smart-scheduling-links.md. STU1 URLs (section 6.1) are the ones Slotstream publishes and maps to typed
 * Avro fields; the legacy 2021 URLs (section 6.2) still arrive in older feeds and are normalised by ingest, not by the
 * Avro mapping (which keeps them verbatim as unknown extensions).
 */
public final class SchedulingExtensions {

    private SchedulingExtensions() {
    }

    /** Base of the HL7 IG's StructureDefinitions (STU1, canonical http://hl7.org/fhir/uv/smart-scheduling-links). */
    public static final String STU1_BASE = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/";

    /** STU1 §6.1 Booking Deep Link, on Slot, {@code valueUrl}, 0..1: a URL into the provider booking portal. */
    public static final String BOOKING_DEEP_LINK = STU1_BASE + "booking-deep-link";
    /** STU1 §6.1 Booking Phone, on Slot, {@code valueContactPoint} with system {@code phone}, 0..1 (was valueString in 2021). */
    public static final String BOOKING_PHONE = STU1_BASE + "booking-phone";
    /** STU1 §6.1 Patient Type, on Slot, {@code valueCoding} from {@link #ACCEPTING_PATIENTS_SYSTEM}, 1..1 in STU1. */
    public static final String PATIENT_TYPE = STU1_BASE + "patient-type";
    /** STU1 §6.1 Schedule Specialty, on Schedule, {@code valueCoding}, 0..*. */
    public static final String SCHEDULE_SPECIALTY = STU1_BASE + "schedule-specialty";
    /** STU1 §6.1 / §5.1 R5 cross-version extension Location.virtualService, on Location, complex, 0..*. */
    public static final String LOCATION_VIRTUAL_SERVICE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Location.virtualService";
    /** §5.1 proposal (PR #45, not part of STU1): licensed states of a virtual Location, valueString per state. */
    public static final String LICENSED_STATES_PROPOSAL = STU1_BASE + "licensed-states";

    /** Code system of {@link #PATIENT_TYPE}: codes newpt, existptonly, existptfam, nopt (STU1 §6.1). */
    public static final String ACCEPTING_PATIENTS_SYSTEM = "http://terminology.hl7.org/CodeSystem/accepting-patients";

    /**
     * Core FHIR extension (not SMART-specific) giving a Location's IANA time zone as {@code valueCode}; Slotstream
     * uses it to publish slot times in the location's local offset (STU1 §4.1).
     */
    public static final String TIMEZONE = "http://hl7.org/fhir/StructureDefinition/timezone";

    /** §9 narrative-only (aggregators): {@code meta.extension} with {@code valueDateTime}, when data was last known accurate. */
    public static final String LAST_SOURCE_SYNC = "http://hl7.org/fhir/StructureDefinition/lastSourceSync";

    /** Base of the 2021 specification's extension URLs (§6.2). */
    public static final String LEGACY_BASE = "http://fhir-registry.smarthealthit.org/StructureDefinition/";

    /** §6.2 legacy booking link, on Slot, {@code valueUrl}. */
    public static final String LEGACY_BOOKING_DEEP_LINK = LEGACY_BASE + "booking-deep-link";
    /** §6.2 legacy booking phone, on Slot, {@code valueString} (not a ContactPoint). */
    public static final String LEGACY_BOOKING_PHONE = LEGACY_BASE + "booking-phone";
    /** §6.2 legacy slot capacity, on Slot, {@code valueInteger}; dropped in STU1. */
    public static final String LEGACY_SLOT_CAPACITY = LEGACY_BASE + "slot-capacity";
    /** §6.2 legacy vaccine product, on Schedule, {@code valueCoding} (CVX). */
    public static final String LEGACY_VACCINE_PRODUCT = LEGACY_BASE + "vaccine-product";
    /** §6.2 legacy dose number, on Schedule, {@code valueInteger}. */
    public static final String LEGACY_VACCINE_DOSE = LEGACY_BASE + "vaccine-dose";
    /**
     * §6.2 / §9 has-availability, on Schedule, {@code valueCode} some | none | unknown (aggregators only). STU1 keeps
     * this old URL (narrative-only, no StructureDefinition in the IG).
     */
    public static final String HAS_AVAILABILITY = LEGACY_BASE + "has-availability";
    /** §6.1 early-draft Schedule specialty, superseded by {@link #SCHEDULE_SPECIALTY}; seen in the 2026 draft feed. */
    public static final String LEGACY_SCHEDULE_SPECIALTY = LEGACY_BASE + "specialty";
}
