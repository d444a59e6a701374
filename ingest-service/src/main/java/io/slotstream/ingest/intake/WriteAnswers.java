package io.slotstream.ingest.intake;

import io.slotstream.ingest.ordering.SourceVersion;
import io.slotstream.ingest.ordering.StoredState;
import io.slotstream.ingest.validation.Issue;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How a {@link WriteResult} is told to the client, the same for a PUT/DELETE and for a Bundle entry (FHIR R4
 * http.html#update, #delete, #concurrency): the stored version as {@code ETag} ({@code W/"<meta.versionId>"}) and
 * {@code Last-Modified} (meta.lastUpdated), an informational OperationOutcome for writes that wrote nothing (stale,
 * already deleted) and the 412 issue of a failed {@code If-Match}.
 */
public final class WriteAnswers {

    /** {@code details.text} of the answer to a stale version. */
    public static final String STALE = "ignored, stale";
    private static final String ORDERING_RULE = "Slotstream ordering rule: meta.versionId, then meta.lastUpdated, else arrival order";
    private static final String IF_MATCH_RULE = "FHIR R4 version-aware update (http.html#concurrency): If-Match must name the current version";

    private WriteAnswers() {
    }

    /** @return the weak ETag of the stored version; null when nothing live is stored or it has no versionId */
    public static String etag(StoredState current) {
        return current instanceof StoredState.Live live ? live.version().etag() : null;
    }

    /** @return the stored version's meta.lastUpdated as an HTTP date; null when none */
    public static String lastModified(StoredState current) {
        SourceVersion v = current.version();
        return v.lastUpdated() == null ? null
                : DateTimeFormatter.RFC_1123_DATE_TIME.format(v.lastUpdated().atOffset(ZoneOffset.UTC));
    }

    /** @return the informational outcome of a write that wrote nothing or deleted; null for other results */
    public static OperationOutcome outcome(WriteResult r) {
        String target = r.write().kind().fhirType() + "/" + r.write().sourceId();
        return switch (r.status()) {
            case STALE -> notice(STALE, target + (r.write().isDelete() ? "" : " (" + SourceVersion.of(r.write().record()).describe() + ")")
                    + " is older than " + stored(r.current()) + ": ignored, stale; nothing was written (" + ORDERING_RULE + ")");
            case ALREADY_DELETED -> notice("already deleted", target + " is already deleted (" + stored(r.current())
                    + "); nothing was written");
            case DELETED -> notice("deleted", "Deleted " + target + " (key " + r.write().key() + ")");
            default -> null;
        };
    }

    /** @return the issue of a failed If-Match, at {@code expression} (null for an HTTP header) */
    public static Issue preconditionFailed(WriteResult r, String expression) {
        return Issue.profile("conflict", expression, IF_MATCH_RULE, "If-Match " + r.write().ifMatch() + " does not match "
                + r.write().kind().fhirType() + "/" + r.write().sourceId() + ": " + stored(r.current()) + "; nothing was written");
    }

    private static String stored(StoredState current) {
        return switch (current) {
            case StoredState.Live live -> "the stored version (" + live.version().describe() + ")";
            case StoredState.Deleted d -> "its deletion at " + d.deletedAt() + (d.deletedVersion().equals(SourceVersion.NONE)
                    ? "" : " (deleted version: " + d.deletedVersion().describe() + ")");
            case StoredState.Absent a -> "nothing stored";
        };
    }

    private static OperationOutcome notice(String text, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDetails(new CodeableConcept().setText(text))
                .setDiagnostics(message);
        return outcome;
    }
}
