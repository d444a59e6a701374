package io.slotstream.edge.outcome;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Spring MVC's own request failures as OperationOutcomes for every service: 404 unknown path, 405 wrong method (with
 * {@code Allow}), 415 unsupported {@code Content-Type}, 406 unsatisfiable {@code Accept}, 400 unreadable body,
 * missing or mistyped parameter, a parameter the container cannot decode (bad percent-encoding), 413 oversized
 * upload; a service's own {@link MethodNotAllowedException}. Every 405 carries {@code Allow}. The issue names the parameter or header concerned in
 * {@code expression}. Ordered first so a service's catch-all handler never turns bad input into a 5xx; services keep
 * their own handlers for their own exceptions. The answer's {@code Content-Type} is preset, so it is written even when
 * the client's {@code Accept} excludes FHIR JSON.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FhirExceptionAdvice extends ResponseEntityExceptionHandler {

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        int status = statusCode.value();
        OperationOutcome outcome = OperationOutcomes.error(OperationOutcomes.typeFor(status),
                status >= 500 ? "Internal error" : diagnostics(ex, request), status >= 500 ? null : expression(ex));
        HttpHeaders answer = new HttpHeaders();
        if (headers != null) {
            answer.addAll(headers);
        }
        answer.remove(HttpHeaders.CONTENT_TYPE);
        if (status == 405 && !answer.containsHeader(HttpHeaders.ALLOW)) {
            answer.set(HttpHeaders.ALLOW, ""); // RFC 9110 §10.2.1: an empty Allow means no method is allowed
        }
        ResponseEntity<String> entity = OperationOutcomes.response(status, outcome, answer);
        return ResponseEntity.status(entity.getStatusCode()).headers(entity.getHeaders()).body(entity.getBody());
    }

    /**
     * Tomcat could not parse the request parameters (thrown where a handler or filter first reads them): 400 naming
     * the query parameter that is not valid percent-encoded UTF-8, or Tomcat's own 4xx (413 for too many parameters).
     */
    @ExceptionHandler(InvalidParameterException.class)
    public ResponseEntity<String> invalidParameters(InvalidParameterException ex, HttpServletRequest request) {
        return OperationOutcomes.response(FhirErrorController.parameterStatus(ex),
                FhirErrorController.parameterOutcome(ex, request.getQueryString()));
    }

    /** The parameter or header the failure is about, when there is one. */
    static String expression(Exception ex) {
        return switch (ex) {
            case MissingServletRequestParameterException e -> e.getParameterName();
            case TypeMismatchException e -> e.getPropertyName();
            case MissingRequestHeaderException e -> e.getHeaderName();
            case HttpMediaTypeNotSupportedException e -> HttpHeaders.CONTENT_TYPE;
            case HttpMediaTypeNotAcceptableException e -> HttpHeaders.ACCEPT;
            case HttpRequestMethodNotSupportedException e -> "method";
            case MethodNotAllowedException e -> "method";
            case NoResourceFoundException e -> "path";
            case HttpMessageNotReadableException e -> "body";
            default -> null;
        };
    }

    /** Spring's problem detail (it names method, media type or parameter, never internals), with a few additions. */
    private static String diagnostics(Exception ex, WebRequest request) {
        String path = request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : "";
        return switch (ex) {
            case NoResourceFoundException e -> "No resource at " + path;
            case HttpRequestMethodNotSupportedException e -> "Method " + e.getMethod() + " is not supported at "
                    + path + "; allowed: " + String.join(", ", e.getSupportedMethods() == null
                    ? new String[0] : e.getSupportedMethods());
            case HttpMediaTypeNotSupportedException e -> "Content-Type '" + e.getContentType()
                    + "' is not supported; supported: " + e.getSupportedMediaTypes();
            case HttpMediaTypeNotAcceptableException e -> "The Accept header excludes every representation served "
                    + "here; acceptable: " + e.getSupportedMediaTypes();
            case HttpMessageNotReadableException e -> "The request body is not readable (malformed JSON or wrong "
                    + "type)";
            case TypeMismatchException e -> "Parameter '" + e.getPropertyName() + "' has a value of the wrong type";
            case ErrorResponse e -> detail(e.getBody(), ex);
            default -> firstLine(ex.getMessage());
        };
    }

    private static String detail(ProblemDetail problem, Exception ex) {
        return problem.getDetail() != null ? problem.getDetail() : firstLine(ex.getMessage());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "Bad request";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
