package io.slotstream.availability.http;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.slotstream.availability.query.Paging;
import io.slotstream.availability.query.Partial;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * FHIR R4 JSON out of the view with HAPI: resources through {@link FhirAvroMapper}, searchset Bundles with total,
 * self/first/previous/next links ({@code _count}/{@code _offset} paging), and OperationOutcomes.
 */
@Component
public class FhirRenderer {

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final FhirAvroMapper mapper = new FhirAvroMapper(fhir);

    /** @return the Slot as published: the source Slot with the effective status (holds and bookings applied) */
    public Slot slot(SlotAvailability a) {
        Slot slot = mapper.toFhir(a.getSlot());
        slot.setId(a.getSlotId());
        slot.setStatus(Slot.SlotStatus.fromCode(SlotStatusCodes.toCode(a.getEffectiveStatus())));
        return slot;
    }

    /** @return a resource of the reference data (Schedule, Location, ...) from its Avro record */
    public Resource resource(org.apache.avro.specific.SpecificRecord record) {
        return mapper.toFhir(record);
    }

    /**
     * @param base   absolute base of the FHIR API, e.g. {@code http://127.0.0.1:8082/fhir}
     * @param params the request's parameters (paging ones are replaced in the links)
     */
    public <T> String searchset(String base, String type, Map<String, String[]> params, Partial<T> result,
                                Paging paging, java.util.function.Function<T, Resource> render) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(result.total());
        bundle.addLink().setRelation("self").setUrl(link(base, type, params, paging.count(), paging.offset()));
        bundle.addLink().setRelation("first").setUrl(link(base, type, params, paging.count(), 0));
        if (paging.offset() > 0) {
            bundle.addLink().setRelation("previous")
                    .setUrl(link(base, type, params, paging.count(), Math.max(0, paging.offset() - paging.count())));
        }
        if (paging.offset() + paging.count() < result.total()) {
            bundle.addLink().setRelation("next")
                    .setUrl(link(base, type, params, paging.count(), paging.offset() + paging.count()));
        }
        for (T item : result.page(paging)) {
            Resource resource = render.apply(item);
            bundle.addEntry().setFullUrl(base + "/" + type + "/" + resource.getIdElement().getIdPart())
                    .setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return json(bundle);
    }

    /** @return an OperationOutcome with one error issue */
    public String outcome(OperationOutcome.IssueType code, String diagnostics, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(code).setDiagnostics(diagnostics);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return json(outcome);
    }

    public String json(Resource resource) {
        IParser parser = fhir.newJsonParser();
        return parser.encodeResourceToString(resource);
    }

    private static String link(String base, String type, Map<String, String[]> params, int count, int offset) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((name, values) -> {
            if (!name.equals("_count") && !name.equals("_offset")) {
                for (String v : values) {
                    q.add(enc(name) + "=" + enc(v));
                }
            }
        });
        q.add("_count=" + count);
        q.add("_offset=" + offset);
        return base + "/" + type + "?" + q;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static final List<String> FHIR_JSON = List.of("application/fhir+json");
}
