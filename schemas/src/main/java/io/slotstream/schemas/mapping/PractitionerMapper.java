package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.Practitioner;

import java.util.List;

/** Practitioner per the SMART Scheduling Links STU1 Practitioner profile (§5.5); no typed extensions. */
final class PractitionerMapper extends ResourceMapper<Practitioner, FhirPractitioner> {

    PractitionerMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(Practitioner.class, types, extensions, residuals);
    }

    @Override
    protected FhirPractitioner project(Practitioner practitioner, String id, Provenance provenance) {
        return FhirPractitioner.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(practitioner.hasIdentifier() ? practitioner.getIdentifier() : List.of(), types::identifier))
                .setActive(practitioner.hasActiveElement() ? practitioner.getActiveElement().getValue() : null)
                .setName(types.list(practitioner.hasName() ? practitioner.getName() : List.of(), types::humanName))
                .setTelecom(types.list(practitioner.hasTelecom() ? practitioner.getTelecom() : List.of(), types::contactPoint))
                .setAddress(types.list(practitioner.hasAddress() ? practitioner.getAddress() : List.of(), types::address))
                .setExtensions(extensions.split(practitioner, List.of()).unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirPractitioner record, Practitioner target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("active", () -> {
            if (record.getActive() != null) {
                target.setActive(record.getActive());
            }
        });
        residual.orTyped("name", () -> record.getName().forEach(n -> target.addName(types.humanName(n))));
        residual.orTyped("telecom", () -> record.getTelecom().forEach(c -> target.addTelecom(types.contactPoint(c))));
        residual.orTyped("address", () -> record.getAddress().forEach(a -> target.addAddress(types.address(a))));
        fillExtensions(target, List.of(), record.getExtensions(), residual);
    }
}
