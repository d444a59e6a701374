package io.slotstream.ingest.intake;

import io.slotstream.ingest.ordering.StoredState;
import org.hl7.fhir.r4.model.Resource;

/**
 * What happened to one {@link PreparedWrite}.
 *
 * @param write   the write
 * @param status  what was decided (see {@link Status})
 * @param stored  the resource as now stored (for UNCHANGED, STALE and PRECONDITION_FAILED the stored one, when live);
 *                null after a delete or when nothing is stored
 * @param current the key's state after the decision: its version is what {@code ETag}/{@code Last-Modified} show
 */
public record WriteResult(PreparedWrite write, Status status, Resource stored, StoredState current) {

    public WriteResult(PreparedWrite write, Status status, Resource stored) {
        this(write, status, stored, StoredState.ABSENT);
    }

    /** Per FHIR R4 http.html (update, delete, version-aware updates). */
    public enum Status {
        /** new key: written */
        CREATED(201, "201 Created"),
        /** newer version or other content: written */
        UPDATED(200, "200 OK"),
        /** equal to the stored version: nothing written */
        UNCHANGED(200, "200 OK"),
        /** older than the stored version (or than a delete): ignored, nothing written */
        STALE(200, "200 OK"),
        /** tombstone written */
        DELETED(200, "200 OK"),
        /** already deleted: nothing written */
        ALREADY_DELETED(200, "200 OK"),
        /** {@code If-Match} does not name the stored version: nothing written */
        PRECONDITION_FAILED(412, "412 Precondition Failed");

        private final int http;
        private final String line;

        Status(int http, String line) {
            this.http = http;
            this.line = line;
        }

        /** @return the HTTP status code */
        public int http() {
            return http;
        }

        /** @return the status as a Bundle entry's {@code response.status} */
        public String line() {
            return line;
        }
    }
}
