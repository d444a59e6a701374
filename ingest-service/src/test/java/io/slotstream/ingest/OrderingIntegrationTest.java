package io.slotstream.ingest;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.SlotStatus;
import io.slotstream.ingest.store.AcceptedLog;
import io.slotstream.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.slotstream.ingest.Fixtures.bundle;
import static io.slotstream.ingest.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordering rule through the REST intake against the real broker and registry: stale versions are answered
 * explicitly and never reach the topic, If-Match is checked, a delete is not undone by an older version.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OrderingIntegrationTest extends IntakeTestSupport {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    /** A Slot with meta.versionId/lastUpdated (either may be null) and the given status. */
    static String versioned(String id, String versionId, String lastUpdated, String status) {
        StringBuilder meta = new StringBuilder();
        if (versionId != null) {
            meta.append("\"versionId\":\"").append(versionId).append('"');
        }
        if (lastUpdated != null) {
            meta.append(meta.isEmpty() ? "" : ",").append("\"lastUpdated\":\"").append(lastUpdated).append('"');
        }
        return slot(id, "Schedule/x").replace("\"id\":\"" + id + "\",", "\"id\":\"" + id + "\",\"meta\":{" + meta + "},")
                .replace("\"status\":\"free\"", "\"status\":\"" + status + "\"");
    }

    /**
     * Pipelined commits (several transactions committing at once in one replica) never reorder a key: concurrent
     * shuffled versions of three keys from six senders only ever move each key forward on the topic.
     */
    @Test
    void pipelinedCommitsOnlyEverMoveAKeyForward() throws Exception {
        String src = newSource();
        List<String[]> writes = new java.util.ArrayList<>();
        for (String key : List.of("p1", "p2", "p3")) {
            for (int v = 1; v <= 12; v++) {
                writes.add(new String[] {key, Integer.toString(v)});
            }
        }
        java.util.Collections.shuffle(writes, new java.util.Random(7));
        java.util.Queue<String[]> pending = new java.util.concurrent.ConcurrentLinkedQueue<>(writes);
        java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(6);
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < 6; t++) {
            done.add(senders.submit(() -> {
                String[] w;
                while ((w = pending.poll()) != null) {
                    HttpResponse<String> r = put("/fhir/Slot/" + w[0], versioned(w[0], w[1], null, "free"), src);
                    if (r.statusCode() >= 300) {
                        failures.add(w[0] + "@" + w[1] + ": " + r.statusCode() + " " + r.body());
                    }
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get(90, TimeUnit.SECONDS);
        }
        senders.shutdown();

        assertThat(failures).isEmpty();
        for (String key : List.of("p1", "p2", "p3")) {
            List<Long> written = readCommitted(Topics.SLOT, (src + "." + key)::equals).stream()
                    .map(r -> Long.parseLong(r.value().getProvenance().getSourceVersionId())).toList();
            assertThat(written).as(key).isNotEmpty().isSorted().doesNotHaveDuplicates().endsWith(12L);
        }
    }

    private HttpResponse<String> putIfMatch(String path, String body, String source, String ifMatch) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json").header("X-Slotstream-Source", source)
                .header("If-Match", ifMatch).PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<SlotStatus> statuses(String key) {
        return readCommitted(Topics.SLOT, key::equals).stream()
                .map(r -> r.value() == null ? null : r.value().getStatus()).toList();
    }

    @Test
    void anOlderVersionIdIsAnsweredStaleWithTheStoredVersionAndNeverWritten() throws Exception {
        String src = newSource();
        HttpResponse<String> v2 = put("/fhir/Slot/s", versioned("s", "2", "2026-09-01T10:00:00Z", "free"), src);
        HttpResponse<String> v1 = put("/fhir/Slot/s", versioned("s", "1", "2026-09-01T12:00:00Z", "busy"), src);
        HttpResponse<String> v3 = put("/fhir/Slot/s", versioned("s", "3", "2026-09-01T11:00:00Z", "busy-tentative"), src);

        assertThat(v2.statusCode()).as(v2.body()).isEqualTo(201);
        assertThat(v2.headers().firstValue("ETag")).hasValue("W/\"2\"");
        assertThat(v1.statusCode()).as(v1.body()).isEqualTo(200);
        OperationOutcome stale = FHIR.newJsonParser().parseResource(OperationOutcome.class, v1.body());
        assertThat(stale.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
        assertThat(stale.getIssueFirstRep().getDetails().getText()).isEqualTo("ignored, stale");
        assertThat(stale.getIssueFirstRep().getDiagnostics()).contains("versionId 1").contains("stored version (versionId 2");
        assertThat(v1.headers().firstValue("ETag")).hasValue("W/\"2\"");
        assertThat(v1.headers().firstValue("Last-Modified")).hasValue("Tue, 1 Sep 2026 10:00:00 GMT");
        // a higher versionId wins although its lastUpdated is earlier than the refused one's
        assertThat(v3.statusCode()).as(v3.body()).isEqualTo(200);
        assertThat(FHIR.newJsonParser().parseResource(Slot.class, v3.body()).getMeta().getVersionId()).isEqualTo("3");
        assertThat(statuses(src + ".s")).containsExactly(SlotStatus.FREE, SlotStatus.BUSY_TENTATIVE);
        assertThat(FHIR.newJsonParser().parseResource(Slot.class, get("/fhir/Slot/s", src).body()).getStatus())
                .isEqualTo(Slot.SlotStatus.BUSYTENTATIVE);
    }

    @Test
    void withoutVersionIdLastUpdatedOrdersAndIdenticalReSendsStayUnchanged() throws Exception {
        String src = newSource();
        String later = versioned("s", null, "2026-09-02T10:00:00Z", "busy");
        assertThat(put("/fhir/Slot/s", later, src).statusCode()).isEqualTo(201);
        HttpResponse<String> earlier = put("/fhir/Slot/s", versioned("s", null, "2026-09-01T10:00:00Z", "free"), src);
        HttpResponse<String> again = put("/fhir/Slot/s", later, src);

        assertThat(earlier.statusCode()).isEqualTo(200);
        assertThat(earlier.body()).contains("ignored, stale").contains("lastUpdated 2026-09-02T10:00:00Z");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"resourceType\":\"Slot\"");
        assertThat(statuses(src + ".s")).containsExactly(SlotStatus.BUSY);
    }

    @Test
    void ifMatchOtherThanTheStoredVersionIs412AndWritesNothing() throws Exception {
        String src = newSource();
        assertThat(put("/fhir/Slot/s", versioned("s", "3", null, "free"), src).statusCode()).isEqualTo(201);

        HttpResponse<String> mismatch = putIfMatch("/fhir/Slot/s", versioned("s", "4", null, "busy"), src, "W/\"2\"");
        HttpResponse<String> unknown = putIfMatch("/fhir/Slot/never", versioned("never", "1", null, "busy"), src, "W/\"1\"");
        HttpResponse<String> match = putIfMatch("/fhir/Slot/s", versioned("s", "4", null, "busy-unavailable"), src, "W/\"3\"");

        assertThat(mismatch.statusCode()).as(mismatch.body()).isEqualTo(412);
        OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, mismatch.body());
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.CONFLICT);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("W/\"2\"").contains("versionId 3");
        assertThat(unknown.statusCode()).isEqualTo(412);
        assertThat(match.statusCode()).as(match.body()).isEqualTo(200);
        assertThat(match.headers().firstValue("ETag")).hasValue("W/\"4\"");
        assertThat(statuses(src + ".s")).containsExactly(SlotStatus.FREE, SlotStatus.BUSY_UNAVAILABLE);
        assertThat(statuses(src + ".never")).isEmpty();
    }

    @Test
    void aDeleteIsNotUndoneByAnOlderVersionButALaterOneRecreates() throws Exception {
        String src = newSource();
        assertThat(put("/fhir/Slot/s", versioned("s", "2", null, "free"), src).statusCode()).isEqualTo(201);
        HttpResponse<String> deleted = send("DELETE", "/fhir/Slot/s", null, null, src);
        HttpResponse<String> again = send("DELETE", "/fhir/Slot/s", null, null, src);
        HttpResponse<String> older = put("/fhir/Slot/s", versioned("s", "1", null, "busy"), src);
        HttpResponse<String> same = put("/fhir/Slot/s", versioned("s", "2", null, "busy"), src);
        HttpResponse<String> read = get("/fhir/Slot/s", src);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("already deleted");
        assertThat(older.statusCode()).isEqualTo(200);
        assertThat(older.body()).contains("ignored, stale").contains("its deletion at").contains("versionId 2");
        assertThat(same.body()).contains("ignored, stale");
        assertThat(read.statusCode()).isEqualTo(404);
        List<ConsumerRecord<String, FhirSlot>> records = readCommitted(Topics.SLOT, (src + ".s")::equals);
        assertThat(records).hasSize(2);
        assertThat(records.get(1).value()).isNull();
        assertThat(new String(records.get(1).headers().lastHeader(AcceptedLog.DELETED_VERSION_ID).value(),
                StandardCharsets.UTF_8)).isEqualTo("2");

        HttpResponse<String> recreated = put("/fhir/Slot/s", versioned("s", "3", null, "busy"), src);
        assertThat(recreated.statusCode()).as(recreated.body()).isEqualTo(201);
        assertThat(statuses(src + ".s")).containsExactly(SlotStatus.FREE, null, SlotStatus.BUSY);
    }

    @Test
    void aStaleTransactionEntryIsIgnoredWhileTheRestCommits() throws Exception {
        String src = newSource();
        assertThat(put("/fhir/Slot/a", versioned("a", "5", null, "busy"), src).statusCode()).isEqualTo(201);

        HttpResponse<String> response = post(bundle("transaction",
                "|PUT|Slot/a|" + versioned("a", "4", null, "free"),
                "|PUT|Slot/b|" + versioned("b", "1", null, "free")), src);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        Bundle.BundleEntryResponseComponent staleEntry = answer.getEntry().get(0).getResponse();
        assertThat(staleEntry.getStatus()).isEqualTo("200 OK");
        assertThat(staleEntry.getEtag()).isEqualTo("W/\"5\"");
        assertThat(((OperationOutcome) staleEntry.getOutcome()).getIssueFirstRep().getDetails().getText()).isEqualTo("ignored, stale");
        assertThat(answer.getEntry().get(1).getResponse().getStatus()).isEqualTo("201 Created");
        assertThat(statuses(src + ".a")).containsExactly(SlotStatus.BUSY);
        assertThat(statuses(src + ".b")).containsExactly(SlotStatus.FREE);
    }

    @Test
    void aFailedIfMatchRefusesTheWholeTransactionButOnlyItsEntryInABatch() throws Exception {
        String src = newSource();
        assertThat(put("/fhir/Slot/a", versioned("a", "5", null, "busy"), src).statusCode()).isEqualTo(201);
        String wrongIfMatch = "\"request\":{\"method\":\"PUT\",\"url\":\"Slot/a\",\"ifMatch\":\"W/\\\"4\\\"\"}";

        String transaction = bundle("transaction", "|PUT|Slot/a|" + versioned("a", "6", null, "free"),
                "|PUT|Slot/b|" + versioned("b", "1", null, "free")).replace("\"request\":{\"method\":\"PUT\",\"url\":\"Slot/a\"}", wrongIfMatch);
        HttpResponse<String> refused = post(transaction, src);
        HttpResponse<String> batch = post(transaction.replace("\"type\":\"transaction\"", "\"type\":\"batch\""), src);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(412);
        assertThat(refused.body()).contains("Bundle.entry[0].request.ifMatch");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
        Bundle answer = FHIR.newJsonParser().parseResource(Bundle.class, batch.body());
        assertThat(answer.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("412 Precondition Failed", "201 Created");
        assertThat(statuses(src + ".a")).containsExactly(SlotStatus.BUSY);
        assertThat(statuses(src + ".b")).containsExactly(SlotStatus.FREE);
    }
}
