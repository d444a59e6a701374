package io.slotstream.booking.find;

import java.time.Instant;
import java.util.List;

/**
 * The ITI-115 {@code $find} inputs booking-bridge honours (already validated).
 *
 * @param start         window start (UTC), inclusive: slots starting at or after it
 * @param end           window end (UTC), exclusive: slots starting before it
 * @param specialties   {@code system|code} tokens, OR
 * @param visitTypes    {@code system|code} tokens (Slot.serviceType), OR
 * @param practitioners Practitioner ids, OR
 * @param locations     Location ids (from location-reference and location-string), OR; null = no location filter
 * @param count         page size
 * @param cursor        the {@code _cursor} of a next link of an earlier page, or null for the first page
 */
public record FindCriteria(Instant start, Instant end, List<String> specialties, List<String> visitTypes,
                           List<String> practitioners, List<String> locations, int count, String cursor) {
}
