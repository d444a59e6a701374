package io.slotstream.schemas.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR JSON for the verbatim parts of the Avro records (unknown extensions, residuals). Parsers are created per call
 * because HAPI parsers are not thread-safe; the context is.
 */
final class FhirJson {

    private final FhirContext context;

    FhirJson(FhirContext context) {
        this.context = context;
    }

    /** Encodes a datatype (e.g. an Extension) as compact FHIR JSON. */
    String encode(IBase element) {
        return parser().encodeToString(element);
    }

    String encodeResource(Resource resource) {
        return parser().encodeResourceToString(resource);
    }

    /** @throws IllegalArgumentException when the JSON is not a FHIR extension */
    Extension parseExtension(String json) {
        Extension extension = new Extension();
        try {
            parser().parseInto(json, extension);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a FHIR R4 extension in JSON: " + json, e);
        }
        return extension;
    }

    /** @throws IllegalArgumentException when the JSON is not a FHIR resource of that type */
    <R extends Resource> R parseResource(Class<R> type, String json) {
        try {
            return parser().parseResource(type, json);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a FHIR R4 " + type.getSimpleName() + " in JSON: " + e.getMessage(), e);
        }
    }

    private IParser parser() {
        // HAPI strips "/_history/n" from references by default when encoding; verbatim means verbatim.
        return context.newJsonParser().setStripVersionsFromReferences(false).setPrettyPrint(false);
    }
}
