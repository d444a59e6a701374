package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * HTTP 202 "outcome not yet known": the request is written and will be decided; the caller polls the status URL
 * ({@code Content-Location}) or repeats the call with the same {@code X-Request-Id}. Also the immediate answer to
 * {@code Prefer: respond-async}.
 */
public class OutcomePendingException extends BaseServerResponseException {

    public static final int STATUS = 202;

    public OutcomePendingException(String requestId, String statusUrl, boolean async) {
        super(STATUS, message(requestId, async), OperationOutcomes.of(OperationOutcome.IssueSeverity.INFORMATION,
                async ? OperationOutcome.IssueType.INFORMATIONAL : OperationOutcome.IssueType.TIMEOUT,
                message(requestId, async), null));
        addResponseHeader("Content-Location", statusUrl);
        addResponseHeader("Retry-After", "1");
        addResponseHeader("X-Request-Id", requestId);
    }

    private static String message(String requestId, boolean async) {
        return (async ? "Request " + requestId + " accepted for processing"
                : "Outcome of request " + requestId + " not yet known")
                + "; GET the Content-Location URL, or repeat the call with X-Request-Id: " + requestId
                + " (the same request id always gets the same outcome)";
    }
}
