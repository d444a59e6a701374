package io.slotstream.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.edge.outcome.OperationOutcomes;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Status URL of a booking request ({@code Content-Location} of a 202): 200 with the {@code $hold}/{@code $book}
 * answer Bundle once the decision is known on this instance (every instance reads every decision), else 202 with
 * {@code Retry-After: 1} and an informational OperationOutcome. A patient token gets only its own patient's
 * decisions: another request's is 404 ({@link PatientAccess}).
 */
@RestController
public class RequestStatusController {

    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final Outcomes outcomes;
    private final OutcomeBundles bundles;
    private final FhirContext fhir;

    public RequestStatusController(Outcomes outcomes, OutcomeBundles bundles, FhirContext fhir) {
        this.outcomes = outcomes;
        this.bundles = bundles;
        this.fhir = fhir;
    }

    @GetMapping("/booking/requests/{requestId}")
    public ResponseEntity<String> status(@PathVariable String requestId, HttpServletRequest request) {
        if (!BookingService.REQUEST_ID.matcher(requestId).matches()) {
            return ResponseEntity.badRequest().contentType(FHIR_JSON).body(json(OperationOutcomes.of(
                    OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueType.INVALID,
                    "request id must be 1-128 of letters, digits, '-', '.', '_', ':'", "requestId")));
        }
        PatientAccess access = PatientAccess.of(request);
        return outcomes.known(requestId)
                .map(o -> access.owns(o) ? ResponseEntity.ok().contentType(FHIR_JSON).body(json(bundles.render(o)))
                        : ResponseEntity.status(404).contentType(FHIR_JSON).body(json(OperationOutcomes.error(
                        OperationOutcome.IssueType.NOTFOUND,
                        "request " + requestId + " is not a request of this patient", "requestId"))))
                .orElseGet(() -> ResponseEntity.accepted().header("Retry-After", "1").contentType(FHIR_JSON)
                        .body(json(OperationOutcomes.of(OperationOutcome.IssueSeverity.INFORMATION,
                                OperationOutcome.IssueType.INFORMATIONAL,
                                "outcome of request " + requestId + " not yet known", null))));
    }

    private String json(org.hl7.fhir.instance.model.api.IBaseResource resource) {
        return fhir.newJsonParser().encodeResourceToString(resource);
    }
}
