package io.slotstream.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.edge.audit.AuditDetails;
import io.slotstream.edge.outcome.MethodNotAllowedException;
import io.slotstream.edge.security.SmartAccessManager;
import io.slotstream.edge.security.SmartCaller;
import io.slotstream.ingest.intake.BundleProcessor;
import io.slotstream.ingest.intake.IntakeService;
import io.slotstream.ingest.intake.PreparedWrite;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.intake.WriteAnswers;
import io.slotstream.ingest.intake.WriteResult;
import io.slotstream.ingest.ordering.StoredState;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The FHIR R4 REST intake under {@code slotstream.ingest.fhir-base} (default {@code /fhir}): read, update (create or
 * update), delete of the six scheduling types, transaction/batch Bundles at the base, and the CapabilityStatement.
 * URLs use the source's own ids; bodies show resources as stored (canonical ids). Errors are thrown as
 * {@link IntakeException} and rendered by {@link FhirExceptionAdvice}.
 */
@RestController
@RequestMapping("${slotstream.ingest.fhir-base:/fhir}")
public class FhirController {

    private static final String FHIR_REST = "FHIR R4 RESTful API (http.html)";

    private final SourceResolver sources;
    private final RequestBodies bodies;
    private final FhirJsonReader reader;
    private final ResourcePreparer preparer;
    private final IntakeService intake;
    private final BundleProcessor bundles;
    private final IntakeMetrics metrics;
    private final FhirResponses responses;
    private final CapabilityStatement capabilities;

    public FhirController(SourceResolver sources, RequestBodies bodies, FhirJsonReader reader, ResourcePreparer preparer,
                          IntakeService intake, BundleProcessor bundles, IntakeMetrics metrics, FhirResponses responses,
                          CapabilityStatement capabilities) {
        this.sources = sources;
        this.bodies = bodies;
        this.reader = reader;
        this.preparer = preparer;
        this.intake = intake;
        this.bundles = bundles;
        this.metrics = metrics;
        this.responses = responses;
        this.capabilities = capabilities;
    }

    /** {@code GET [base]/metadata}: what this server really supports. */
    @GetMapping("/metadata")
    public ResponseEntity<String> metadata() {
        return responses.of(200, capabilities);
    }

    /** {@code GET [base]/Type/id}: the resource as last accepted from the calling source (ETag = its versionId); 404 when none. */
    @GetMapping("/{type}/{id}")
    public ResponseEntity<String> read(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        requireId(kind, id);
        StoredState current = intake.current(source, kind, id);
        return intake.read(source, kind, id)
                .map(r -> responses.of(200, r, versionHeaders(current)))
                .orElseThrow(() -> new IntakeException(404, Issue.structure("not-found", null, FHIR_REST,
                        kind.fhirType() + "/" + id + " of source " + source + " is not known (never accepted, or deleted)")));
    }

    /**
     * {@code PUT [base]/Type/id}: create or update, ordered by {@code ordering.OrderingRule}: 201 when new, 200 when
     * updated or unchanged (the resource), 200 with an informational OperationOutcome ("ignored, stale") when older
     * than the stored version; {@code If-Match} that does not name the stored version: 412. ETag and Last-Modified
     * show the stored version.
     */
    @PutMapping("/{type}/{id}")
    public ResponseEntity<String> update(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        long nanos = System.nanoTime();
        Instant receivedAt = Instant.now();
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        WriteResult result;
        try {
            requireId(kind, id);
            byte[] body = bodies.read(request);
            JsonNode node = reader.readTree(body);
            PreparedWrite write = preparer.upsert(source, node, new String(body, StandardCharsets.UTF_8), kind, id,
                    Map.of(), receivedAt, false).withIfMatch(request.getHeader(HttpHeaders.IF_MATCH));
            result = intake.commit(source, List.of(write), List.of(), nanos).getFirst();
        } catch (IntakeException e) {
            metrics.rejected(kind.fhirType(), source, e.issues().isEmpty() ? "invalid" : e.issues().getFirst().code());
            throw e;
        }
        return answer(result, request);
    }

