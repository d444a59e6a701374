package io.slotstream.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Provenance;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.ingest.validation.MarkupCheck;
import io.slotstream.ingest.validation.ReferenceScan;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.identity.CanonicalId;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.apache.avro.specific.SpecificRecord;
import org.hl7.fhir.r4.model.Resource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One resource from JSON to a {@link PreparedWrite}: strict parse, {@code urn:uuid:} resolution, markup check, legacy
 * normalisation, STU1 rules (optionally the full HAPI validator), re-identification, Avro mapping. Stateless and
 * thread-safe; never writes.
 */
public final class ResourcePreparer {

    private static final String ID_RULE = "FHIR R4 update: the resource id must equal the id in the URL";

    private final FhirJsonReader reader;
    private final LegacyNormalizer normalizer;
    private final SchedulingRules rules;
    private final FullValidator fullValidator;
    private final Reidentifier reidentifier;
    private final FhirAvroMapper mapper;
    /** Null when the full validator runs: then every resource takes the full path. */
    private final SlotFastPath slotFastPath;

    public ResourcePreparer(FhirJsonReader reader, LegacyNormalizer normalizer, SchedulingRules rules,
                            FullValidator fullValidator, Reidentifier reidentifier, FhirAvroMapper mapper) {
        this.reader = reader;
        this.normalizer = normalizer;
        this.rules = rules;
        this.fullValidator = fullValidator;
        this.reidentifier = reidentifier;
        this.mapper = mapper;
        this.slotFastPath = fullValidator.enabled() ? null
                : new SlotFastPath(reidentifier.identifierSystem(""), normalizer.defaultPatientType());
    }

    /**
     * The same write as {@link #upsert} (same record, same errors), for callers that do not need the HAPI resource:
     * a Slot of the common shape takes {@link SlotFastPath} (no HAPI parse, rules on the JSON, the record built
     * directly), and its {@link PreparedWrite#resource()} is null; everything else takes {@link #upsert}.
     *
     * @param raw      the resource JSON as text, asked for only when the full path runs
     * @param rawBytes size of the resource JSON as received, in bytes (the {@code bytes} metric of a fast-path write)
     * @throws IntakeException as {@link #upsert}
     */
    public PreparedWrite upsertRecord(String source, JsonNode node, Supplier<String> raw, int rawBytes, ResourceKind kind,
                                      String id, Map<String, String> fullUrls, Instant receivedAt) {
        if (slotFastPath != null && kind == ResourceKind.SLOT
                && (fullUrls.isEmpty() || !fullUrls.containsKey(node.path("schedule").path("reference").asText(""))))  {
            FhirSlot record = slotFastPath.toRecord(source, node, id, receivedAt);
            if (record != null) {
                return new PreparedWrite(kind, id, record.getId(), null, record, rawBytes);
            }
        }
        return upsert(source, node, raw.get(), kind, id, fullUrls, receivedAt, false);
    }

    /**
     * @param source     source id
     * @param node       the resource JSON (an object)
     * @param raw        the same as text
     * @param kind       the type the URL names
     * @param id         the id the URL names (or the server-assigned id of a POST entry)
     * @param fullUrls   Bundle fullUrl -> {@code Type/id} of that entry (empty outside Bundles)
     * @param receivedAt when the request arrived (provenance ingestTime; eventTime when meta.lastUpdated is absent)
     * @param assignId   true for a create (POST) entry: the server's id replaces whatever the body says
     * @throws IntakeException with issues rooted at the resource type (e.g. {@code Slot.start})
     */
    public PreparedWrite upsert(String source, JsonNode node, String raw, ResourceKind kind, String id,
                                Map<String, String> fullUrls, Instant receivedAt, boolean assignId) {
        Resource resource = reader.parse(node, raw);
        if (!resource.fhirType().equals(kind.fhirType())) {
            throw new IntakeException(400, Issue.structure("invalid", resource.fhirType(),
                    "FHIR R4 RESTful API: the resource type must match the URL",
                    "Body is a " + resource.fhirType() + " but the URL names " + kind.fhirType()));
        }
        if (assignId) {
            resource.setId(id);
        } else if (!resource.hasIdElement() || resource.getIdElement().getIdPart() == null) {
            throw new IntakeException(400, Issue.structure("required", kind.fhirType() + ".id", ID_RULE, "The resource has no id"));
        } else if (!id.equals(resource.getIdElement().getIdPart())) {
            throw new IntakeException(400, Issue.structure("invalid", kind.fhirType() + ".id", ID_RULE,
                    "Resource id '" + resource.getIdElement().getIdPart() + "' differs from the URL's '" + id + "'"));
        }
        List<ReferenceScan.Located> references = ReferenceScan.of(resource);
        resolve(references, fullUrls);
        List<Issue> issues = new ArrayList<>(MarkupCheck.check(raw, node, kind.fhirType()));
        normalizer.normalise(resource);
        issues.addAll(rules.check(resource, references));
        if (issues.isEmpty()) {
            issues.addAll(fullValidator.validate(resource));
        }
        if (!issues.isEmpty()) {
            throw IntakeException.of(issues);
        }
        String key = reidentifier.reidentify(resource, source, references);
        Instant eventTime = resource.getMeta().hasLastUpdated() ? resource.getMeta().getLastUpdated().toInstant() : receivedAt;
        Provenance provenance = Provenance.newBuilder()
                .setSource(source)
                .setSourceResourceId(id)
                .setEventTime(eventTime)
                .setIngestTime(receivedAt)
                .build();
        SpecificRecord record = mapper.toAvro(resource, provenance);
        return new PreparedWrite(kind, id, key, resource, record, raw.getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * @throws IntakeException 400 when the id is not a FHIR id
     */
    public PreparedWrite delete(String source, ResourceKind kind, String id) {
        if (!CanonicalId.isValidFhirId(id)) {
            throw new IntakeException(400, Issue.structure("value", kind.fhirType() + ".id", "R4 id: [A-Za-z0-9\\-.]{1,64}",
                    "Invalid id '" + id + "'"));
        }
        return new PreparedWrite(kind, id, CanonicalId.of(source, id), null, null, 0);
    }

    /** Bundle-internal references (urn:uuid: or any entry's fullUrl) become that entry's {@code Type/id} (R4 §3.1.0.11.2). */
    private static void resolve(List<ReferenceScan.Located> references, Map<String, String> fullUrls) {
        if (fullUrls.isEmpty()) {
            return;
        }
        for (ReferenceScan.Located located : references) {
            String target = located.reference().getReference();
            String resolved = target == null ? null : fullUrls.get(target);
            if (resolved != null) {
                located.reference().setReference(resolved);
            }
        }
    }
}
