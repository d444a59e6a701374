package io.slotstream.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchException;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The availability query API as a client uses it: {@code GET [base]/fhir/Slot?schedule=Schedule/{id}&start=ge{from}
 * &start=lt{to}&_count=...}, times as FHIR instants (URL-encoded, so {@code +} offsets survive).
 */
public final class SlotSearch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SlotSearch() {
    }

    /** @return the search URL for one schedule (canonical id) and a start window */
    public static String url(String availabilityBase, String scheduleId, String fromInclusive, String toExclusive) {
        return availabilityBase + "/fhir/Slot?schedule=" + enc("Schedule/" + scheduleId) + "&start=" + enc("ge" + fromInclusive)
                + "&start=" + enc("lt" + toExclusive) + "&_count=1000";
    }

    /**
     * @return Slot id to status for every Slot in a searchset Bundle body
     * @throws BenchException when the body is not JSON
     */
    public static Map<String, String> statuses(byte[] bundle) {
        Map<String, String> out = new HashMap<>();
        try {
            for (JsonNode entry : JSON.readTree(bundle).path("entry")) {
                JsonNode r = entry.path("resource");
                if ("Slot".equals(r.path("resourceType").asText())) {
                    out.put(r.path("id").asText(), r.path("status").asText());
                }
            }
        } catch (IOException e) {
            throw new BenchException("the Slot search answered something that is not JSON: " + e.getMessage(), e);
        }
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
