package io.slotstream.edge.outcome;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one OperationOutcome builder of every Slotstream HTTP API (design.md "Errors": an R4 {@code OperationOutcome}
 * naming the element or parameter in {@code issue.expression}, the rule in {@code issue.details}, the explanation in
 * {@code issue.diagnostics}; never a stack trace). Builds the HAPI R4 model (so HAPI servers can throw it) and answers
 * it as {@code application/fhir+json}.
 */
public final class OperationOutcomes {

    /** The only media type Slotstream answers errors in. */
    public static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json;charset=UTF-8");

    private OperationOutcomes() {
    }

    /**
     * @param severity   issue severity
     * @param code       R4 IssueType
     * @param text       diagnostics, for a human
     * @param expression the element (FHIRPath) or parameter name concerned, or null
     * @return an OperationOutcome with that one issue
     */
    public static OperationOutcome of(IssueSeverity severity, IssueType code, String text, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        add(outcome, severity, code, text, expression);
        return outcome;
    }

    /** @return an outcome with one {@code error} issue (see {@link #of}) */
    public static OperationOutcome error(IssueType code, String text, String expression) {
        return of(IssueSeverity.ERROR, code, text, expression);
    }

    /** @return an outcome with one {@code information} issue (e.g. the answer to a DELETE) */
    public static OperationOutcome information(String text) {
        return of(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, text, null);
    }

    /** Adds one issue to {@code outcome}; {@code expression} may be null. */
    public static OperationOutcomeIssueComponent add(OperationOutcome outcome, IssueSeverity severity, IssueType code,
                                                     String text, String expression) {
        OperationOutcomeIssueComponent issue = outcome.addIssue().setSeverity(severity).setCode(code)
                .setDiagnostics(text);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return issue;
    }

    /** Names the rule broken (e.g. {@code R4 instant}, {@code sched-8}) in {@code issue.details.text}. */
    public static OperationOutcomeIssueComponent rule(OperationOutcomeIssueComponent issue, String rule) {
        if (rule != null) {
            issue.setDetails(new CodeableConcept().setText(rule));
        }
        return issue;
    }

    /** Names the rule as a coded reason ({@code system|code}, with {@code text}) in {@code issue.details}. */
    public static OperationOutcomeIssueComponent reason(OperationOutcomeIssueComponent issue, String system,
                                                        String code, String text) {
        issue.setDetails(new CodeableConcept(new Coding(system, code, text)));
        return issue;
    }

    /** @return the IssueType for an R4 code such as {@code not-found}; {@code invalid} for an unknown code */
    public static IssueType type(String code) {
        try {
            return IssueType.fromCode(code);
        } catch (Exception e) {
            return IssueType.INVALID;
        }
    }

    /**
     * The IssueType an HTTP error status means when nothing more specific is known: 404 {@code not-found}, 405/406/415
     * {@code not-supported}, 401 {@code login}, 403 {@code forbidden}, 409 {@code conflict}, 413/431
     * {@code too-costly}, 429 {@code throttled}, 503 {@code transient}, other 5xx {@code exception}, other 4xx
     * {@code invalid}.
     */
    public static IssueType typeFor(int status) {
        return switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 409 -> IssueType.CONFLICT;
            case 413, 431 -> IssueType.TOOCOSTLY;
            case 429 -> IssueType.THROTTLED;
            case 503 -> IssueType.TRANSIENT;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }

    /** @return the outcome as FHIR R4 JSON (HAPI's encoder) */
    public static String json(OperationOutcome outcome) {
        return Encoder.FHIR.newJsonParser().encodeResourceToString(outcome);
    }

    /** @return the outcome as an HTTP answer with {@code status}, {@link #FHIR_JSON} */
    public static ResponseEntity<String> response(int status, OperationOutcome outcome) {
        return response(status, outcome, new HttpHeaders());
    }

    /** @return the outcome as an HTTP answer with {@code status}, extra {@code headers} and {@link #FHIR_JSON} */
    public static ResponseEntity<String> response(int status, OperationOutcome outcome, HttpHeaders headers) {
        return ResponseEntity.status(status).headers(headers).contentType(FHIR_JSON).body(json(outcome));
    }

    /**
     * Writes the outcome as the whole answer of a servlet filter or handler ({@code status}, {@link #FHIR_JSON},
     * {@code Content-Length}); does nothing when the response is already committed.
     *
     * @throws IOException when the client is gone
     */
    public static void write(HttpServletResponse response, int status, OperationOutcome outcome) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType(FHIR_JSON.toString());
        byte[] body = json(outcome).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Lazily created: a FhirContext costs about a second, and only an error answer needs it. */
    private static final class Encoder {
        static final FhirContext FHIR = FhirContext.forR4Cached();
    }
}
