package io.slotstream.availability.store;

/** Names of the state stores; interactive queries use the same names. */
public final class StoreNames {

    /** slotId -> {@link SlotState} (source slot + booking state). Slot partitions. */
    public static final String SLOT_STATE = "slot-state";
    /** {@link ExpiryIndex} key -> empty: active holds by expiry time. Slot partitions. */
    public static final String HOLD_EXPIRY = "hold-expiry-index";
    /** slotId -> {@link EffectiveSlot}: left table of the schedule join. Slot partitions. */
    public static final String EFFECTIVE_SLOTS = "effective-slots";
    /** slotId -> SlotAvailability: the published view (what was last written to slot.availability.v1). */
    public static final String SLOT_VIEW = "slot-view";
    /** {@link ScheduleIndex} key -> empty: published slots by schedule and start. Slot partitions. */
    public static final String SLOT_BY_SCHEDULE = "slot-by-schedule";
    /** scheduleId -> FhirSchedule (KTable over fhir.schedule.v1). Schedule partitions. */
    public static final String SCHEDULES = "schedules";
    /** Global stores (every instance holds all of them). */
    public static final String LOCATIONS = "locations";
    public static final String PRACTITIONER_ROLES = "practitioner-roles";
    public static final String HEALTHCARE_SERVICES = "healthcare-services";
    public static final String PRACTITIONERS = "practitioners";

    private StoreNames() {
    }
}
