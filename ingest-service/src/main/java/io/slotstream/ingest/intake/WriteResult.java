package io.slotstream.ingest.intake;

import org.hl7.fhir.r4.model.Resource;

/**
 * What happened to one {@link PreparedWrite}.
 *
 * @param write  the write
 * @param status CREATED (new key), UPDATED (changed), UNCHANGED (equal to the stored one: nothing written) or DELETED
 * @param stored the resource as now stored (for UNCHANGED the earlier one); null after a delete
 */
public record WriteResult(PreparedWrite write, Status status, Resource stored) {

    public enum Status {
        CREATED(201, "201 Created"), UPDATED(200, "200 OK"), UNCHANGED(200, "200 OK"), DELETED(200, "200 OK");

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
