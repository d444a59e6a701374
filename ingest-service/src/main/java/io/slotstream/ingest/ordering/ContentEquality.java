package io.slotstream.ingest.ordering;

import io.slotstream.avro.Provenance;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;

/**
 * Whether a re-sent resource equals the stored one, ignoring when it was sent: provenance times and
 * {@code meta.lastUpdated}. Compared as Avro records (cheap); only when meta went to the residual JSON (meta beyond
 * versionId, lastUpdated and source) as FHIR. A different {@code meta.versionId} is a change. Thread-safe.
 */
public final class ContentEquality {

    private final FhirAvroMapper mapper;

    public ContentEquality(FhirAvroMapper mapper) {
        this.mapper = mapper;
    }

    private static SpecificRecord comparable(SpecificRecord record) {
        SpecificRecord copy = SpecificData.get().deepCopy(record.getSchema(), record);
        int field = record.getSchema().getField("provenance").pos();
        copy.put(field, Provenance.newBuilder((Provenance) copy.get(field))
                .setEventTime(Instant.EPOCH).setIngestTime(Instant.EPOCH).setSourceLastUpdated(null).build());
        return copy;
    }

    /** @return whether {@code incoming} equals {@code stored}, send times and meta.lastUpdated aside */
    public boolean same(SpecificRecord stored, SpecificRecord incoming) {
        if (comparable(stored).equals(comparable(incoming))) {
            return true;
        }
        if (!metaInResidual(stored) || !metaInResidual(incoming)) {
            return false;
        }
        Resource a = mapper.toFhir(stored);
        Resource b = mapper.toFhir(incoming);
        a.getMeta().setLastUpdated(null);
        b.getMeta().setLastUpdated(null);
        return a.equalsDeep(b);
    }

    private static boolean metaInResidual(SpecificRecord record) {
        Object residual = record.get(record.getSchema().getField("residualJson").pos());
        return residual != null && residual.toString().contains("\"meta\"");
    }
}