    /**
     * {@code DELETE [base]/Type/id}: a tombstone on the type's topic (carrying the deleted version); 200 with an
     * informational OperationOutcome, also when already deleted (nothing written); {@code If-Match} mismatch: 412.
     */
    @DeleteMapping("/{type}/{id}")
    public ResponseEntity<String> delete(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        long nanos = System.nanoTime();
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        PreparedWrite write = preparer.delete(source, kind, id).withIfMatch(request.getHeader(HttpHeaders.IF_MATCH));
        return answer(intake.commit(source, List.of(write), List.of(), nanos).getFirst(), request);
    }

    private ResponseEntity<String> answer(WriteResult result, HttpServletRequest request) {
        if (result.status() == WriteResult.Status.PRECONDITION_FAILED) {
            throw new IntakeException(412, WriteAnswers.preconditionFailed(result, null));
        }
        HttpHeaders headers = versionHeaders(result.current());
        if (!result.write().isDelete()) {
            headers.set(HttpHeaders.LOCATION, request.getRequestURL().toString());
        }
        OperationOutcome outcome = WriteAnswers.outcome(result);
        return outcome != null ? responses.of(result.status().http(), outcome, headers)
                : responses.of(result.status().http(), result.stored(), headers);
    }

    private static HttpHeaders versionHeaders(StoredState current) {
        HttpHeaders headers = new HttpHeaders();
        String etag = WriteAnswers.etag(current);
        if (etag != null) {
            headers.set(HttpHeaders.ETAG, etag);
        }
        String lastModified = WriteAnswers.lastModified(current);
        if (lastModified != null) {
            headers.set(HttpHeaders.LAST_MODIFIED, lastModified);
        }
        return headers;
    }

    /** {@code POST [base]} with a transaction or batch Bundle. */
    @PostMapping({"", "/"})
    public ResponseEntity<String> bundle(HttpServletRequest request) {
        long nanos = System.nanoTime();
        Instant receivedAt = Instant.now();
        String source = sources.resolve(request);
        JsonNode node;
        try {
            node = reader.readTree(bodies.read(request));
        } catch (IntakeException e) {
            metrics.rejected("Bundle", source, e.issues().getFirst().code());
            throw e;
        }
        if ("batch".equals(node.path("type").asText())) {
            AuditDetails.of(request).interaction("batch");
        }
        String prefer = request.getHeader("Prefer");
        boolean representation = prefer != null && prefer.contains("return=representation");
        SmartCaller caller = (SmartCaller) request.getAttribute(SmartAccessManager.CALLER_ATTRIBUTE);
        return responses.of(200, bundles.process(source, caller, node, request.getContentType(), receivedAt, nanos,
                representation));
    }

    /**
     * Type-level interactions (create, search) are not offered: 405 for known types (with an empty {@code Allow}: no
     * method is served at [base]/Type), 404 for others.
     */
    @RequestMapping(path = "/{type}", method = {RequestMethod.POST, RequestMethod.GET})
    public ResponseEntity<String> typeLevel(@PathVariable String type) {
        ResourceKind kind = kind(type);
        throw new MethodNotAllowedException(Set.of(), "Create and search on " + kind.fhirType()
                + " are not supported: use PUT [base]/" + kind.fhirType() + "/id or a transaction/batch Bundle at the base");
    }

    private static ResourceKind kind(String type) {
        return ResourceKind.of(type).orElseThrow(() -> new IntakeException(404, Issue.structure("not-supported", null, FHIR_REST,
                "Resource type '" + type + "' is not served here (Location, Schedule, Slot, PractitionerRole, "
                        + "Practitioner, HealthcareService)")));
    }

    private static void requireId(ResourceKind kind, String id) {
        if (!io.slotstream.schemas.identity.CanonicalId.isValidFhirId(id)) {
            throw new IntakeException(400, Issue.structure("value", kind.fhirType() + ".id", "R4 id: [A-Za-z0-9\\-.]{1,64}",
                    "Invalid id in the URL"));
        }
    }
}
