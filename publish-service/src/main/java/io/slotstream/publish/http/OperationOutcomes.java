package io.slotstream.publish.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * HTTP errors as FHIR OperationOutcomes naming the element and the rule (design.md "Errors"), as
 * {@code application/fhir+json}.
 */
final class OperationOutcomes {

    private static final JsonFactory JSON = new JsonFactory();
    static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private OperationOutcomes() {
    }

    /**
     * @param code       issue type code, e.g. {@code invalid}, {@code not-found}, {@code transient}
     * @param expression FHIRPath-ish location, e.g. {@code _since}; may be null
     */
    static ResponseEntity<byte[]> error(HttpStatus status, String code, String diagnostics, String expression) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "OperationOutcome");
            json.writeArrayFieldStart("issue");
            json.writeStartObject();
            json.writeStringField("severity", "error");
            json.writeStringField("code", code);
            json.writeStringField("diagnostics", diagnostics);
            if (expression != null) {
                json.writeArrayFieldStart("expression");
                json.writeString(expression);
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ResponseEntity.status(status).contentType(FHIR_JSON).body(out.toByteArray());
    }
}
