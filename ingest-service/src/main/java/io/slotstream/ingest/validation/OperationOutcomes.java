package io.slotstream.ingest.validation;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.List;

/**
 * {@link Issue}s as an R4 {@code OperationOutcome}: each issue has severity {@code error}, its code, the FHIRPath in
 * {@code expression}, the rule in {@code details.text} and the explanation in {@code diagnostics}.
 */
public final class OperationOutcomes {

    private OperationOutcomes() {
    }

    public static OperationOutcome of(List<Issue> issues) {
        OperationOutcome outcome = new OperationOutcome();
        for (Issue issue : issues) {
            OperationOutcome.OperationOutcomeIssueComponent c = outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(code(issue.code()))
                    .setDiagnostics(issue.message());
            if (issue.rule() != null) {
                c.setDetails(new CodeableConcept().setText(issue.rule()));
            }
            if (issue.expression() != null) {
                c.addExpression(issue.expression());
            }
        }
        return outcome;
    }

    /** An informational outcome (e.g. the answer to a DELETE). */
    public static OperationOutcome information(String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(message);
        return outcome;
    }

    private static OperationOutcome.IssueType code(String code) {
        try {
            return OperationOutcome.IssueType.fromCode(code);
        } catch (Exception e) {
            return OperationOutcome.IssueType.INVALID;
        }
    }
}
