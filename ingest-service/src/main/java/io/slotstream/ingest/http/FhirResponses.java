package io.slotstream.ingest.http;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Responses as FHIR R4 JSON ({@code application/fhir+json; charset=UTF-8}); JSON is the only format served. */
public final class FhirResponses {

    public static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json;charset=UTF-8");

    private final FhirContext fhir;

    public FhirResponses(FhirContext fhir) {
        this.fhir = fhir;
    }

    public ResponseEntity<String> of(int status, IBaseResource resource) {
        return of(status, resource, new HttpHeaders());
    }

    public ResponseEntity<String> of(int status, IBaseResource resource, HttpHeaders headers) {
        String body = fhir.newJsonParser().setStripVersionsFromReferences(false).encodeResourceToString(resource);
        return ResponseEntity.status(status).headers(headers).contentType(FHIR_JSON).body(body);
    }
}
