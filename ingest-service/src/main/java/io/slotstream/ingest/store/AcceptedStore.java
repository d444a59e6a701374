package io.slotstream.ingest.store;

import io.slotstream.ingest.intake.ResourceKind;
import org.apache.avro.specific.SpecificRecord;

import java.util.Optional;

/** What ingest last accepted per canonical id: the basis of {@code GET [base]/Type/id} and of idempotent re-sends. */
public interface AcceptedStore {

    /**
     * @return the last accepted record for the key; empty when never accepted or deleted
     * @throws StoreUnavailableException when the store is not (yet) queryable
     */
    Optional<SpecificRecord> get(ResourceKind kind, String key);

    /** Records this instance's own committed write (null value = delete) so it is visible before the topics catch up. */
    void remember(ResourceKind kind, String key, SpecificRecord value);

    /** @return whether reads are served (false while the store is starting or restoring) */
    boolean isReady();
}
