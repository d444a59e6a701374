package io.slotstream.schemas.mapping;

import io.slotstream.avro.Extension;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits FHIR extensions into typed values and verbatim {@link Extension} records, and rebuilds them. */
final class ExtensionCodec {

    private final FhirJson json;

    ExtensionCodec(FhirJson json) {
        this.json = json;
    }

    /**
     * @param typedExtensions the resource type's typed extensions; a single one takes its first matching occurrence,
     *                        later occurrences stay verbatim
     */
    ExtensionSplit split(DomainResource resource, List<TypedExtension> typedExtensions) {
        Map<String, List<Type>> typed = new LinkedHashMap<>();
        List<Extension> unknown = new ArrayList<>();
        for (org.hl7.fhir.r4.model.Extension extension : resource.hasExtension() ? resource.getExtension() : List.<org.hl7.fhir.r4.model.Extension>of()) {
            TypedExtension rule = typedExtensions.stream().filter(t -> t.matches(extension)).findFirst().orElse(null);
            List<Type> values = rule == null ? null : typed.computeIfAbsent(rule.url(), url -> new ArrayList<>());
            if (values != null && (rule.repeats() || values.isEmpty())) {
                values.add(extension.getValue());
            } else {
                unknown.add(toAvro(extension));
            }
        }
        return new ExtensionSplit(typed, unknown);
    }

    Extension toAvro(org.hl7.fhir.r4.model.Extension extension) {
        String url = extension.getUrl() == null ? "" : extension.getUrl();
        return new Extension(url, json.encode(extension));
    }

    /** @throws IllegalArgumentException when the record's json is not a FHIR extension */
    org.hl7.fhir.r4.model.Extension toFhir(Extension extension) {
        return json.parseExtension(extension.getJson());
    }

    static org.hl7.fhir.r4.model.Extension typed(String url, Type value) {
        return new org.hl7.fhir.r4.model.Extension(url, value);
    }
}
