package io.slotstream.ingest.ordering;

import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;

/** What the {@code fhir.*.v1} topic holds for one key: nothing, a live record, or a tombstone. */
public sealed interface StoredState {

    /** Never written, or a tombstone older than the topics' tombstone retention (7 days). */
    record Absent() implements StoredState {
    }

    /** A live resource. */
    record Live(SpecificRecord record, SourceVersion version) implements StoredState {
        public static Live of(SpecificRecord record) {
            return new Live(record, SourceVersion.of(record));
        }
    }

    /**
     * A tombstone.
     *
     * @param deletedVersion the version that was deleted ({@link SourceVersion#NONE} when the key was unknown)
     * @param deletedAt      when ingest received the delete (the tombstone's record timestamp), UTC
     */
    record Deleted(SourceVersion deletedVersion, Instant deletedAt) implements StoredState {
    }

    StoredState ABSENT = new Absent();

    /** @return the version a client would see ({@link SourceVersion#NONE} unless live) */
    default SourceVersion version() {
        return this instanceof Live live ? live.version() : SourceVersion.NONE;
    }
}
