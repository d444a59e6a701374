package io.slotstream.publish.snapshot;

import java.util.List;

/**
 * One immutable NDJSON file of the publication: a manifest {@code output[]} (or {@code deleted[]}) entry before the
 * URL is known.
 *
 * @param type   FHIR type of every line: Location, Schedule, PractitionerRole, Slot, or Bundle (deletions)
 * @param path   the content-named file name, e.g. {@code Slot-MA-2026-W40-1f0c9a7e3b2d4c55.ndjson}
 * @param states the {@code extension.state} hint (sched-4): states of the lines' locations, sorted; may be empty
 * @param lines  lines in the file
 * @param bytes  file size in bytes
 */
public record PublishedFile(String type, String path, List<String> states, long lines, long bytes) {

    public PublishedFile {
        states = List.copyOf(states);
    }
}
