package io.slotstream.edge.outcome;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's whitelabel/JSON error page: what fails outside Spring MVC's handlers (the container rejecting a
 * request, a filter failing, {@code sendError}) answers an OperationOutcome with the status, never the exception's
 * text or a stack trace (a 5xx's cause goes to the log only).
 */
@RestController
public class FhirErrorController implements ErrorController {

    private static final Logger LOG = LoggerFactory.getLogger(FhirErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        InvalidParameterException bad = parameterFailure(failure);
        if (bad != null) {
            // parameters first read by a filter (outside Spring MVC's handlers)
            return OperationOutcomes.response(parameterStatus(bad), parameterOutcome(bad,
                    (String) request.getAttribute(RequestDispatcher.ERROR_QUERY_STRING)));
        }
        if (failure instanceof ErrorResponse known) {
            status = known.getStatusCode().value();
        } else if (failure instanceof Throwable t && status >= 500) {
            LOG.error("request to {} failed", request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), t);
        }
        return OperationOutcomes.response(status, outcome(status));
    }

    private static InvalidParameterException parameterFailure(Object failure) {
        for (Throwable t = failure instanceof Throwable f ? f : null; t != null; t = t.getCause()) {
            if (t instanceof InvalidParameterException bad) {
                return bad;
            }
        }
        return null;
    }

    /** @return Tomcat's status for a parameter failure when it is a 4xx (413: too many parameters), else 400 */
    static int parameterStatus(InvalidParameterException failure) {
        int code = failure.getErrorCode();
        return code >= 400 && code < 500 ? code : 400;
    }

    /**
     * The outcome for request parameters Tomcat could not parse: names the query parameter that is not valid
     * percent-encoded UTF-8 (never echoing its value), else says the parameters (query or form body) are unreadable.
     */
    static OperationOutcome parameterOutcome(InvalidParameterException failure, String query) {
        int status = parameterStatus(failure);
        if (status == 413) {
            return OperationOutcomes.error(OperationOutcomes.typeFor(413),
                    "The request has more parameters than this server accepts", null);
        }
        return QueryStringDecoding.firstBadParameter(query).map(bad -> {
            OperationOutcome outcome = OperationOutcomes.error(OperationOutcome.IssueType.INVALID,
                    "Parameter '" + bad.name() + "' is not valid percent-encoded UTF-8", bad.name());
            OperationOutcomes.rule(outcome.getIssueFirstRep(), "RFC 3986 §2.1 percent-encoding");
            return outcome;
        }).orElseGet(() -> OperationOutcomes.error(OperationOutcome.IssueType.INVALID, "The request parameters "
                + "(query string or form body) are not valid percent-encoded UTF-8", null));
    }

    /** The generic outcome for a bare HTTP status (also used by {@link FhirErrorReportValve}). */
    static OperationOutcome outcome(int status) {
        String text = switch (status) {
            case 400 -> "The request is malformed (request line, headers, URI encoding or body)";
            case 404 -> "No resource at this path";
            case 405 -> "Method not supported at this path";
            case 408 -> "The request was not received in time";
            case 413 -> "The request body is too large";
            case 414 -> "The request URI is too long";
            case 431 -> "The request headers are too large";
            default -> status >= 500 ? "Internal error" : "Request refused (HTTP " + status + ")";
        };
        String expression = switch (status) {
            case 413 -> "body";
            case 414 -> "path";
            case 431 -> "headers";
            default -> null;
        };
        return OperationOutcomes.error(OperationOutcomes.typeFor(status), text, expression);
    }
}
