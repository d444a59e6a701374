package io.slotstream.schemas.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * FHIR R4 scheduling resources (HAPI {@code org.hl7.fhir.r4.model}) to the Avro records of the {@code fhir.*.v1}
 * topics and back. Thread-safe and fairly costly to create (HAPI context): create one and share it.
 * <p>
 * <b>Typed fields.</b> Every element the SMART Scheduling Links STU1 profiles name (§5.1-5.6) and the STU1 extensions
 * (§6.1: booking-deep-link, booking-phone, patient-type, schedule-specialty; plus the core timezone extension on
 * Location) get their best typed projection. Instants are UTC epoch milliseconds; Slot start/end also keep the
 * source's UTC offset in seconds, and {@code toFhir} writes them with that offset ("Z" for 0), with milliseconds only
 * when non-zero. Period bounds (dateTime) are UTC epoch milliseconds too; a date-only bound (2020-01-01) is UTC
 * midnight and a UTC midnight comes back as a date (any other form is kept by the residual). Other extensions, including the legacy 2021 URLs (§6.2, normalised by ingest, not here), are kept
 * verbatim in {@code extensions}, in source order.
 * <p>
 * <b>Lossless.</b> {@code toFhir(toAvro(r))} {@code equalsDeep} {@code r}, also after Avro binary encoding. To get
 * there, {@code toAvro} rebuilds the resource from the typed fields and compares every top-level element with the
 * source (equalsDeep plus date precision and offset); each element that differs (e.g. text, contained, language,
 * modifierExtension, meta beyond versionId/lastUpdated, an identifier with period, a primitive with an extension, a
 * date-only period, an extension list whose order typed-then-verbatim cannot rebuild) is written verbatim into
 * {@code residualJson}, and {@code toFhir} takes it from there instead of from the typed field.
 * <p>
 * <b>Meta and id.</b> {@code toAvro} copies meta.versionId and meta.lastUpdated into the record's provenance
 * ({@code sourceVersionId}, {@code sourceLastUpdated}: null when absent), replacing what the given provenance had
 * there; the other provenance fields are kept. {@code toFhir} restores them into meta and gives the resource the id
 * HAPI's parser would: {@code Type/id} or {@code Type/id/_history/versionId}.
 */
public final class FhirAvroMapper {

    private final SlotMapper slots;
    private final ScheduleMapper schedules;
    private final LocationMapper locations;
    private final PractitionerRoleMapper practitionerRoles;
    private final PractitionerMapper practitioners;
    private final HealthcareServiceMapper healthcareServices;

    /** Uses {@link FhirContext#forR4Cached()}. */
    public FhirAvroMapper() {
        this(FhirContext.forR4Cached());
    }

    /**
     * Uses the given context (for applications that configure their own).
     *
     * @param r4 a FHIR R4 context
     * @throws IllegalArgumentException when the context is not FHIR R4
     */
    public FhirAvroMapper(FhirContext r4) {
        if (r4.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("FhirAvroMapper needs an R4 FhirContext, got " + r4.getVersion().getVersion());
        }
        FhirJson json = new FhirJson(r4);
        DatatypeMapper types = new DatatypeMapper();
        ExtensionCodec extensions = new ExtensionCodec(json);
        Residuals residuals = new Residuals(json);
        this.slots = new SlotMapper(types, extensions, residuals);
        this.schedules = new ScheduleMapper(types, extensions, residuals);
        this.locations = new LocationMapper(types, extensions, residuals);
        this.practitionerRoles = new PractitionerRoleMapper(types, extensions, residuals);
        this.practitioners = new PractitionerMapper(types, extensions, residuals);
        this.healthcareServices = new HealthcareServiceMapper(types, extensions, residuals);
    }

    /**
     * Slot to its {@code fhir.slot.v1} record (SMART Scheduling Links STU1 §5.3, extensions §6.1).
     *
     * @param slot       the Slot as the source stated it; not modified
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the slot's meta
     * @return the record, residualJson null unless some element needs it
     * @throws IllegalArgumentException when the slot has no id, or lacks schedule, status (one of the five R4 codes),
     *                                  start or end (all 1..1, SMART Scheduling Links STU1 §5.3)
     * @throws NullPointerException     when an argument is null
     */
    public FhirSlot toAvro(Slot slot, Provenance provenance) {
        return slots.toAvro(slot, provenance);
    }

    /**
     * FhirSlot record back to the Slot: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public Slot toFhir(FhirSlot slot) {
        return slots.toFhir(slot);
    }

    /**
     * Schedule to its {@code fhir.schedule.v1} record.
     *
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the resource's meta
     * @throws IllegalArgumentException when the schedule has no id
     * @throws NullPointerException     when an argument is null
     */
    public FhirSchedule toAvro(Schedule schedule, Provenance provenance) {
        return schedules.toAvro(schedule, provenance);
    }

