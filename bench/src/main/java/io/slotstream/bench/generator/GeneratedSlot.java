package io.slotstream.bench.generator;

/**
 * One generated Slot, already in the shape it is published in. Times are FHIR instants in the Location's local
 * offset, to the second ({@code 2026-03-02T08:30:00-05:00}).
 *
 * @param id          {@code sch-00042-20260302-0830}: schedule, local date and local start time
 * @param scheduleId  the Schedule id (without {@code Schedule/})
 * @param status      {@code free} or {@code busy}
 * @param patientType accepting-patients code: {@code newpt} or {@code existptonly}
 */
public record GeneratedSlot(String id, String scheduleId, String status, String start, String end,
                            String bookingDeepLink, String bookingPhone, String patientType) {

    /** The same slot with another status (a booking or cancellation). */
    public GeneratedSlot withStatus(String newStatus) {
        return new GeneratedSlot(id, scheduleId, newStatus, start, end, bookingDeepLink, bookingPhone, patientType);
    }
}
