package io.slotstream.web.live;

/**
 * One change of {@code slot.availability.v1} as the pages receive it (JSON in the {@code slots} server-sent event).
 *
 * @param id       canonical Slot id (the FHIR Slot id of the search API)
 * @param status   the effective status code ({@code free}, {@code busy}, ...), or {@code gone} for a tombstone
 * @param schedule canonical Schedule id, null for {@code gone}
 * @param start    slot start, UTC epoch milliseconds; null for {@code gone}
 * @param holdExpiresAt when the current hold lapses, UTC epoch milliseconds; null when not held
 */
public record SlotChange(String id, String status, String schedule, Long start, Long holdExpiresAt) {
}
