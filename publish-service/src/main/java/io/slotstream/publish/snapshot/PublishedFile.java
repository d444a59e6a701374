package io.slotstream.publish.snapshot;

import java.util.List;

/**
 * One NDJSON file of a snapshot or of an incremental ({@code _since}) answer: a manifest {@code output[]} (or
 * {@code deleted[]}) entry before the URL is known.
 *
 * @param type     FHIR type of every line: Location, Schedule, PractitionerRole, Slot, or Bundle (deletions)
 * @param path     path relative to the snapshot directory, e.g. {@code Slot-MA-2026-W40.ndjson} or
 *                 {@code since-1767225600000/Slot.ndjson}
 * @param states   the {@code extension.state} hint (sched-4): states of the lines' locations, sorted; may be empty
 * @param lines    resources in the file
 * @param bytes    file size in bytes
 */
public record PublishedFile(String type, String path, List<String> states, long lines, long bytes) {

    public PublishedFile {
        states = List.copyOf(states);
    }
}
