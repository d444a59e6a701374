package io.slotstream.edge.outcome;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.util.Set;

/**
 * A service's own 405 (a method its handler refuses, e.g. a FHIR interaction it does not offer): answered by
 * {@link FhirExceptionAdvice} as a {@code not-supported} OperationOutcome, expression {@code method}, with the
 * {@code Allow} header RFC 9110 §15.5.6 requires (empty when the target allows no method at all, §10.2.1).
 */
public class MethodNotAllowedException extends ErrorResponseException {

    /**
     * @param allowed the methods the target resource does support (may be empty)
     * @param detail  what is refused and what to do instead (the diagnostics)
     */
    public MethodNotAllowedException(Set<HttpMethod> allowed, String detail) {
        super(HttpStatus.METHOD_NOT_ALLOWED, ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED, detail),
                null);
        getHeaders().setAllow(allowed);
    }
}
