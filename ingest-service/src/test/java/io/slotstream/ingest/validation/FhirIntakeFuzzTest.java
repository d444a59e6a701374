package io.slotstream.ingest.validation;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 15 deliverable 4: the FHIR JSON intake ({@link FhirJsonReader#readTree} then {@link FhirJsonReader#parse},
 * what every PUT and Bundle entry goes through) on arbitrary bytes. The only allowed failure is an
 * {@link IntakeException} with issues (a 4xx with an OperationOutcome); anything else thrown is a crash (it would be
 * a 500). Seeds: resources of the shipped example feeds ({@code FhirIntakeFuzzTestInputs/resourceJson}). In the test
 * suite this runs the seeds and any saved crash inputs; fuzzing for real: see the README ("Fuzzing").
 */
class FhirIntakeFuzzTest {

    private static final FhirJsonReader READER = new FhirJsonReader(FhirContext.forR4Cached());

    @FuzzTest(maxDuration = "30m")
    void resourceJson(byte[] body) {
        try {
            JsonNode node = READER.readTree(body);
            READER.parse(node, READER.write(node));
        } catch (IntakeException expected) {
            if (expected.issues().isEmpty()) {
                throw new AssertionError("an IntakeException without issues gives an empty OperationOutcome");
            }
        }
    }
}
