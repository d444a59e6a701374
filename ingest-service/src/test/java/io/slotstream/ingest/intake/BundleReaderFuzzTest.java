package io.slotstream.ingest.intake;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.IntakeException;

/**
 * Issue 15 deliverable 4: the Bundle reader ({@link BundleReader#read}, the envelope of {@code POST [base]}) on
 * arbitrary bytes. Allowed: an {@link IntakeException}, or an envelope whose every entry is either read or has its
 * problems; anything else thrown is a crash. Seeds: transaction and batch Bundles of the shipped examples.
 */
class BundleReaderFuzzTest {

    private static final FhirJsonReader READER = new FhirJsonReader(FhirContext.forR4Cached());
    private static final BundleReader BUNDLES = new BundleReader(READER, 1000);

    @FuzzTest(maxDuration = "30m")
    void bundle(byte[] body) {
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (IntakeException notJson) {
            return;
        }
        try {
            BundleReader.Envelope envelope = BUNDLES.read(node);
            if (envelope.entries().size() + envelope.problems().size() < envelope.size()) {
                throw new AssertionError("entries neither read nor rejected: " + envelope);
            }
        } catch (IntakeException expected) {
            // a 4xx with an OperationOutcome
        }
    }
}
