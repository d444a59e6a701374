package io.slotstream.availability.http;

import io.slotstream.availability.query.SearchException;
import io.slotstream.availability.query.StoreUnavailableException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors as FHIR OperationOutcomes: 400 for rejected searches (naming the parameter), 503 with Retry-After while the
 * view cannot answer (starting, rebalancing, a peer down), 500 otherwise.
 */
@RestControllerAdvice(assignableTypes = {FhirSearchController.class, InternalQueryController.class})
class FhirErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FhirErrorHandler.class);
    private final FhirRenderer render;

    FhirErrorHandler(FhirRenderer render) {
        this.render = render;
    }

    @ExceptionHandler(SearchException.class)
    ResponseEntity<String> badSearch(SearchException e) {
        OperationOutcome.IssueType code = e.getMessage().startsWith("Unknown search parameter")
                ? OperationOutcome.IssueType.NOTSUPPORTED : OperationOutcome.IssueType.INVALID;
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(FhirSearchController.FHIR_JSON)
                .body(render.outcome(code, e.getMessage(), e.expression()));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<String> unavailable(StoreUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .contentType(FhirSearchController.FHIR_JSON)
                .body(render.outcome(OperationOutcome.IssueType.TRANSIENT, e.getMessage(), null));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<String> failed(RuntimeException e) {
        LOG.error("search failed", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(FhirSearchController.FHIR_JSON)
                .body(render.outcome(OperationOutcome.IssueType.EXCEPTION, "internal error: " + e.getMessage(), null));
    }
}
