package io.slotstream.availability.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A half-open instant interval [fromMs, toMs) in UTC epoch ms, built from FHIR date search values: a prefix (eq
 * default, ge, gt, le, lt) and a date/dateTime of any FHIR precision (YYYY, YYYY-MM, YYYY-MM-DD, with hh:mm[:ss[.sss]]
 * and a zone). Zone-less times are read as UTC. Semantics for a value whose precision spans [lo, hi): eq = [lo, hi),
 * ge = [lo, +inf), gt = [hi, +inf), lt = (-inf, lo), le = (-inf, hi).
 */
public record DateRange(long fromMs, long toMs) {

    public static final DateRange ALL = new DateRange(Long.MIN_VALUE, Long.MAX_VALUE);

    /** @throws SearchException when the prefix or the date is malformed */
    public static DateRange parse(String raw, String expression) {
        // '+' of an offset arrives as ' ' when the client did not percent-encode it
        String value = raw.replace(' ', '+');
        String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
        String date = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(2) : value;
        long[] span = span(date, expression);
        return switch (prefix) {
            case "eq" -> new DateRange(span[0], span[1]);
            case "ge" -> new DateRange(span[0], Long.MAX_VALUE);
            case "gt" -> new DateRange(span[1], Long.MAX_VALUE);
            case "lt" -> new DateRange(Long.MIN_VALUE, span[0]);
            case "le" -> new DateRange(Long.MIN_VALUE, span[1]);
            default -> throw new SearchException("date prefix '" + prefix + "' is not supported (eq, ge, gt, le, lt)",
                    expression);
        };
    }

    /** @return the intersection (AND of two conditions) */
    public DateRange and(DateRange other) {
        return new DateRange(Math.max(fromMs, other.fromMs), Math.min(toMs, other.toMs));
    }

    /** @return whether the instant lies in the interval */
    public boolean contains(long ms) {
        return ms >= fromMs && ms < toMs;
    }

    private static long[] span(String date, String expression) {
        try {
            if (date.matches("\\d{4}")) {
                long lo = LocalDate.of(Integer.parseInt(date), 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                long hi = LocalDate.of(Integer.parseInt(date) + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                return new long[]{lo, hi};
            }
            if (date.matches("\\d{4}-\\d{2}")) {
                YearMonth ym = YearMonth.parse(date);
                return new long[]{utc(ym.atDay(1).atStartOfDay()), utc(ym.plusMonths(1).atDay(1).atStartOfDay())};
            }
            if (date.matches("\\d{4}-\\d{2}-\\d{2}")) {
                LocalDate d = LocalDate.parse(date);
                return new long[]{utc(d.atStartOfDay()), utc(d.plusDays(1).atStartOfDay())};
            }
            if (date.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?")) {
                boolean zoned = date.endsWith("Z") || date.matches(".*[+-]\\d{2}:\\d{2}$");
                Instant instant = zoned ? OffsetDateTime.parse(date).toInstant()
                        : LocalDateTime.parse(date).toInstant(ZoneOffset.UTC);
                ChronoUnit precision = date.contains(".") ? ChronoUnit.MILLIS
                        : date.matches("[^T]*T\\d{2}:\\d{2}:\\d{2}.*") ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
                long lo = instant.toEpochMilli();
                return new long[]{lo, lo + precision.getDuration().toMillis()};
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            // fall through to the error below
        }
        throw new SearchException("'" + date + "' is not a FHIR date or dateTime (e.g. 2026-03-21 or "
                + "2026-03-21T09:00:00-04:00)", expression);
    }

    private static long utc(LocalDateTime t) {
        return t.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
