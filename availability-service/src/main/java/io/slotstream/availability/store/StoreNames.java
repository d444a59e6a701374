package io.slotstream.availability.store;

/** Names of the state stores; interactive queries use the same names. */
public final class StoreNames {

    /** slotId -> {@link SlotState} (source slot + booking state). Slot partitions. */
    public static final String SLOT_STATE = "slot-state";
    /**
     * scheduleId -> {@link ScheduleContext}: every Schedule's context, broadcast to each slot partition, where the
     * slots are joined with it. Slot partitions (each holds all).
     */
    public static final String SCHEDULE_CONTEXT_COPY = "schedule-context-copy";
    /** {@link DependentsIndex} key (Schedule id, slot id) -> empty: the source slots of each Schedule. Slot partitions. */
    public static final String SLOTS_BY_SCHEDULE = "slots-by-schedule";
    /** slotId -> SlotAvailability: the published view (what was last written to slot.availability.v1). */
    public static final String SLOT_VIEW = "slot-view";
    /** scheduleId -> FhirSchedule (KTable over fhir.schedule.v1). Schedule partitions. */
    public static final String SCHEDULES = "schedules";
    /** scheduleId -> {@link ScheduleContextState}: the schedule-context processor's own state. Schedule partitions. */
    public static final String SCHEDULE_CONTEXT_STATE = "schedule-context-state";
    /** {@link DependentsIndex} key -> empty: which schedules depend on a reference. Schedule partitions. */
    public static final String SCHEDULE_DEPENDENTS = "schedule-dependents";
    /**
     * {@link ReferenceKey} -> reference record: every Location, PractitionerRole, HealthcareService and Practitioner,
     * broadcast to each schedule partition (so a context resolves locally). Schedule partitions.
     */
    public static final String REFERENCE_COPY = "reference-copy";
    /**
     * {@link ReferenceKey} -> ReferenceAvailability: what was last written to reference.availability.v1 (Schedules on
     * their own partition, the other reference resources on partition 0). Schedule partitions.
     */
    public static final String REFERENCE_EMITTED = "reference-emitted";
    /** {@link DependentsIndex} key (Location key, role/service key) -> empty: whose emitted states a Location sets. */
    public static final String REFERENCE_EMISSION_DEPENDENTS = "reference-emission-dependents";
    /** {@link ExpiryIndex} key (slot end, slot id) -> empty: known source slots by end time, for retirement. Slot partitions. */
    public static final String SLOT_END_INDEX = "slot-end-index";
    /** Reference tables (KTables over their topics), partitioned by resource id; searches fan out over them. */
    public static final String LOCATIONS = "locations";
    public static final String PRACTITIONER_ROLES = "practitioner-roles";
    public static final String HEALTHCARE_SERVICES = "healthcare-services";
    public static final String PRACTITIONERS = "practitioners";

    private StoreNames() {
    }
}