    /**
     * FhirSchedule record back to the Schedule: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public Schedule toFhir(FhirSchedule schedule) {
        return schedules.toFhir(schedule);
    }

    /**
     * Location to its {@code fhir.location.v1} record.
     *
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the resource's meta
     * @throws IllegalArgumentException when the location has no id
     * @throws NullPointerException     when an argument is null
     */
    public FhirLocation toAvro(Location location, Provenance provenance) {
        return locations.toAvro(location, provenance);
    }

    /**
     * FhirLocation record back to the Location: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public Location toFhir(FhirLocation location) {
        return locations.toFhir(location);
    }

    /**
     * PractitionerRole to its {@code fhir.practitioner-role.v1} record.
     *
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the resource's meta
     * @throws IllegalArgumentException when the role has no id
     * @throws NullPointerException     when an argument is null
     */
    public FhirPractitionerRole toAvro(PractitionerRole role, Provenance provenance) {
        return practitionerRoles.toAvro(role, provenance);
    }

    /**
     * FhirPractitionerRole record back to the PractitionerRole: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public PractitionerRole toFhir(FhirPractitionerRole role) {
        return practitionerRoles.toFhir(role);
    }

    /**
     * Practitioner to its {@code fhir.practitioner.v1} record.
     *
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the resource's meta
     * @throws IllegalArgumentException when the practitioner has no id
     * @throws NullPointerException     when an argument is null
     */
    public FhirPractitioner toAvro(Practitioner practitioner, Provenance provenance) {
        return practitioners.toAvro(practitioner, provenance);
    }

    /**
     * FhirPractitioner record back to the Practitioner: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public Practitioner toFhir(FhirPractitioner practitioner) {
        return practitioners.toFhir(practitioner);
    }

    /**
     * HealthcareService to its {@code fhir.healthcare-service.v1} record.
     *
     * @param provenance where it came from; sourceVersionId/sourceLastUpdated are replaced by the resource's meta
     * @throws IllegalArgumentException when the service has no id
     * @throws NullPointerException     when an argument is null
     */
    public FhirHealthcareService toAvro(HealthcareService service, Provenance provenance) {
        return healthcareServices.toAvro(service, provenance);
    }

    /**
     * FhirHealthcareService record back to the HealthcareService: typed fields, with the residual's elements taking precedence.
     *
     * @return a new resource that equalsDeep the one given to toAvro
     * @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON
     */
    public HealthcareService toFhir(FhirHealthcareService service) {
        return healthcareServices.toFhir(service);
    }

    /**
     * Dispatches on the resource type.
     *
     * @return a FhirSlot, FhirSchedule, FhirLocation, FhirPractitionerRole, FhirPractitioner or FhirHealthcareService
     * @throws IllegalArgumentException for any other resource type (naming it), or as the typed methods do
     */
    public SpecificRecord toAvro(Resource resource, Provenance provenance) {
        return switch (resource) {
            case Slot slot -> toAvro(slot, provenance);
            case Schedule schedule -> toAvro(schedule, provenance);
            case Location location -> toAvro(location, provenance);
            case PractitionerRole role -> toAvro(role, provenance);
            case Practitioner practitioner -> toAvro(practitioner, provenance);
            case HealthcareService service -> toAvro(service, provenance);
            case null -> throw new NullPointerException("resource");
            default -> throw new IllegalArgumentException("no Avro mapping for FHIR resource type " + resource.fhirType()
                    + " (mapped: Slot, Schedule, Location, PractitionerRole, Practitioner, HealthcareService)");
        };
    }

    /**
     * Dispatches on the record class.
     *
     * @throws IllegalArgumentException for records other than the six Fhir* records (naming the class), or as the
     *                                  typed methods do
     */
    public Resource toFhir(SpecificRecord record) {
        return switch (record) {
            case FhirSlot slot -> toFhir(slot);
            case FhirSchedule schedule -> toFhir(schedule);
            case FhirLocation location -> toFhir(location);
            case FhirPractitionerRole role -> toFhir(role);
            case FhirPractitioner practitioner -> toFhir(practitioner);
            case FhirHealthcareService service -> toFhir(service);
            case null -> throw new NullPointerException("record");
            default -> throw new IllegalArgumentException("no FHIR mapping for Avro record " + record.getClass().getName()
                    + " (mapped: FhirSlot, FhirSchedule, FhirLocation, FhirPractitionerRole, FhirPractitioner, FhirHealthcareService)");
        };
    }
}
