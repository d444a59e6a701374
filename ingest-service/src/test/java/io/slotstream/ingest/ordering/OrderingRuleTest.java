package io.slotstream.ingest.ordering;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.slotstream.ingest.ordering.OrderingRule.Verdict.NEWER;
import static io.slotstream.ingest.ordering.OrderingRule.Verdict.STALE;
import static io.slotstream.ingest.ordering.OrderingRule.Verdict.TIE;
import static org.assertj.core.api.Assertions.assertThat;

/** The ordering rule on its own: versionId, then lastUpdated, else arrival order; deletes; If-Match. */
class OrderingRuleTest {

    private static final Instant T1 = Instant.parse("2026-09-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-09-01T11:00:00Z");
    private static final Instant T3 = Instant.parse("2026-09-01T12:00:00Z");

    private static StoredState live(String versionId, Instant lastUpdated) {
        return new StoredState.Live(null, new SourceVersion(versionId, lastUpdated));
    }

    private static SourceVersion v(String versionId, Instant lastUpdated) {
        return new SourceVersion(versionId, lastUpdated);
    }

    @Test
    void anythingIsNewerThanNothing() {
        assertThat(OrderingRule.upsert(StoredState.ABSENT, SourceVersion.NONE)).isEqualTo(NEWER);
        assertThat(OrderingRule.upsert(StoredState.ABSENT, v("1", T1))).isEqualTo(NEWER);
    }

    @Test
    void numericVersionIdsCompareAsNumbersAndWinOverLastUpdated() {
        assertThat(OrderingRule.upsert(live("9", T1), v("10", T1))).isEqualTo(NEWER); // not string order
        assertThat(OrderingRule.upsert(live("10", T1), v("9", T1))).isEqualTo(STALE);
        // a higher versionId wins even with an earlier lastUpdated (the source's counter is authoritative)
        assertThat(OrderingRule.upsert(live("2", T3), v("3", T1))).isEqualTo(NEWER);
        assertThat(OrderingRule.upsert(live("3", T1), v("2", T3))).isEqualTo(STALE);
    }

    @Test
    void equalOrNonNumericVersionIdsFallBackToLastUpdated() {
        assertThat(OrderingRule.upsert(live("5", T1), v("5", T2))).isEqualTo(NEWER);
        assertThat(OrderingRule.upsert(live("5", T2), v("5", T1))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(live("abc", T2), v("xyz", T1))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(live(null, T1), v(null, T2))).isEqualTo(NEWER);
        assertThat(OrderingRule.upsert(live(null, T2), v(null, T1))).isEqualTo(STALE);
    }

    @Test
    void withoutComparableVersionsArrivalOrderDecides() {
        assertThat(OrderingRule.upsert(live(null, null), SourceVersion.NONE)).isEqualTo(TIE);
        assertThat(OrderingRule.upsert(live("5", T1), v("5", T1))).isEqualTo(TIE);
        assertThat(OrderingRule.upsert(live("5", T1), SourceVersion.NONE)).isEqualTo(TIE);
        assertThat(OrderingRule.upsert(live(null, T1), v("7", null))).isEqualTo(TIE);
    }

    @Test
    void afterADeleteOnlyALaterVersionRecreates() {
        StoredState deletedV3 = new StoredState.Deleted(v("3", T1), T2);
        assertThat(OrderingRule.upsert(deletedV3, v("3", T3))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(deletedV3, v("2", T3))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(deletedV3, v("4", T1))).isEqualTo(NEWER);

        StoredState deletedAtT2 = new StoredState.Deleted(v(null, T1), T2);
        // last updated before the delete arrived: a version that existed before the delete
        assertThat(OrderingRule.upsert(deletedAtT2, v(null, T1.plusSeconds(60)))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(deletedAtT2, v(null, T1))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(deletedAtT2, v(null, T3))).isEqualTo(NEWER);
        // nothing to compare: a PUT after a DELETE re-creates
        assertThat(OrderingRule.upsert(deletedAtT2, SourceVersion.NONE)).isEqualTo(NEWER);
        // a delete of an unknown key still stops versions from before it
        StoredState deletedUnknown = new StoredState.Deleted(SourceVersion.NONE, T2);
        assertThat(OrderingRule.upsert(deletedUnknown, v("1", T1))).isEqualTo(STALE);
        assertThat(OrderingRule.upsert(deletedUnknown, v("1", T3))).isEqualTo(NEWER);
    }

    @Test
    void ifMatchNamesTheStoredVersionIdInAnyEtagSpelling() {
        StoredState stored = live("3", T1);
        assertThat(OrderingRule.matches("W/\"3\"", stored)).isTrue();
        assertThat(OrderingRule.matches("\"3\"", stored)).isTrue();
        assertThat(OrderingRule.matches("3", stored)).isTrue();
        assertThat(OrderingRule.matches("W/\"2\"", stored)).isFalse();
        assertThat(OrderingRule.matches("W/\"3\"", live(null, T1))).isFalse();
        assertThat(OrderingRule.matches("W/\"3\"", new StoredState.Deleted(v("3", T1), T2))).isFalse();
        assertThat(OrderingRule.matches("W/\"3\"", StoredState.ABSENT)).isFalse();
    }

    @Test
    void etagIsWeakAndOnlyWithAVersionId() {
        assertThat(v("3", T1).etag()).isEqualTo("W/\"3\"");
        assertThat(v(null, T1).etag()).isNull();
        assertThat(v("x", null).numeric()).isEqualTo(-1);
        assertThat(v("0042", null).numeric()).isEqualTo(42);
    }
}
