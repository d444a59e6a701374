package io.slotstream.bench.booking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.bench.core.BenchException;
import io.slotstream.bench.http.HttpCall;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;

/**
 * booking-bridge's ITI-115..117 calls as the benchmarks make them: Parameters JSON over HTTP, answers parsed with
 * Jackson, each call with a fresh {@code X-Request-Id}.
 *
 * @param http the bench's HTTP client
 * @param base booking-bridge's base URL, e.g. http://127.0.0.1:8084
 */
public record BookingClient(HttpCall http, String base) {

    private static final ObjectMapper JSON = new ObjectMapper();


    public String proposal(String slotId, String start, String end) {
        HttpCall.Response r = HttpCall.expect2xx(find(start, end, 100), "$find");
        for (JsonNode entry : read(r).path("entry")) {
            JsonNode a = entry.path("resource");
            if (a.path("slot").size() == 1 && ("Slot/" + slotId).equals(a.path("slot").get(0).path("reference").asText())) {
                return a.path("id").asText();
            }
        }
        throw new BenchException("$find proposed no Appointment for Slot/" + slotId + " (is it free?)");
    }

    /**
     * ITI-115 {@code $find} of free slots from {@code start} to {@code end} (FHIR dateTimes), first page of
     * {@code count} proposed Appointments.
     */
    public HttpCall.Response find(String start, String end, int count) {
        return post("/fhir/Appointment/$find?_count=" + count,
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"start\",\"valueDateTime\":\"" + start
                        + "\"},{\"name\":\"end\",\"valueDateTime\":\"" + end + "\"}]}");
    }

    /** @return the number of proposed Appointments in a {@code $find} answer */
    public int appointments(HttpCall.Response r) {
        int n = 0;
        for (JsonNode entry : read(r).path("entry")) {
            n += "Appointment".equals(entry.path("resource").path("resourceType").asText()) ? 1 : 0;
        }
        return n;
    }

    public HttpCall.Response hold(String proposalId) {
        return post("/fhir/Appointment/$hold", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":"
                + "\"appointment-reference\",\"valueReference\":{\"reference\":\"Appointment/" + proposalId + "\"}}]}");
    }

    public HttpCall.Response bookHeld(String appointmentId) {
        return post("/fhir/Appointment/$book", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":"
                + "\"appointment-reference\",\"valueReference\":{\"reference\":\"Appointment/" + appointmentId
                + "\"}},{\"name\":\"patient-resource\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"bench-"
                + UUID.randomUUID() + "\"}}]}");
    }

    public HttpCall.Response bookSlot(String slotId) {
        return post("/fhir/Appointment/$book", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":"
                + "\"appointment-resource\",\"resource\":{\"resourceType\":\"Appointment\",\"status\":\"pending\","
                + "\"slot\":[{\"reference\":\"Slot/" + slotId + "\"}]}}]}");
    }

    public void cancel(String appointmentId) {
        HttpCall.expect2xx(post("/fhir/Appointment/$book", "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":"
                + "\"appointment-resource\",\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"" + appointmentId
                + "\",\"status\":\"cancelled\"}}]}"), "cancel of Appointment/" + appointmentId);
    }

    /** @return the id of the answer's Appointment, which must have {@code status} */
    public String expectAppointment(HttpCall.Response r, String status, String what) {
        if (!isAppointment(r, status, what)) {
            throw new BenchException(what + " was refused: " + r.excerpt());
        }
        return appointmentId(r);
    }

    /**
     * @return whether the answer is a Bundle with an Appointment of {@code status} (false: an OperationOutcome)
     * @throws BenchException when the call failed (not a 200 with a Bundle)
     */
    public boolean isAppointment(HttpCall.Response r, String status, String what) {
        HttpCall.expect2xx(r, what);
        if (r.status() != 200) {
            throw new BenchException(what + ": no outcome within booking-bridge's outcome-timeout (HTTP "
                    + r.status() + ")");
        }
        JsonNode first = read(r).path("entry").path(0).path("resource");
        return "Appointment".equals(first.path("resourceType").asText()) && status.equals(first.path("status").asText());
    }

    public String appointmentId(HttpCall.Response r) {
        return read(r).path("entry").path(0).path("resource").path("id").asText();
    }

    private HttpCall.Response post(String path, String parameters) {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .header("X-Request-Id", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(parameters)).build());
    }

    private static JsonNode read(HttpCall.Response r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new BenchException("not JSON: " + r.excerpt(), e);
        }
    }
}
