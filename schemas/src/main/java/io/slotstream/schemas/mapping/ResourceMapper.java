package io.slotstream.schemas.mapping;

import io.slotstream.avro.Extension;
import io.slotstream.avro.Provenance;
import org.apache.avro.specific.SpecificRecordBase;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * FHIR resource to Avro record and back, for one resource type. Subclasses give the typed projection
 * ({@link #project}) and its inverse ({@link #fill}); this class adds the id, meta and the residual, so that
 * FHIR -> Avro -> FHIR gives back a resource that {@code equalsDeep} the input.
 * <p>
 * Every resource record has the fields {@code id}, {@code provenance} and {@code residualJson}.
 */
abstract class ResourceMapper<R extends DomainResource, A extends SpecificRecordBase> {

    private static final String ID = "id";
    private static final String PROVENANCE = "provenance";
    private static final String RESIDUAL = "residualJson";

    protected final DatatypeMapper types;
    protected final ExtensionCodec extensions;
    private final Residuals residuals;
    private final Class<R> fhirType;

    ResourceMapper(Class<R> fhirType, DatatypeMapper types, ExtensionCodec extensions, Residuals residuals) {
        this.fhirType = fhirType;
        this.types = types;
        this.extensions = extensions;
        this.residuals = residuals;
    }

    /**
     * @throws IllegalArgumentException when the resource has no id or lacks an element its record requires
     */
    final A toAvro(R resource, Provenance provenance) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(provenance, "provenance");
        String id = resource.getIdElement().getIdPart();
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(resource.fhirType() + " has no id (Resource.id)");
        }
        A record = project(resource, id, withMeta(provenance, resource));
        R rebuilt = rebuild(record, residuals.base(fhirType, null), Set.of());
        record.put(RESIDUAL, residuals.residualJson(resource, rebuilt));
        return record;
    }

    /** @throws IllegalArgumentException when residualJson or an extension's json is not valid FHIR JSON */
    final R toFhir(A record) {
        Objects.requireNonNull(record, "record");
        R target = residuals.base(fhirType, (String) record.get(RESIDUAL));
        return rebuild(record, target, Residuals.elementsOf(target));
    }

    /** Builds the typed record with {@code residualJson} null; the provenance already carries meta. */
    protected abstract A project(R resource, String id, Provenance provenance);

    /** Sets every typed element of the record on the target, except those the residual supplies. */
    protected abstract void fill(A record, R target, FromResidual residual);

    /** Rebuilds the extension list: typed extensions first (in the given order), then the verbatim ones. */
    protected final void fillExtensions(R target, List<org.hl7.fhir.r4.model.Extension> typed, List<Extension> verbatim,
                                        FromResidual residual) {
        residual.orTyped("extension", () -> {
            typed.forEach(target::addExtension);
            verbatim.forEach(e -> target.addExtension(extensions.toFhir(e)));
        });
    }

    private R rebuild(A record, R target, Set<String> fromResidual) {
        FromResidual residual = new FromResidual(fromResidual);
        Provenance provenance = (Provenance) record.get(PROVENANCE);
        residual.orTyped("meta", () -> {
            if (provenance.getSourceVersionId() != null) {
                target.getMeta().setVersionId(provenance.getSourceVersionId());
            }
            if (provenance.getSourceLastUpdated() != null) {
                target.getMeta().setLastUpdatedElement(FhirTime.instant(provenance.getSourceLastUpdated(), 0));
            }
            if (provenance.getMetaSource() != null) {
                target.getMeta().setSource(provenance.getMetaSource());
            }
        });
        fill(record, target, residual);
        // HAPI's parser puts meta.versionId into the id ("Slot/20/_history/3"); do the same so equalsDeep holds.
        String version = target.hasMeta() ? target.getMeta().getVersionId() : null;
        target.setIdElement(new IdType(target.fhirType(), (String) record.get(ID), version));
        return target;
    }

    private static Provenance withMeta(Provenance provenance, DomainResource resource) {
        boolean hasMeta = resource.hasMeta();
        InstantType lastUpdated = hasMeta && resource.getMeta().hasLastUpdated() ? resource.getMeta().getLastUpdatedElement() : null;
        return Provenance.newBuilder(provenance)
                .setSourceVersionId(hasMeta ? resource.getMeta().getVersionId() : null)
                .setSourceLastUpdated(lastUpdated == null || lastUpdated.getValue() == null ? null
                        : FhirTime.toInstant(lastUpdated))
                .setMetaSource(hasMeta ? resource.getMeta().getSource() : null)
                .build();
    }
}
