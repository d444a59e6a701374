package io.slotstream.availability.http;

import io.slotstream.availability.query.SearchException;
import io.slotstream.availability.query.StoreUnavailableException;
import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors as FHIR OperationOutcomes: 400 for rejected searches (naming the parameter), 503 with Retry-After while the
 * view cannot answer (starting, rebalancing, a peer down), 500 otherwise (details in the log only). Spring MVC's own
 * failures (unknown path, wrong method, ...) are answered by service-edge.
 */
@RestControllerAdvice(assignableTypes = {FhirSearchController.class, InternalQueryController.class})
class FhirErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FhirErrorHandler.class);

    @ExceptionHandler(SearchException.class)
    ResponseEntity<String> badSearch(SearchException e) {
        IssueType code = e.getMessage().startsWith("Unknown search parameter") ? IssueType.NOTSUPPORTED
                : IssueType.INVALID;
        return OperationOutcomes.response(400, OperationOutcomes.error(code, e.getMessage(), e.expression()));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<String> unavailable(StoreUnavailableException e) {
        HttpHeaders retry = new HttpHeaders();
        retry.set(HttpHeaders.RETRY_AFTER, "1");
        return OperationOutcomes.response(503, OperationOutcomes.error(IssueType.TRANSIENT, e.getMessage(), null),
                retry);
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<String> failed(RuntimeException e) {
        LOG.error("search failed", e);
        return OperationOutcomes.response(500, OperationOutcomes.error(IssueType.EXCEPTION, "Internal error", null));
    }
}
