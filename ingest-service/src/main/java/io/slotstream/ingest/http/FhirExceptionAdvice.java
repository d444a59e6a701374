package io.slotstream.ingest.http;

import io.slotstream.ingest.kafka.WriteFailedException;
import io.slotstream.ingest.store.StoreUnavailableException;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.List;

/**
 * Every error as an {@code OperationOutcome}, never a stack trace: the intake's own {@link IntakeException}s with
 * their status (Spring MVC's own failures, 404, 405, 415, 406, 400 ..., are answered by service-edge); Kafka or
 * store unavailability as 503 (retry later; nothing was written); anything unexpected as 500 with a generic text
 * (the details go to the log only).
 */
@RestControllerAdvice
public class FhirExceptionAdvice {

    private static final Logger log = LoggerFactory.getLogger(FhirExceptionAdvice.class);

    private final FhirResponses responses;

    public FhirExceptionAdvice(FhirResponses responses) {
        this.responses = responses;
    }

    @ExceptionHandler(IntakeException.class)
    public ResponseEntity<String> intake(IntakeException e) {
        HttpHeaders headers = new HttpHeaders();
        if (e.status() == 401) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        } else if (e.status() == 403) {
            // RFC 6750 §3.1, as the edge answers a route's missing scope
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
        }
        return responses.of(e.status(), Issue.outcome(e.issues()), headers);
    }

    @ExceptionHandler({WriteFailedException.class, StoreUnavailableException.class})
    public ResponseEntity<String> unavailable(RuntimeException e) {
        log.warn("intake unavailable: {}", e.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return responses.of(503, Issue.outcome(List.of(Issue.structure("transient", null, "durable write",
                "Temporarily unable to store the input; nothing was written. Retry later."))), headers);
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<String> unexpected(Exception e) {
        log.error("unexpected intake failure", e);
        return responses.of(500, Issue.outcome(List.of(Issue.structure("exception", null, null,
                "Internal error; the input was not stored"))));
    }
}
