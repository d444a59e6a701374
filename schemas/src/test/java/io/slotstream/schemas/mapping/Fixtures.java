package io.slotstream.schemas.mapping;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.Provenance;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Shared test helpers: parsing, a fixed provenance, and the full FHIR -> Avro -> bytes -> Avro -> FHIR trip. */
final class Fixtures {

    static final FhirContext FHIR = FhirContext.forR4Cached();
    static final FhirAvroMapper MAPPER = new FhirAvroMapper();
    static final Instant EVENT_TIME = Instant.parse("2026-11-24T10:00:00Z");
    static final Instant INGEST_TIME = Instant.parse("2026-11-24T10:00:01.250Z");

    private Fixtures() {
    }

    static Resource parse(String json) {
        return (Resource) FHIR.newJsonParser().parseResource(json);
    }

    static <R extends Resource> R parse(Class<R> type, String json) {
        return FHIR.newJsonParser().parseResource(type, json);
    }

    static String json(Resource resource) {
        return FHIR.newJsonParser().setStripVersionsFromReferences(false).encodeResourceToString(resource);
    }

    /** @return the JSON of a test resource on the classpath, e.g. "/stu1-examples/ExampleSlot.json" */
    static String classpathJson(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("test resource missing: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Provenance provenance(String sourceResourceId) {
        return Provenance.newBuilder()
                .setSource("example-source")
                .setSourceResourceId(sourceResourceId)
                .setEventTime(EVENT_TIME)
                .setIngestTime(INGEST_TIME)
                .build();
    }

    /** toAvro, Avro binary encode and decode, toFhir. */
    static Resource roundTrip(Resource resource) {
        SpecificRecord avro = MAPPER.toAvro(resource, provenance(resource.getIdPart()));
        return MAPPER.toFhir(AvroBinary.roundTrip(avro));
    }
}
