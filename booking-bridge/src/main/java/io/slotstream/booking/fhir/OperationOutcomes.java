package io.slotstream.booking.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;

/** The one builder of booking-bridge's OperationOutcomes. */
public final class OperationOutcomes {

    private OperationOutcomes() {
    }

    /**
     * @param severity   issue severity
     * @param code       IssueType
     * @param text       diagnostics (human-readable)
     * @param expression the element or parameter concerned (FHIRPath or parameter name), or null
     * @return an OperationOutcome with that one issue
     */
    public static OperationOutcome of(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code,
                                      String text, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        add(outcome, severity, code, text, expression);
        return outcome;
    }

    /** Adds one issue. */
    public static OperationOutcome.OperationOutcomeIssueComponent add(OperationOutcome outcome,
                                                                      OperationOutcome.IssueSeverity severity,
                                                                      OperationOutcome.IssueType code, String text,
                                                                      String expression) {
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue().setSeverity(severity).setCode(code)
                .setDiagnostics(text);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return issue;
    }

    /**
     * @return the outcome of a rejected booking decision: severity fatal (ITI-116/117: only an OperationOutcome),
     * the decision point's reason code in details
     */
    public static OperationOutcome rejected(OperationOutcome.IssueType code, String reasonCode, String reasonText) {
        OperationOutcome outcome = of(OperationOutcome.IssueSeverity.FATAL, code, reasonText, "Appointment.slot");
        outcome.getIssueFirstRep().setDetails(new CodeableConcept(new Coding(SchedulingFhir.REASON_SYSTEM, reasonCode, reasonText)));
        return outcome;
    }
}
