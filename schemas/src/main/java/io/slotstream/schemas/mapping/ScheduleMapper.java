package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Schedule;

import java.util.List;

import static io.slotstream.schemas.fhir.SchedulingExtensions.SCHEDULE_SPECIALTY;

/** Schedule per the SMART Scheduling Links STU1 Schedule profile (§5.2) with the schedule-specialty extension (§6.1). */
final class ScheduleMapper extends ResourceMapper<Schedule, FhirSchedule> {

    private static final List<TypedExtension> TYPED_EXTENSIONS = List.of(
            new TypedExtension(SCHEDULE_SPECIALTY, Coding.class, true));

    ScheduleMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(Schedule.class, types, extensions, residuals);
    }

    @Override
    protected FhirSchedule project(Schedule schedule, String id, Provenance provenance) {
        ExtensionSplit split = extensions.split(schedule, TYPED_EXTENSIONS);
        return FhirSchedule.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(schedule.hasIdentifier() ? schedule.getIdentifier() : List.of(), types::identifier))
                .setActive(schedule.hasActiveElement() ? schedule.getActiveElement().getValue() : null)
                .setServiceCategory(types.list(schedule.hasServiceCategory() ? schedule.getServiceCategory() : List.of(), types::codeableConcept))
                .setServiceType(types.list(schedule.hasServiceType() ? schedule.getServiceType() : List.of(), types::codeableConcept))
                .setSpecialty(types.list(schedule.hasSpecialty() ? schedule.getSpecialty() : List.of(), types::codeableConcept))
                .setActor(types.list(schedule.hasActor() ? schedule.getActor() : List.of(), types::reference))
                .setPlanningHorizon(schedule.hasPlanningHorizon() ? types.period(schedule.getPlanningHorizon()) : null)
                .setComment(schedule.getComment())
                .setScheduleSpecialty(types.list(split.all(SCHEDULE_SPECIALTY, Coding.class), types::coding))
                .setExtensions(split.unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirSchedule record, Schedule target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("active", () -> {
            if (record.getActive() != null) {
                target.setActive(record.getActive());
            }
        });
        residual.orTyped("serviceCategory", () -> record.getServiceCategory().forEach(c -> target.addServiceCategory(types.codeableConcept(c))));
        residual.orTyped("serviceType", () -> record.getServiceType().forEach(c -> target.addServiceType(types.codeableConcept(c))));
        residual.orTyped("specialty", () -> record.getSpecialty().forEach(c -> target.addSpecialty(types.codeableConcept(c))));
        residual.orTyped("actor", () -> record.getActor().forEach(r -> target.addActor(types.reference(r))));
        residual.orTyped("planningHorizon", () -> {
            if (record.getPlanningHorizon() != null) {
                target.setPlanningHorizon(types.period(record.getPlanningHorizon()));
            }
        });
        residual.orTyped("comment", () -> target.setComment(record.getComment()));
        fillExtensions(target,
                record.getScheduleSpecialty().stream().map(c -> ExtensionCodec.typed(SCHEDULE_SPECIALTY, types.coding(c))).toList(),
                record.getExtensions(), residual);
    }
}
