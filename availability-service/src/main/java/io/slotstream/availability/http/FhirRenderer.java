package io.slotstream.availability.http;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.availability.query.Cursor;
import io.slotstream.availability.query.Included;
import io.slotstream.availability.query.Paging;
import io.slotstream.availability.query.Partial;
import io.slotstream.availability.query.SlotPage;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.schemas.booking.BookingDeepLinks;
import io.slotstream.schemas.slot.SlotJsonWriter;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * FHIR R4 JSON out of the view. A Slot is rendered by the one Slot renderer, {@link SlotJsonWriter} (the same bytes
 * the publication's NDJSON files carry, proven equal to HAPI's encoding): searches and reads show a slot exactly as
 * the publication does. Searchset Bundles are streamed with Jackson around those bytes; reference data (Schedule,
 * Location, ...) goes through {@link FhirAvroMapper} and HAPI's encoder.
 */
@Component
public class FhirRenderer {

    private static final JsonFactory JSON = new JsonFactory();

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final FhirAvroMapper mapper = new FhirAvroMapper(fhir);
    private final SlotJsonWriter slots;

    /**
     * @param patientType        accepting-patients code for a slot without one (STU1 §6.1), as publish-service's
     *                           {@code slotstream.publish.default-patient-type}: keep the two equal
     * @param patientTypeDisplay its display
     * @param deepLinkBaseUrl    booking-bridge's public base URL for Slotstream's booking deep links
     * @param deepLinkKey        their shared HMAC key (as booking-bridge's); empty: no Slotstream deep links
     */
    public FhirRenderer(@Value("${slotstream.availability.default-patient-type:newpt}") String patientType,
                        @Value("${slotstream.availability.default-patient-type-display:Accepting new and existing patients}")
                        String patientTypeDisplay,
                        @Value("${slotstream.booking.deep-link-base-url:http://127.0.0.1:8084}") String deepLinkBaseUrl,
                        @Value("${slotstream.booking.deep-link-key:}") String deepLinkKey) {
        this.slots = new SlotJsonWriter(new PatientTypeDefault(patientType, patientTypeDisplay),
                BookingDeepLinks.configured(deepLinkBaseUrl, deepLinkKey));
    }

    /** @return the published Slot as UTF-8 JSON (status = effective status, holds and bookings applied) */
    public byte[] slot(SlotAvailability a) {
        return slots.write(a);
    }

