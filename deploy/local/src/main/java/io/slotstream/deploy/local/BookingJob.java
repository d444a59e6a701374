package io.slotstream.deploy.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The main job's last step: one booking through booking-bridge's IHE ITI Scheduling API, {@code $find} (ITI-115)
 * -> {@code $hold} (ITI-116) -> {@code $book} (ITI-117), then the slot shown {@code busy} in the next
 * {@code $bulk-publish?_since} poll and the Appointment found by ITI-118 search.
 */
public final class BookingJob {

    /**
     * @param appointmentId the booked Appointment's id
     * @param slotId        the booked slot
     * @param busyAfter     from the {@code $book} answer to the slot's busy line in a {@code _since} poll
     */
    public record Result(String appointmentId, String slotId, Duration busyAfter) {
    }

    static final String PATIENT = "slotstream-demo-patient";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fhirBase;
    private final String manifestUrl;
    private final PrintStream out;
    private final HttpClient http;
    /** Access tokens for booking-bridge (null: the services run without request security). */
    private java.util.function.Supplier<String> bookingToken;
    /** The {@code patient-resource} of {@code $book}: the demo patient's id, plus what {@link #withPatient} adds. */
    private ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient").put("id", PATIENT);

    /**
     * @param bookingBaseUrl booking-bridge, e.g. http://127.0.0.1:8084
     * @param publishBaseUrl publish-service, e.g. http://127.0.0.1:8083
     */
    public BookingJob(String bookingBaseUrl, String publishBaseUrl, PrintStream out) {
        this(bookingBaseUrl, publishBaseUrl, out, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** @param http the client for booking-bridge and publish-service (over HTTPS: one that trusts their CA) */
    public BookingJob(String bookingBaseUrl, String publishBaseUrl, PrintStream out, HttpClient http) {
        this.fhirBase = bookingBaseUrl + "/fhir";
        this.manifestUrl = publishBaseUrl + "/$bulk-publish";
        this.out = out;
        this.http = http;
    }

    /**
     * @param since a publication transactionTime before the booking (the {@code _since} of the poll)
     * @return the booking, or null when {@code $find} proposes nothing in the next 365 days
     * @throws StackException when a step fails or the booking does not show in time
     */
    public Result run(String since) {
        Instant now = Instant.now();
        ObjectNode find = parameters();
        find.withArray("parameter").addObject().put("name", "start").put("valueDateTime", now.plus(Duration.ofHours(1)).toString());
        find.withArray("parameter").addObject().put("name", "end").put("valueDateTime", now.plus(Duration.ofDays(365)).toString());
        JsonNode proposal = firstAppointment(post("/Appointment/$find?_count=1", find), "$find");
        if (proposal == null) {
            out.println("slotstream: booking: $find proposed no appointment in the next 365 days; no booking made");
            return null;
        }
        String slotId = proposal.path("slot").path(0).path("reference").asText().replaceFirst("^Slot/", "");
        out.printf("slotstream: booking: $find proposed Appointment/%s (Slot/%s at %s)%n", proposal.path("id").asText(), slotId,
                proposal.path("start").asText());

        ObjectNode hold = parameters();
        hold.withArray("parameter").addObject().put("name", "appointment-reference")
                .putObject("valueReference").put("reference", "Appointment/" + proposal.path("id").asText());
        JsonNode held = firstAppointment(post("/Appointment/$hold", hold), "$hold");
        require(held, "pending", "$hold");
        out.printf("slotstream: booking: $hold -> Appointment/%s pending%n", held.path("id").asText());

        ObjectNode book = parameters();
        book.withArray("parameter").addObject().put("name", "appointment-reference")
                .putObject("valueReference").put("reference", "Appointment/" + held.path("id").asText());
        book.withArray("parameter").addObject().put("name", "patient-resource").set("resource", patient.deepCopy());
        JsonNode booked = firstAppointment(post("/Appointment/$book", book), "$book");
        require(booked, "booked", "$book");
        long bookedAt = System.nanoTime();
        String appointmentId = booked.path("id").asText();
        out.printf("slotstream: booking: $book -> Appointment/%s booked%n", appointmentId);

        Duration busyAfter = awaitBusy(slotId, since, bookedAt);
        JsonNode search = get(fhirBase + "/Appointment?patient=Patient/" + PATIENT + "&status=booked");
        boolean found = false;
        for (JsonNode entry : search.path("entry")) {
            found |= appointmentId.equals(entry.path("resource").path("id").asText());
        }
        if (!found) {
            throw new StackException("ITI-118 search for Patient/" + PATIENT + " did not find Appointment/" + appointmentId);
        }
        out.printf("slotstream: booking: ITI-118 GET %s/Appointment?patient=Patient/%s finds Appointment/%s (total %d)%n",
                fhirBase, PATIENT, appointmentId, search.path("total").asInt());
        return new Result(appointmentId, slotId, busyAfter);
    }

    private Duration awaitBusy(String slotId, String since, long bookedAt) {
        String sinceUrl = manifestUrl + "?_since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            AtomicBoolean seen = new AtomicBoolean();
            try {
                PublicationSummary.read(http, sinceUrl, line -> {
                    if (slotId.equals(line.path("id").asText()) && "busy".equals(line.path("status").asText())) {
                        seen.set(true);
                    }
                    return true;
                });
            } catch (StackException notYet) {
                // no new snapshot yet
            }
            if (seen.get()) {
                Duration after = Duration.ofNanos(System.nanoTime() - bookedAt);
                out.printf("slotstream: booking: Slot/%s is busy in the _since poll %.1f s after $book%n", slotId, after.toMillis() / 1e3);
                return after;
            }
            sleep();
        }
        throw new StackException("the slot booked through booking-bridge (" + slotId + ") did not appear as busy in a _since poll within "
                + TIMEOUT.toSeconds() + " s");
    }

    private static ObjectNode parameters() {
        ObjectNode p = JSON.createObjectNode();
        p.put("resourceType", "Parameters");
        p.putArray("parameter");
        return p;
    }

    private static JsonNode firstAppointment(JsonNode bundle, String operation) {
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode resource = entry.path("resource");
            if ("Appointment".equals(resource.path("resourceType").asText())) {
                return resource;
            }
            if ("OperationOutcome".equals(resource.path("resourceType").asText())
                    && !"information".equals(resource.path("issue").path(0).path("severity").asText())) {
                throw new StackException(operation + " failed: " + resource.path("issue").path(0).path("diagnostics").asText());
            }
        }
        return null;
    }

