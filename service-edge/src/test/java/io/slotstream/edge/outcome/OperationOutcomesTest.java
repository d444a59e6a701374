package io.slotstream.edge.outcome;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

class OperationOutcomesTest {

    @Test
    void errorNamesTheElementAndRuleAndAnswersAsFhirJson() {
        OperationOutcome outcome = OperationOutcomes.error(IssueType.INVALID, "not an instant", "_since");
        OperationOutcomes.rule(outcome.getIssueFirstRep(), "sched-8");

        ResponseEntity<String> answer = OperationOutcomes.response(400, outcome);

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getHeaders().getContentType()).hasToString("application/fhir+json;charset=UTF-8");
        assertThat(answer.getBody()).isEqualTo("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
                + "\"error\",\"code\":\"invalid\",\"details\":{\"text\":\"sched-8\"},\"diagnostics\":\"not an instant\","
                + "\"expression\":[\"_since\"]}]}");
    }

    @Test
    void codedReasonAndInformation() {
        OperationOutcome rejected = OperationOutcomes.of(OperationOutcome.IssueSeverity.FATAL, IssueType.CONFLICT,
                "taken", "Appointment.slot");
        OperationOutcomes.reason(rejected.getIssueFirstRep(), "urn:x", "slot-taken", "taken");
        assertThat(OperationOutcomes.json(rejected)).contains("\"coding\":[{\"system\":\"urn:x\",\"code\":\"slot-taken\"");
        assertThat(OperationOutcomes.information("deleted").getIssueFirstRep().getCode())
                .isEqualTo(IssueType.INFORMATIONAL);
    }

    @Test
    void issueTypesFromCodesAndStatuses() {
        assertThat(OperationOutcomes.type("not-found")).isEqualTo(IssueType.NOTFOUND);
        assertThat(OperationOutcomes.type("no-such-code")).isEqualTo(IssueType.INVALID);
        assertThat(OperationOutcomes.typeFor(405)).isEqualTo(IssueType.NOTSUPPORTED);
        assertThat(OperationOutcomes.typeFor(431)).isEqualTo(IssueType.TOOCOSTLY);
        assertThat(OperationOutcomes.typeFor(400)).isEqualTo(IssueType.INVALID);
        assertThat(OperationOutcomes.typeFor(502)).isEqualTo(IssueType.EXCEPTION);
    }
}
