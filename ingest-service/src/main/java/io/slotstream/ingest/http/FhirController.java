package io.slotstream.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.ingest.intake.BundleProcessor;
import io.slotstream.ingest.intake.IntakeService;
import io.slotstream.ingest.intake.PreparedWrite;
import io.slotstream.ingest.intake.ResourceKind;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.intake.WriteResult;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import io.slotstream.ingest.validation.OperationOutcomes;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.CapabilityStatement;
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

    /** {@code GET [base]/Type/id}: the resource as last accepted from the calling source; 404 when none. */
    @GetMapping("/{type}/{id}")
    public ResponseEntity<String> read(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        requireId(kind, id);
        return intake.read(source, kind, id)
                .map(r -> responses.of(200, r))
                .orElseThrow(() -> new IntakeException(404, Issue.structure("not-found", null, FHIR_REST,
                        kind.fhirType() + "/" + id + " of source " + source + " is not known (never accepted, or deleted)")));
    }

    /** {@code PUT [base]/Type/id}: create or update; 201 when new, 200 when updated or unchanged (nothing written). */
    @PutMapping("/{type}/{id}")
    public ResponseEntity<String> update(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        long nanos = System.nanoTime();
        Instant receivedAt = Instant.now();
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        try {
            requireId(kind, id);
            byte[] body = bodies.read(request);
            JsonNode node = reader.readTree(body);
            PreparedWrite write = preparer.upsert(source, node, new String(body, StandardCharsets.UTF_8), kind, id,
                    Map.of(), receivedAt, false);
            WriteResult result = intake.commit(source, List.of(write), List.of(), nanos).getFirst();
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.LOCATION, request.getRequestURL().toString());
            return responses.of(result.status().http(), result.stored(), headers);
        } catch (IntakeException e) {
            metrics.rejected(kind.fhirType(), source, e.issues().isEmpty() ? "invalid" : e.issues().getFirst().code());
            throw e;
        }
    }

    /** {@code DELETE [base]/Type/id}: a tombstone on the type's topic; 200 with an informational OperationOutcome. */
    @DeleteMapping("/{type}/{id}")
    public ResponseEntity<String> delete(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
        long nanos = System.nanoTime();
        ResourceKind kind = kind(type);
        String source = sources.resolve(request);
        PreparedWrite write = preparer.delete(source, kind, id);
        intake.commit(source, List.of(write), List.of(), nanos);
        return responses.of(200, OperationOutcomes.information("Deleted " + kind.fhirType() + "/" + id + " (key " + write.key() + ")"));
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
        String prefer = request.getHeader("Prefer");
        boolean representation = prefer != null && prefer.contains("return=representation");
        return responses.of(200, bundles.process(source, node, request.getContentType(), receivedAt, nanos, representation));
    }

    /** Type-level interactions (create, search) are not offered: 405 for known types, 404 for others. */
    @RequestMapping(path = "/{type}", method = {RequestMethod.POST, RequestMethod.GET})
    public ResponseEntity<String> typeLevel(@PathVariable String type) {
        ResourceKind kind = kind(type);
        throw new IntakeException(405, Issue.structure("not-supported", null, FHIR_REST,
                "Create and search on " + kind.fhirType() + " are not supported: use PUT [base]/" + kind.fhirType()
                        + "/id or a transaction/batch Bundle at the base"));
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
