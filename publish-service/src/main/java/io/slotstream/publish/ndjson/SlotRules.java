package io.slotstream.publish.ndjson;

import io.slotstream.avro.SlotAvailability;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.TreeSet;

/** How the publication groups Slots into files (by state and ISO week); the Slot itself is rendered by {@link io.slotstream.schemas.slot.SlotJsonWriter}. */
public final class SlotRules {

    private SlotRules() {
    }

    /**
     * The file group of a slot: its states (sorted, distinct, without the separators {@code ,} and {@code |}) and
     * the ISO week of its start in its own offset, e.g. {@code "CT,MA|2026-W40"}; no states gives {@code "|2026-W40"}.
     */
    public static String group(SlotAvailability slot) {
        return states(slot.getStates()) + "|" + isoWeek(slot.getStart().toEpochMilli(), slot.getStartOffsetSeconds());
    }

    static String states(List<String> states) {
        TreeSet<String> distinct = new TreeSet<>();
        for (String state : states) {
            String clean = state == null ? "" : state.replace(",", "").replace("|", "").trim();
            if (!clean.isEmpty()) {
                distinct.add(clean);
            }
        }
        return String.join(",", distinct);
    }

    /** @return e.g. 2026-W40, the ISO week-based year and week of that instant at that offset */
    public static String isoWeek(long epochMillis, int offsetSeconds) {
        OffsetDateTime local = Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.ofTotalSeconds(offsetSeconds));
        return String.format("%d-W%02d", local.get(IsoFields.WEEK_BASED_YEAR), local.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