    private static void require(JsonNode appointment, String status, String operation) {
        if (appointment == null || !status.equals(appointment.path("status").asText())) {
            throw new StackException(operation + " did not answer with a " + status + " Appointment: " + appointment);
        }
    }

    private JsonNode post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(fhirBase + path))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonNode get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /**
     * Books for a patient with these demographics (FHIR Patient elements such as {@code name}, {@code birthDate},
     * {@code telecom}) instead of the bare demo patient; the id stays {@value #PATIENT} (the ITI-118 search uses it).
     */
    public BookingJob withPatient(JsonNode demographics) {
        ObjectNode resource = demographics.deepCopy();
        resource.put("resourceType", "Patient").put("id", PATIENT);
        this.patient = resource;
        return this;
    }

    /** Sends {@code Authorization: Bearer} tokens from {@code tokens} (a client with Appointment scopes) to booking-bridge. */
    public BookingJob withToken(java.util.function.Supplier<String> tokens) {
        this.bookingToken = tokens;
        return this;
    }

    private JsonNode send(HttpRequest.Builder request) {
        if (bookingToken != null && request.build().uri().toString().startsWith(fhirBase)) {
            request.header("Authorization", "Bearer " + bookingToken.get());
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).header("Accept", "application/fhir+json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new StackException("booking-bridge answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new StackException("booking-bridge unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
