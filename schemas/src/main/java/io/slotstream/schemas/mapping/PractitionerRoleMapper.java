package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.PractitionerRole;

import java.util.List;

/** PractitionerRole per the SMART Scheduling Links STU1 PractitionerRole profile (§5.4); no typed extensions. */
final class PractitionerRoleMapper extends ResourceMapper<PractitionerRole, FhirPractitionerRole> {

    PractitionerRoleMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(PractitionerRole.class, types, extensions, residuals);
    }

    @Override
    protected FhirPractitionerRole project(PractitionerRole role, String id, Provenance provenance) {
        return FhirPractitionerRole.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(role.hasIdentifier() ? role.getIdentifier() : List.of(), types::identifier))
                .setActive(role.hasActiveElement() ? role.getActiveElement().getValue() : null)
                .setPeriod(role.hasPeriod() ? types.period(role.getPeriod()) : null)
                .setPractitioner(role.hasPractitioner() ? types.reference(role.getPractitioner()) : null)
                .setOrganization(role.hasOrganization() ? types.reference(role.getOrganization()) : null)
                .setCode(types.list(role.hasCode() ? role.getCode() : List.of(), types::codeableConcept))
                .setSpecialty(types.list(role.hasSpecialty() ? role.getSpecialty() : List.of(), types::codeableConcept))
                .setLocation(types.list(role.hasLocation() ? role.getLocation() : List.of(), types::reference))
                .setHealthcareService(types.list(role.hasHealthcareService() ? role.getHealthcareService() : List.of(), types::reference))
                .setTelecom(types.list(role.hasTelecom() ? role.getTelecom() : List.of(), types::contactPoint))
                .setExtensions(extensions.split(role, List.of()).unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirPractitionerRole record, PractitionerRole target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("active", () -> {
            if (record.getActive() != null) {
                target.setActive(record.getActive());
            }
        });
        residual.orTyped("period", () -> {
            if (record.getPeriod() != null) {
                target.setPeriod(types.period(record.getPeriod()));
            }
        });
        residual.orTyped("practitioner", () -> {
            if (record.getPractitioner() != null) {
                target.setPractitioner(types.reference(record.getPractitioner()));
            }
        });
        residual.orTyped("organization", () -> {
            if (record.getOrganization() != null) {
                target.setOrganization(types.reference(record.getOrganization()));
            }
        });
        residual.orTyped("code", () -> record.getCode().forEach(c -> target.addCode(types.codeableConcept(c))));
        residual.orTyped("specialty", () -> record.getSpecialty().forEach(c -> target.addSpecialty(types.codeableConcept(c))));
        residual.orTyped("location", () -> record.getLocation().forEach(r -> target.addLocation(types.reference(r))));
        residual.orTyped("healthcareService", () -> record.getHealthcareService().forEach(r -> target.addHealthcareService(types.reference(r))));
        residual.orTyped("telecom", () -> record.getTelecom().forEach(c -> target.addTelecom(types.contactPoint(c))));
        fillExtensions(target, List.of(), record.getExtensions(), residual);
    }
}
