package io.slotstream.ingest.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.slotstream.avro.DeadLetter;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.edge.security.SmartCaller;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import org.hl7.fhir.r4.model.Bundle;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST [base]} with a Bundle (FHIR R4 http.html#transaction):
 * <ul>
 *   <li>{@code transaction}: every entry is prepared; if any fails, the answer is one OperationOutcome naming every
 *       failing element as {@code Bundle.entry[i].resource...} and nothing is written; if any entry's
 *       {@code request.ifMatch} does not name the stored version, the answer is a 412 OperationOutcome naming
 *       {@code Bundle.entry[i].request.ifMatch} and nothing is written; otherwise the written entries are one Kafka
 *       transaction and the answer a {@code transaction-response}. An entry older than the stored version is not an
 *       error: it is ignored (nothing written for it, "200 OK" with an "ignored, stale" outcome) and the rest is
 *       committed, so re-sending an old Bundle never rolls anything back;</li>
 *   <li>{@code batch}: each entry on its own; failing entries get their status and OperationOutcome in the
 *       {@code batch-response} and a dead letter, stale entries their "ignored, stale" outcome, a failed
 *       {@code ifMatch} "412 Precondition Failed"; the written entries and the dead letters are one Kafka
 *       transaction (one commit per request, for throughput).</li>
 * </ul>
 * Response entries carry {@code response.location} as {@code Type/<source id>} (the URL the source reads it back
 * with) and, with {@code Prefer: return=representation}, the stored resource. Thread-safe.
 */
public final class BundleProcessor {

    private final BundleReader bundles;
    private final ResourcePreparer preparer;
    private final IntakeService intake;
    private final IntakeMetrics metrics;

    public BundleProcessor(FhirJsonReader reader, int maxEntries, ResourcePreparer preparer, IntakeService intake,
                           IntakeMetrics metrics) {
        this.bundles = new BundleReader(reader, maxEntries);
        this.preparer = preparer;
        this.intake = intake;
        this.metrics = metrics;
    }

    /**
     * @param source         source id
     * @param caller         the bearer token's caller, whose scopes must cover every entry ({@link BundleScopes}); null
     *                       when request security is off
     * @param bundle         the request body as JSON
     * @param contentType    request content type (kept in dead letters)
     * @param receivedAt     request arrival
     * @param receivedNanos  {@link System#nanoTime()} at arrival
     * @param representation whether to return the stored resources
     * @return a transaction-response or batch-response
     * @throws IntakeException when the Bundle (or, for a transaction, any entry) is refused; 403 when the token's
     *                         scopes do not cover an entry
     */
    public Bundle process(String source, SmartCaller caller, JsonNode bundle, String contentType, Instant receivedAt,
                          long receivedNanos, boolean representation) {
        BundleReader.Envelope envelope = bundles.read(bundle);
        BundleScopes.require(caller, envelope.entries());
        Map<Integer, Prepared> prepared = new HashMap<>();
        Map<Integer, List<Issue>> problems = new HashMap<>(envelope.problems());
        Map<Integer, BundleEntryRequest> byIndex = new HashMap<>();
        for (BundleEntryRequest entry : envelope.entries()) {
            byIndex.put(entry.index(), entry);
            try {
                PreparedWrite write = ("DELETE".equals(entry.method())
                        ? preparer.delete(source, entry.kind(), entry.id())
                        : representation || entry.create()
                        ? preparer.upsert(source, entry.resource(), entry.raw(), entry.kind(), entry.id(),
                        envelope.fullUrls(), receivedAt, entry.create())
                        // no resource in the answer: a common Slot may skip HAPI (same record, same errors)
                        : preparer.upsertRecord(source, entry.resource(), entry::raw,
                        entry.raw().getBytes(StandardCharsets.UTF_8).length, entry.kind(), entry.id(),
                        envelope.fullUrls(), receivedAt)).withIfMatch(entry.ifMatch());
                prepared.put(entry.index(), new Prepared(entry, write));
            } catch (IntakeException e) {
                String root = "DELETE".equals(entry.method()) ? "Bundle.entry[" + entry.index() + "].request.url" : entry.resourcePath();
                problems.put(entry.index(), e.issues().stream().map(i -> i.under(root)).toList());
            }
        }
        return "transaction".equals(envelope.type())
                ? transaction(source, envelope, prepared, problems, byIndex, receivedNanos, representation)
                : batch(source, envelope, prepared, problems, byIndex, contentType, receivedAt, receivedNanos, representation);
    }

    private Bundle transaction(String source, BundleReader.Envelope envelope, Map<Integer, Prepared> prepared,
                               Map<Integer, List<Issue>> problems, Map<Integer, BundleEntryRequest> byIndex,
                               long receivedNanos, boolean representation) {
        if (!problems.isEmpty()) {
            List<Issue> all = new ArrayList<>();
            problems.keySet().stream().sorted().forEach(i -> {
                all.addAll(problems.get(i));
                metrics.rejected(typeOf(byIndex.get(i)), source, problems.get(i).getFirst().code());
            });
            throw IntakeException.of(all);
        }
        List<PreparedWrite> writes = new ArrayList<>();
        for (int i = 0; i < envelope.size(); i++) {
            writes.add(prepared.get(i).write());
        }
        List<WriteResult> results = intake.commit(source, writes, List.of(), receivedNanos, true);
        List<Issue> failed = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).status() == WriteResult.Status.PRECONDITION_FAILED) {
                failed.add(WriteAnswers.preconditionFailed(results.get(i), "Bundle.entry[" + i + "].request.ifMatch"));
            }
        }
        if (!failed.isEmpty()) {
            throw new IntakeException(412, failed);
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        results.forEach(r -> addResult(response, r, representation));
        return response;
    }

    private Bundle batch(String source, BundleReader.Envelope envelope, Map<Integer, Prepared> prepared,
                         Map<Integer, List<Issue>> problems, Map<Integer, BundleEntryRequest> byIndex, String contentType,
                         Instant receivedAt, long receivedNanos, boolean representation) {
        List<PreparedWrite> writes = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (int i = 0; i < envelope.size(); i++) {
            if (prepared.containsKey(i)) {
                writes.add(prepared.get(i).write());
            } else {
                List<Issue> issues = problems.get(i);
                metrics.rejected(typeOf(byIndex.get(i)), source, issues.getFirst().code());
                BundleEntryRequest entry = byIndex.get(i);
                String raw = entry != null ? entry.raw() : envelope.rawRejected().get(i);
                deadLetters.add(deadLetter(source, entry, raw, issues, contentType, receivedAt));
            }
        }
        List<WriteResult> results = intake.commit(source, writes, deadLetters, receivedNanos, false);
        Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        int next = 0;
        for (int i = 0; i < envelope.size(); i++) {
            if (prepared.containsKey(i)) {
                addResult(response, results.get(next++), representation);
            } else {
                List<Issue> issues = problems.get(i);
                int status = IntakeException.statusOf(issues);
                response.addEntry().getResponse()
                        .setStatus(status + (status == 400 ? " Bad Request" : " Unprocessable Entity"))
                        .setOutcome(Issue.outcome(issues));
            }
        }
        return response;
    }

    private static void addResult(Bundle response, WriteResult result, boolean representation) {
        Bundle.BundleEntryComponent entry = response.addEntry();
        PreparedWrite w = result.write();
        Bundle.BundleEntryResponseComponent answer = entry.getResponse().setStatus(result.status().line())
                .setLocation(w.kind().fhirType() + "/" + w.sourceId());
        answer.setEtag(WriteAnswers.etag(result.current()));
        if (result.current().version().lastUpdated() != null) {
            answer.setLastModified(Date.from(result.current().version().lastUpdated()));
        }
        if (result.status() == WriteResult.Status.PRECONDITION_FAILED) {
            answer.setOutcome(Issue.outcome(List.of(WriteAnswers.preconditionFailed(result, null))));
        } else if (result.status() != WriteResult.Status.DELETED) {
            answer.setOutcome(WriteAnswers.outcome(result));
        }
        if (representation && result.stored() != null) {
            entry.setResource(result.stored());
        }
    }

    private static DeadLetter deadLetter(String source, BundleEntryRequest entry, String raw, List<Issue> issues, String contentType,
                                         Instant receivedAt) {
        Issue first = issues.getFirst();
        String reason = issues.size() == 1 ? first.message() : first.message() + " (and " + (issues.size() - 1) + " more)";
        return DeadLetter.newBuilder()
                .setSource(source)
                .setResourceType(entry == null ? null : entry.kind().fhirType())
                .setResourceId(entry == null ? null : entry.id())
                .setPayload(raw == null ? "" : raw)
                .setContentType(contentType)
                .setReason(reason)
                .setRule(first.rule())
                .setExpression(first.expression())
                .setReceivedAt(receivedAt)
                .build();
    }

    private static String typeOf(BundleEntryRequest entry) {
        return entry == null ? "unknown" : entry.kind().fhirType();
    }

    private record Prepared(BundleEntryRequest entry, PreparedWrite write) {
    }
}
