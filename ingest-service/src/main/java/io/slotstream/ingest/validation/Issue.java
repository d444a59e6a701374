package io.slotstream.ingest.validation;

import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.List;

/**
 * One problem with the input, as it becomes an {@code OperationOutcome.issue} (severity error).
 *
 * @param kind       decides the HTTP status: {@link Kind#STRUCTURE} 400, {@link Kind#PROFILE} 422
 * @param code       FHIR issue-type code ({@code structure}, {@code value}, {@code required}, {@code invariant},
 *                   {@code business-rule}, {@code not-supported}, ...)
 * @param expression FHIRPath of the offending element, e.g. {@code Slot.start}; null when the input as a whole is bad
 * @param rule       the rule broken, e.g. {@code R4 instant}, {@code STU1 §5.3 Slot.schedule 1..1}; goes to
 *                   {@code issue.details.text}
 * @param message    what is wrong, for a human; goes to {@code issue.diagnostics}
 */
public record Issue(Kind kind, String code, String expression, String rule, String message) {

    /** 400: not a well-formed FHIR R4 resource or Bundle; 422: a valid R4 resource that breaks a profile rule. */
    public enum Kind { STRUCTURE, PROFILE }

    public static Issue structure(String code, String expression, String rule, String message) {
        return new Issue(Kind.STRUCTURE, code, expression, rule, message);
    }

    public static Issue profile(String code, String expression, String rule, String message) {
        return new Issue(Kind.PROFILE, code, expression, rule, message);
    }

    /**
     * Re-roots the expression: {@code Slot.start} under {@code Bundle.entry[2].resource} becomes
     * {@code Bundle.entry[2].resource.start}; a null expression becomes the root itself.
     */
    public Issue under(String root) {
        if (expression == null) {
            return new Issue(kind, code, root, rule, message);
        }
        int dot = expression.indexOf('.');
        String rest = dot < 0 ? "" : expression.substring(dot);
        return new Issue(kind, code, root + rest, rule, message);
    }

    /**
     * @return the issues as one R4 {@code OperationOutcome}: severity {@code error}, the code, the FHIRPath in
     * {@code expression}, the rule in {@code details.text}, the explanation in {@code diagnostics}
     */
    public static OperationOutcome outcome(List<Issue> issues) {
        OperationOutcome outcome = new OperationOutcome();
        for (Issue issue : issues) {
            OperationOutcomes.rule(OperationOutcomes.add(outcome, OperationOutcome.IssueSeverity.ERROR,
                    OperationOutcomes.type(issue.code()), issue.message(), issue.expression()), issue.rule());
        }
        return outcome;
    }
}
