package io.slotstream.schemas.mapping;

import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.Provenance;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.StringType;

import java.util.List;
import java.util.Objects;

import static io.slotstream.schemas.fhir.SchedulingExtensions.TIMEZONE;

/** Location per the SMART Scheduling Links STU1 Location profile (§5.1) plus the core timezone extension. */
final class LocationMapper extends ResourceMapper<Location, FhirLocation> {

    private static final List<TypedExtension> TYPED_EXTENSIONS = List.of(
            new TypedExtension(TIMEZONE, CodeType.class, false));

    LocationMapper(DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        super(Location.class, types, extensions, residuals);
    }

    @Override
    protected FhirLocation project(Location location, String id, Provenance provenance) {
        ExtensionSplit split = extensions.split(location, TYPED_EXTENSIONS);
        CodeType timeZone = split.single(TIMEZONE, CodeType.class);
        return FhirLocation.newBuilder()
                .setId(id)
                .setProvenance(provenance)
                .setIdentifier(types.list(location.hasIdentifier() ? location.getIdentifier() : List.of(), types::identifier))
                .setStatus(location.hasStatus() ? DatatypeMapper.code(location.getStatusElement()) : null)
                .setName(location.getName())
                .setAlias(location.hasAlias() ? location.getAlias().stream().map(StringType::getValue).filter(Objects::nonNull).toList() : List.of())
                .setDescription(location.getDescription())
                .setTelecom(types.list(location.hasTelecom() ? location.getTelecom() : List.of(), types::contactPoint))
                .setAddress(location.hasAddress() ? types.address(location.getAddress()) : null)
                .setPhysicalType(location.hasPhysicalType() ? types.codeableConcept(location.getPhysicalType()) : null)
                .setPosition(location.hasPosition() ? types.position(location.getPosition()) : null)
                .setTimeZone(timeZone == null ? null : timeZone.getValue())
                .setExtensions(split.unknown())
                .setResidualJson(null)
                .build();
    }

    @Override
    protected void fill(FhirLocation record, Location target, FromResidual residual) {
        residual.orTyped("identifier", () -> record.getIdentifier().forEach(i -> target.addIdentifier(types.identifier(i))));
        residual.orTyped("status", () -> DatatypeMapper.setCode(record.getStatus(), target::getStatusElement));
        residual.orTyped("name", () -> target.setName(record.getName()));
        residual.orTyped("alias", () -> record.getAlias().forEach(target::addAlias));
        residual.orTyped("description", () -> target.setDescription(record.getDescription()));
        residual.orTyped("telecom", () -> record.getTelecom().forEach(c -> target.addTelecom(types.contactPoint(c))));
        residual.orTyped("address", () -> {
            if (record.getAddress() != null) {
                target.setAddress(types.address(record.getAddress()));
            }
        });
        residual.orTyped("physicalType", () -> {
            if (record.getPhysicalType() != null) {
                target.setPhysicalType(types.codeableConcept(record.getPhysicalType()));
            }
        });
        residual.orTyped("position", () -> {
            if (record.getPosition() != null) {
                target.setPosition(types.position(record.getPosition()));
            }
        });
        List<Extension> typed = record.getTimeZone() == null ? List.of()
                : List.of(ExtensionCodec.typed(TIMEZONE, new CodeType(record.getTimeZone())));
        fillExtensions(target, typed, record.getExtensions(), residual);
    }
}
