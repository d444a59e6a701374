package io.slotstream.booking.fhir;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Issue 15 deliverable 4: the Parameters bodies of ITI-115 {@code $find}, ITI-116 {@code $hold} and ITI-117
 * {@code $book} on arbitrary bytes, through booking-bridge's real HAPI server and {@link SchedulingOperations}
 * ({@link InProcessFhirServer}: empty availability and appointment view, so no request reaches the decision point).
 * The documented answer to bad input is a 4xx OperationOutcome; a 5xx, or a 4xx that is not an OperationOutcome, is a
 * crash. Seeds: the IHE ITI Scheduling examples shipped in {@code shared/examples} and valid Parameters of each
 * operation ({@code SchedulingOperationsFuzzTestInputs/<test>}); a saved crash input there becomes a regression
 * test. In the test suite this runs the seeds; fuzzing for real: see the README ("Bad input, fuzzing").
 */
class SchedulingOperationsFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    // started on the first input, after Jazzer's agent is in: the agent then need not re-transform HAPI's classes
    private static InProcessFhirServer server() throws IOException {
        try {
            return InProcessFhirServer.shared();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @FuzzTest(maxDuration = "30m")
    void findParameters(byte[] body) throws IOException {
        check(server().post("Appointment/$find", body));
    }

    @FuzzTest(maxDuration = "30m")
    void holdParameters(byte[] body) throws IOException {
        check(server().post("Appointment/$hold", body));
    }

    @FuzzTest(maxDuration = "30m")
    void bookParameters(byte[] body) throws IOException {
        check(server().post("Appointment/$book", body));
    }

    private static void check(InProcessFhirServer.Answer answer) {
        if (answer.status() >= 500) {
            throw new AssertionError("HTTP " + answer.status() + ": " + answer.body());
        }
        if (answer.status() >= 400) {
            JsonNode outcome;
            try {
                outcome = JSON.readTree(answer.body());
            } catch (IOException e) {
                throw new AssertionError("HTTP " + answer.status() + " without a JSON body: " + answer.body());
            }
            if (!"OperationOutcome".equals(outcome.path("resourceType").asText()) || outcome.path("issue").isEmpty()) {
                throw new AssertionError("HTTP " + answer.status() + " without an OperationOutcome: " + answer.body());
            }
        }
    }
}
