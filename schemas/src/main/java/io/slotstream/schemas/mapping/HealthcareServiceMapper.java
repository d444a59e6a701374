package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.HealthcareService;

import java.util.List;

/** HealthcareService per the SMART Scheduling Links STU1 HealthcareService profile (§5.6); no typed extensions. */
final class HealthcareServiceMapper extends ResourceMapper<HealthcareService, FhirHealthcareService> {

    HealthcareServiceMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(HealthcareService.class, types, extensions, residuals);
    }

    @Override
    protected FhirHealthcareService project(HealthcareService service, String id, Provenance provenance) {
        return FhirHealthcareService.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(service.hasIdentifier() ? service.getIdentifier() : List.of(), types::identifier))
                .setActive(service.hasActiveElement() ? service.getActiveElement().getValue() : null)
                .setProvidedBy(service.hasProvidedBy() ? types.reference(service.getProvidedBy()) : null)
                .setCategory(types.list(service.hasCategory() ? service.getCategory() : List.of(), types::codeableConcept))
                .setType(types.list(service.hasType() ? service.getType() : List.of(), types::codeableConcept))
                .setSpecialty(types.list(service.hasSpecialty() ? service.getSpecialty() : List.of(), types::codeableConcept))
                .setLocation(types.list(service.hasLocation() ? service.getLocation() : List.of(), types::reference))
                .setName(service.getName())
                .setComment(service.getComment())
                .setTelecom(types.list(service.hasTelecom() ? service.getTelecom() : List.of(), types::contactPoint))
                .setServiceProvisionCode(types.list(service.hasServiceProvisionCode() ? service.getServiceProvisionCode() : List.of(), types::codeableConcept))
                .setAppointmentRequired(service.hasAppointmentRequiredElement() ? service.getAppointmentRequiredElement().getValue() : null)
                .setAvailableTime(types.list(service.hasAvailableTime() ? service.getAvailableTime() : List.of(), types::availableTime))
                .setNotAvailable(types.list(service.hasNotAvailable() ? service.getNotAvailable() : List.of(), types::notAvailable))
                .setExtensions(extensions.split(service, List.of()).unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirHealthcareService record, HealthcareService target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("active", () -> {
            if (record.getActive() != null) {
                target.setActive(record.getActive());
            }
        });
        residual.orTyped("providedBy", () -> {
            if (record.getProvidedBy() != null) {
                target.setProvidedBy(types.reference(record.getProvidedBy()));
            }
        });
        residual.orTyped("category", () -> record.getCategory().forEach(c -> target.addCategory(types.codeableConcept(c))));
        residual.orTyped("type", () -> record.getType().forEach(c -> target.addType(types.codeableConcept(c))));
        residual.orTyped("specialty", () -> record.getSpecialty().forEach(c -> target.addSpecialty(types.codeableConcept(c))));
        residual.orTyped("location", () -> record.getLocation().forEach(r -> target.addLocation(types.reference(r))));
        residual.orTyped("name", () -> target.setName(record.getName()));
        residual.orTyped("comment", () -> target.setComment(record.getComment()));
        residual.orTyped("telecom", () -> record.getTelecom().forEach(c -> target.addTelecom(types.contactPoint(c))));
        residual.orTyped("serviceProvisionCode", () -> record.getServiceProvisionCode().forEach(c -> target.addServiceProvisionCode(types.codeableConcept(c))));
        residual.orTyped("appointmentRequired", () -> {
            if (record.getAppointmentRequired() != null) {
                target.setAppointmentRequired(record.getAppointmentRequired());
            }
        });
        residual.orTyped("availableTime", () -> record.getAvailableTime().forEach(t -> target.addAvailableTime(types.availableTime(t))));
        residual.orTyped("notAvailable", () -> record.getNotAvailable().forEach(n -> target.addNotAvailable(types.notAvailable(n))));
        fillExtensions(target, List.of(), record.getExtensions(), residual);
    }
}
