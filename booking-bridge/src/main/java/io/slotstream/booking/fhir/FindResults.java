package io.slotstream.booking.fhir;

import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.List;

/**
 * The empty {@code $find} answer (team decision, scheduling-operations.md §7.2): {@code total=0} and an informational
 * OperationOutcome entry, which satisfies both "an empty bundle means no available appointments" and the Bundle
 * profile's {@code entry} min 1.
 */
final class FindResults {

    private FindResults() {
    }

    static Bundle empty(OperationOutcome notes) {
        OperationOutcomes.add(notes, OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL,
                "no available appointments match the inputs", null);
        return OutcomeBundles.searchset(List.of(), notes);
    }
}
