package io.slotstream.bench.freshness;

import io.slotstream.bench.generator.GeneratedSlot;

/**
 * One tracked change: the Slot (canonical id) and the status it was changed to, and when it was sent, accepted by
 * ingest (2xx received), and first seen with that status in each place. Times are System.nanoTime, 0 = not yet.
 */
final class Probe {

    final String canonicalId;
    final String canonicalScheduleId;
    final GeneratedSlot slot;
    final boolean queryProbe;
    final long sentNanos;
    /** the Slot's status before this change (null when the change does not say) */
    final String statusBefore;
    /** the change of the same Slot this one superseded in this run, or null */
    final Probe previous;
    volatile long acceptedNanos;
    volatile long topicNanos;
    volatile long queryNanos;
    volatile long sinceNanos;
    volatile boolean superseded;

    Probe(String canonicalId, String canonicalScheduleId, GeneratedSlot slot, boolean queryProbe, long sentNanos,
          String statusBefore, Probe previous) {
        this.canonicalId = canonicalId;
        this.canonicalScheduleId = canonicalScheduleId;
        this.slot = slot;
        this.queryProbe = queryProbe;
        this.sentNanos = sentNanos;
        this.statusBefore = statusBefore;
        this.previous = previous;
    }

    /**
     * Whether this change only undid changes of the same Slot that no {@code _since} poll showed: then the
     * publication may never have changed (a cut, or the publication store's batch, saw only the net result) and
     * rightly lists nothing. Call once polling has stopped.
     */
    boolean undoesUnpublishedChanges() {
        Probe first = this;
        while (first.previous != null && first.previous.sinceNanos == 0) {
            first = first.previous;
        }
        return first != this && first.statusBefore != null && first.statusBefore.equals(expectedStatus());
    }

    String expectedStatus() {
        return slot.status();
    }

    /** A place saw it: keeps the first time only. @return whether this was the first sighting */
    synchronized boolean seen(Where where, long nanos) {
        switch (where) {
            case TOPIC -> {
                if (topicNanos != 0) {
                    return false;
                }
                topicNanos = nanos;
            }
            case QUERY -> {
                if (queryNanos != 0) {
                    return false;
                }
                queryNanos = nanos;
            }
            case SINCE -> {
                if (sinceNanos != 0) {
                    return false;
                }
                sinceNanos = nanos;
            }
        }
        return true;
    }

    boolean done() {
        return acceptedNanos != 0 && topicNanos != 0 && sinceNanos != 0 && (!queryProbe || queryNanos != 0);
    }

    enum Where { TOPIC, QUERY, SINCE }
}
