package io.slotstream.ingest.http;

import io.slotstream.ingest.validation.Issue;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Replaces Boot's whitelabel/JSON error page: errors that happen outside Spring MVC (the container rejecting a
 * request, a filter failing) also answer with an OperationOutcome and no internals.
 */
@RestController
public class FhirErrorController implements ErrorController {

    private final FhirResponses responses;

    public FhirErrorController(FhirResponses responses) {
        this.responses = responses;
    }

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        String message = status >= 500 ? "Internal error" : "Request refused (HTTP " + status + ")";
        return responses.of(status, Issue.outcome(List.of(Issue.structure(status >= 500 ? "exception" : "invalid",
                null, "HTTP", message))));
    }
}
