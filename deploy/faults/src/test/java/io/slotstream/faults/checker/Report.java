package io.slotstream.faults.checker;

import java.util.List;

/**
 * The checker's verdict: one line per anomaly, grouped by category, plus how much history it judged.
 *
 * @param lost           acknowledged writes or bookings the system no longer shows (absent, or an older version)
 * @param duplicated     resources listed more than once in one listing (view search, publication)
 * @param resurrected    resources (or cancelled Appointments) back after an acknowledged delete (cancel)
 * @param divergent      resources the topic, the view and the publication disagree on, or states no client write explains
 * @param doubleBookings slots two accepted bookings hold at once
 * @param deadLetters    dead-letter records of the checked source
 * @param writes         ingest calls judged (all outcomes)
 * @param bookings       booking calls judged (all outcomes)
 */
public record Report(List<String> lost, List<String> duplicated, List<String> resurrected, List<String> divergent,
                     List<String> doubleBookings, int deadLetters, int writes, int bookings) {

    public Report {
        lost = List.copyOf(lost);
        duplicated = List.copyOf(duplicated);
        resurrected = List.copyOf(resurrected);
        divergent = List.copyOf(divergent);
        doubleBookings = List.copyOf(doubleBookings);
    }

    /** No anomaly of any category and no dead letter. */
    public boolean isClean() {
        return lost.isEmpty() && duplicated.isEmpty() && resurrected.isEmpty() && divergent.isEmpty()
                && doubleBookings.isEmpty() && deadLetters == 0;
    }

    /** The figures on one line, e.g. {@code lost=0 duplicated=0 ...}. */
    public String figures() {
        return "writes=%d bookings=%d lost=%d duplicated=%d resurrected=%d divergent=%d doubleBookings=%d deadLetters=%d"
                .formatted(writes, bookings, lost.size(), duplicated.size(), resurrected.size(), divergent.size(),
                        doubleBookings.size(), deadLetters);
    }

    /** The figures and up to five examples of each non-empty category. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(figures());
        examples(text, "lost", lost);
        examples(text, "duplicated", duplicated);
        examples(text, "resurrected", resurrected);
        examples(text, "divergent", divergent);
        examples(text, "double booking", doubleBookings);
        return text.toString();
    }

    private static void examples(StringBuilder text, String category, List<String> anomalies) {
        anomalies.stream().limit(5).forEach(a -> text.append("\n  ").append(category).append(": ").append(a));
        if (anomalies.size() > 5) {
            text.append("\n  ... ").append(anomalies.size() - 5).append(" more ").append(category);
        }
    }
}