    /** @return a resource of the reference data (Schedule, Location, ...) as UTF-8 JSON */
    public byte[] resource(SpecificRecord record) {
        return json(mapper.toFhir(record)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A Slot searchset: the page (the first {@code page.count()} of {@code result}), a {@code next} link with the
     * cursor of its last slot when {@code result} holds more, {@code total} only when known, and what the page
     * includes (search mode include, then an outcome entry when the include cap cut it).
     *
     * @param base   absolute base of the FHIR API, e.g. {@code http://127.0.0.1:8082/fhir}
     * @param params the request's parameters
     */
    public byte[] slotSearchset(String base, Map<String, String[]> params, Partial<SlotAvailability> result,
                                SlotPage page, Included included) {
        List<SlotAvailability> items = result.first().subList(0, Math.min(page.count(), result.first().size()));
        List<String[]> links = new ArrayList<>();
        links.add(new String[]{"self", link(base, "Slot", params, Set.of(), null)});
        links.add(new String[]{"first", link(base, "Slot", params, Set.of("_cursor"), null)});
        if (result.first().size() > page.count()) {
            SlotAvailability last = items.getLast();
            links.add(new String[]{"next", link(base, "Slot", params, Set.of("_cursor"),
                    "_cursor=" + new Cursor(last.getStart().toEpochMilli(), last.getSlotId()).encode())});
        }
        List<Entry> entries = new ArrayList<>(items.size() + included.resources().size());
        for (SlotAvailability a : items) {
            entries.add(new Entry(base + "/Slot/" + a.getSlotId(), slot(a), "match"));
        }
        addIncluded(base, included, entries);
        return bundle(result.total() >= 0 ? result.total() : null, links, entries);
    }

    /**
     * A searchset of reference data paged with {@code _count}/{@code _offset}: exact total, self/first/previous/next,
     * then what the page includes (as in {@link #slotSearchset}).
     *
     * @param id the resource id of an item
     */
    public <T extends SpecificRecord> byte[] searchset(String base, String type, Map<String, String[]> params,
                                                       Partial<T> result, Paging paging, Function<T, String> id,
                                                       Included included) {
        Set<String> paging2 = Set.of("_count", "_offset");
        List<String[]> links = new ArrayList<>();
        links.add(new String[]{"self", link(base, type, params, paging2, pageQuery(paging.count(), paging.offset()))});
        links.add(new String[]{"first", link(base, type, params, paging2, pageQuery(paging.count(), 0))});
        if (paging.offset() > 0) {
            links.add(new String[]{"previous", link(base, type, params, paging2,
                    pageQuery(paging.count(), Math.max(0, paging.offset() - paging.count())))});
        }
        if (paging.offset() + paging.count() < result.total()) {
            links.add(new String[]{"next", link(base, type, params, paging2,
                    pageQuery(paging.count(), paging.offset() + paging.count()))});
        }
        List<Entry> entries = new ArrayList<>();
        for (T item : result.page(paging)) {
            entries.add(new Entry(base + "/" + type + "/" + id.apply(item), resource(item), "match"));
        }
        addIncluded(base, included, entries);
        return bundle(result.total(), links, entries);
    }

    /** Included resources ({@code search.mode = include}), then one OperationOutcome of warnings ({@code outcome}). */
    private void addIncluded(String base, Included included, List<Entry> entries) {
        for (SpecificRecord r : included.resources()) {
            if (r instanceof SlotAvailability a) {
                entries.add(new Entry(base + "/Slot/" + a.getSlotId(), slot(a), "include"));
            } else {
                Resource res = mapper.toFhir(r);
                entries.add(new Entry(base + "/" + res.fhirType() + "/" + res.getIdElement().getIdPart(),
                        json(res).getBytes(StandardCharsets.UTF_8), "include"));
            }
        }
        if (!included.warnings().isEmpty()) {
            OperationOutcome outcome = new OperationOutcome();
            for (int i = 0; i < included.warnings().size(); i++) {
                OperationOutcomes.add(outcome, OperationOutcome.IssueSeverity.WARNING,
                        OperationOutcome.IssueType.INCOMPLETE, included.warnings().get(i), included.expressions().get(i));
            }
            entries.add(new Entry(null, json(outcome).getBytes(StandardCharsets.UTF_8), "outcome"));
        }
    }

    public String json(Resource resource) {
        return fhir.newJsonParser().encodeResourceToString(resource);
    }

    private record Entry(String fullUrl, byte[] resource, String mode) {
    }

    /** Bundle elements in HAPI's order: resourceType, type, total, link, entry (fullUrl, resource, search). */
    private static byte[] bundle(Integer total, List<String[]> links, List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + entries.size() * 900);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "searchset");
            if (total != null) {
                json.writeNumberField("total", total);
            }
            json.writeArrayFieldStart("link");
            for (String[] link : links) {
                json.writeStartObject();
                json.writeStringField("relation", link[0]);
                json.writeStringField("url", link[1]);
                json.writeEndObject();
            }
            json.writeEndArray();
            if (!entries.isEmpty()) {
                json.writeArrayFieldStart("entry");
                for (Entry e : entries) {
                    json.writeStartObject();
                    if (e.fullUrl() != null) {
                        json.writeStringField("fullUrl", e.fullUrl());
                    }
                    json.writeFieldName("resource");
                    json.writeRawValue(new String(e.resource(), StandardCharsets.UTF_8));
                    json.writeObjectFieldStart("search");
                    json.writeStringField("mode", e.mode());
                    json.writeEndObject();
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String pageQuery(int count, int offset) {
        return "_count=" + count + "&_offset=" + offset;
    }

    /** @return base/type?params without the {@code replaced} ones, then {@code extra} (already encoded) */
    private static String link(String base, String type, Map<String, String[]> params, Set<String> replaced, String extra) {
        StringJoiner q = new StringJoiner("&");
        params.forEach((name, values) -> {
            if (!replaced.contains(name)) {
                for (String v : values) {
                    q.add(enc(name) + "=" + enc(v));
                }
            }
        });
        if (extra != null) {
            q.add(extra);
        }
        return base + "/" + type + (q.length() == 0 ? "" : "?" + q);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
