package io.slotstream.ingest.ordering;

import java.time.Instant;

/**
 * Which version of a key is current: the one rule ingest applies to every write (PUT, and every Bundle entry), so that
 * the compacted {@code fhir.*.v1} topic holds, per key, the newest version the source sent, whatever the arrival
 * order. Pure and thread-safe.
 * <ol>
 *   <li>Both versions have a numeric {@code meta.versionId}: the higher one is newer.</li>
 *   <li>Else (or equal versionIds) both have {@code meta.lastUpdated}: the later one is newer.</li>
 *   <li>Else arrival order ({@link Verdict#TIE}): the incoming write is the newer one.</li>
 * </ol>
 * A write that is not stale but whose content equals the stored one (ignoring send times and lastUpdated) writes
 * nothing ("unchanged"; {@code WriteSequencer}), so re-sends cause no churn downstream.
 * After a delete, the tombstone remembers the deleted version and when the delete arrived: an incoming version is
 * newer only if its numeric versionId is above the deleted one, or (without comparable versionIds) its lastUpdated is
 * after both the deleted version's lastUpdated and the delete's arrival; without either it is a re-create (arrival
 * order). The tombstone is remembered as long as the topic keeps it ({@code delete.retention.ms}, 7 days).
 */
public final class OrderingRule {

    /** How an incoming version compares with the stored one. */
    public enum Verdict {
        /** newer: write it */
        NEWER,
        /** older: ignore it, answer "ignored, stale" */
        STALE,
        /** versions equal or not comparable: arrival order (the incoming write is the newer one) */
        TIE
    }

    private OrderingRule() {
    }

    /** @return the verdict for an upsert carrying {@code incoming} when the key's state is {@code stored} */
    public static Verdict upsert(StoredState stored, SourceVersion incoming) {
        return switch (stored) {
            case StoredState.Absent a -> Verdict.NEWER;
            case StoredState.Live live -> compare(incoming, live.version());
            case StoredState.Deleted deleted -> afterDelete(incoming, deleted);
        };
    }

    /**
     * {@code If-Match} (FHIR R4 http.html#concurrency): true when the stored resource is live and its versionId equals
     * the header's; a deleted or unknown resource, or one stored without versionId, never matches.
     *
     * @param ifMatch the header value: {@code W/"3"}, {@code "3"} or {@code 3}
     */
    public static boolean matches(String ifMatch, StoredState stored) {
        String wanted = ifMatch.strip();
        if (wanted.startsWith("W/")) {
            wanted = wanted.substring(2);
        }
        if (wanted.length() >= 2 && wanted.startsWith("\"") && wanted.endsWith("\"")) {
            wanted = wanted.substring(1, wanted.length() - 1);
        }
        return stored instanceof StoredState.Live live && wanted.equals(live.version().versionId());
    }

    private static Verdict compare(SourceVersion incoming, SourceVersion stored) {
        long in = incoming.numeric();
        long st = stored.numeric();
        if (in >= 0 && st >= 0 && in != st) {
            return in > st ? Verdict.NEWER : Verdict.STALE;
        }
        Instant inTime = incoming.lastUpdated();
        Instant stTime = stored.lastUpdated();
        if (inTime != null && stTime != null && !inTime.equals(stTime)) {
            return inTime.isAfter(stTime) ? Verdict.NEWER : Verdict.STALE;
        }
        return Verdict.TIE;
    }

    private static Verdict afterDelete(SourceVersion incoming, StoredState.Deleted deleted) {
        long in = incoming.numeric();
        long del = deleted.deletedVersion().numeric();
        if (in >= 0 && del >= 0) {
            return in > del ? Verdict.NEWER : Verdict.STALE;
        }
        Instant inTime = incoming.lastUpdated();
        if (inTime != null) {
            Instant delTime = deleted.deletedVersion().lastUpdated();
            boolean afterVersion = delTime == null || inTime.isAfter(delTime);
            return afterVersion && inTime.isAfter(deleted.deletedAt()) ? Verdict.NEWER : Verdict.STALE;
        }
        return Verdict.NEWER; // nothing to compare: a PUT after a DELETE re-creates (arrival order)
    }
}
