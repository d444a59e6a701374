package io.slotstream.ingest.intake;

import io.slotstream.ingest.ordering.StoredState;
import org.hl7.fhir.r4.model.Resource;

import java.util.function.Supplier;

/**
 * What happened to one {@link PreparedWrite}.
 */
public final class WriteResult {

    private final PreparedWrite write;
    private final Status status;
    private final StoredState current;
    private Supplier<Resource> storedSource;
    private Resource stored;

    /**
     * @param write   the write
     * @param status  what was decided (see {@link Status})
     * @param stored  gives the resource as now stored (for UNCHANGED, STALE and PRECONDITION_FAILED the stored one,
     *                when live), or null after a delete or when nothing is stored; asked at most once, and only when
     *                someone reads {@link #stored()} (a feed never does: rebuilding a HAPI resource costs)
     * @param current the key's state after the decision: its version is what {@code ETag}/{@code Last-Modified} show
     */
    public WriteResult(PreparedWrite write, Status status, Supplier<Resource> stored, StoredState current) {
        this.write = write;
        this.status = status;
        this.storedSource = stored;
        this.current = current;
    }

    public PreparedWrite write() {
        return write;
    }

    public Status status() {
        return status;
    }

    /** @return the resource as now stored; null after a delete or when nothing is stored */
    public synchronized Resource stored() {
        if (storedSource != null) {
            stored = storedSource.get();
            storedSource = null;
        }
        return stored;
    }

    /** @return the key's state after the decision: its version is what {@code ETag}/{@code Last-Modified} show */
    public StoredState current() {
        return current;
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
