package io.slotstream.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.slotstream.faults.checker.History;
import io.slotstream.faults.checker.History.Booking;
import io.slotstream.faults.checker.History.BookingAction;
import io.slotstream.faults.checker.History.Outcome;
import io.slotstream.faults.checker.History.Write;
import io.slotstream.faults.checker.History.WriteKind;
import io.slotstream.schemas.identity.CanonicalId;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady mixed load on one source, every answer recorded in a {@link History}: writers PUT new versions of
 * "churn" Slots and DELETE and re-create them through ingest-service (each writer owns its slots, so a slot's writes
 * never overlap), and a booker finds, holds, books and cancels "booking" Slots through booking-bridge (and tries
 * slots it already booked, which must be refused). Each Slot's version is its {@code meta.versionId} and is also
 * written into {@code Slot.comment} as {@code v<N>}, so every reader shows which version it holds.
 */
final class MixedLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter FHIR_INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    static final String SOURCE = "faults";
    static final String LOCATION = "loc";
    static final String SCHEDULE = "sch";

    private final String ingestUrl;
    private final String bookingUrl;
    private final History history;
    private final int writers;
    private final int churnSlotsPerWriter;
    private final int bookingSlots;
    private final OffsetDateTime firstStart = OffsetDateTime.now(ZoneOffset.ofHours(-5)).plusDays(7).truncatedTo(ChronoUnit.HOURS);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** slot id (source's) to its next version; live or not */
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Map<String, Boolean> live = new ConcurrentHashMap<>();
    /** booking slot (canonical) to the Appointment this load booked it with */
    private final Map<String, String> booked = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    MixedLoad(String ingestUrl, String bookingUrl, History history, int writers, int churnSlotsPerWriter, int bookingSlots) {
        this.ingestUrl = ingestUrl + "/fhir";
        this.bookingUrl = bookingUrl + "/fhir";
        this.history = history;
        this.writers = writers;
        this.churnSlotsPerWriter = churnSlotsPerWriter;
        this.bookingSlots = bookingSlots;
    }

    static String scheduleId() {
        return CanonicalId.of(SOURCE, SCHEDULE);
    }

    /** The Location, the Schedule and version 1 of every Slot; each must be acknowledged. */
    void seed() throws IOException, InterruptedException {
        put("Location", LOCATION, """
                {"resourceType":"Location","id":"%s","name":"Fault Clinic","telecom":[{"system":"phone","value":"555-0199"}],
                 "address":{"state":"MA"}}""".formatted(LOCATION));
        put("Schedule", SCHEDULE, """
                {"resourceType":"Schedule","id":"%s","actor":[{"reference":"Location/%s"}],
                 "serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}]}""".formatted(SCHEDULE, LOCATION));
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < churnSlotsPerWriter; i++) {
                require(writeSlot("c" + w + "-" + i));
            }
        }
        for (int i = 0; i < bookingSlots; i++) {
            require(writeSlot("b-" + i));
        }
    }

    private static void require(Outcome outcome) {
        if (outcome != Outcome.OK) {
            throw new IllegalStateException("seeding the load failed: " + outcome);
        }
    }

    /** Starts the writer threads and the booker. */
    void start() {
        running.set(true);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().name("load-writer-" + w).start(() -> write(writer)));
        }
        threads.add(Thread.ofPlatform().name("load-booker").start(this::book));
    }

    /** Stops the load and waits for the calls in flight (each has a timeout). */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(90));
        }
        threads.clear();
    }

    private void write(int writer) {
        Random random = new Random(writer);
        while (running.get()) {
            String id = "c" + writer + "-" + random.nextInt(churnSlotsPerWriter);
            try {
                if (live.getOrDefault(id, false) && random.nextInt(5) == 0) {
                    deleteSlot(id);
                } else {
                    writeSlot(id);
                }
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Outcome writeSlot(String id) throws InterruptedException {
        long version = versions.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
        OffsetDateTime start = startOf(id);
        String body = """
                {"resourceType":"Slot","id":"%s","meta":{"versionId":"%d"},"schedule":{"reference":"Schedule/%s"},
                 "status":"free","start":"%s","end":"%s","comment":"v%d"}""".formatted(id, version, SCHEDULE,
                FHIR_INSTANT.format(start), FHIR_INSTANT.format(start.plusMinutes(15)), version);
        long invoked = System.nanoTime();
        Outcome outcome = ingestOutcome(() -> send(HttpRequest.newBuilder(URI.create(ingestUrl + "/Slot/" + id))
                .PUT(HttpRequest.BodyPublishers.ofString(body))));
        history.add(new Write(CanonicalId.of(SOURCE, id), WriteKind.PUT, version, outcome, invoked, System.nanoTime()));
        if (outcome == Outcome.OK) {
            live.put(id, true);
        }
        return outcome;
    }

    private void deleteSlot(String id) throws InterruptedException {
        long version = versions.get(id).get();
        long invoked = System.nanoTime();
        Outcome outcome = ingestOutcome(() -> send(HttpRequest.newBuilder(URI.create(ingestUrl + "/Slot/" + id)).DELETE()));
        history.add(new Write(CanonicalId.of(SOURCE, id), WriteKind.DELETE, version, outcome, invoked, System.nanoTime()));
        if (outcome == Outcome.OK) {
            live.put(id, false);
        }
    }

    private void put(String type, String id, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(ingestUrl + "/" + type + "/" + id))
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("seeding " + type + "/" + id + " failed: " + response.statusCode() + " " + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .header("X-Slotstream-Source", SOURCE).build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    /**
     * 2xx: acknowledged, except the "ignored, stale" answer (nothing written); 4xx and 503 (ingest: "nothing was
     * written"): refused; anything else, or no answer: unknown.
     */
    private static Outcome ingestOutcome(Call call) throws InterruptedException {
        try {
            HttpResponse<String> response = call.send();
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body().contains("ignored, stale") ? Outcome.FAILED : Outcome.OK;
            }
            return status / 100 == 4 || status == 503 ? Outcome.FAILED : Outcome.UNKNOWN;
        } catch (IOException e) {
            return Outcome.UNKNOWN;
        }
    }

    private void book() {
        Random random = new Random(42);
        int patients = 0;
        while (running.get()) {
            try {
                String slot = CanonicalId.of(SOURCE, "b-" + random.nextInt(bookingSlots));
                String appointment = booked.get(slot);
                if (appointment != null && random.nextBoolean()) {
                    cancel(slot, appointment);
                } else if (random.nextInt(3) == 0) {
                    holdThenBook(slot, "Patient/p" + patients++);
                } else {
                    bookDirectly(slot, "Patient/p" + patients++);
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** ITI-117 with {@code appointment-resource} (pending, one slot). */
    private void bookDirectly(String slot, String patient) throws InterruptedException {
        String parameters = """
                {"resourceType":"Parameters","parameter":[{"name":"appointment-resource","resource":{"resourceType":"Appointment",
                 "status":"pending","slot":[{"reference":"Slot/%s"}]}},
                 {"name":"patient-resource","resource":{"resourceType":"Patient","id":"%s"}}]}""".formatted(slot, patient.substring(8));
        recordBook(slot, call("$book", parameters, BookingAction.BOOK, List.of(slot)));
    }

    /** ITI-115 over the slot's quarter hour, ITI-116 of its proposal, then ITI-117 of the held Appointment. */
    private void holdThenBook(String slot, String patient) throws InterruptedException {
        OffsetDateTime start = startOf(slot.substring(SOURCE.length() + 1));
        String find = """
                {"resourceType":"Parameters","parameter":[{"name":"start","valueDateTime":"%s"},{"name":"end","valueDateTime":"%s"}]}"""
                .formatted(FHIR_INSTANT.format(start), FHIR_INSTANT.format(start.plusMinutes(15)));
        String proposal = null;
        try {
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(bookingUrl + "/Appointment/$find?_count=50"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(find)).build(), HttpResponse.BodyHandlers.ofString());
            if (found.statusCode() == 200) {
                for (JsonNode resource : resources(JSON.readTree(found.body()))) {
                    if (resource.path("slot").path(0).path("reference").asText().equals("Slot/" + slot)) {
                        proposal = resource.path("id").asText();
                    }
                }
            }
        } catch (IOException e) {
            return; // a search: nothing to record
        }
        if (proposal == null) {
            return; // not free now (booked, held or not yet in the view)
        }
        String hold = """
                {"resourceType":"Parameters","parameter":[{"name":"appointment-reference","valueReference":{"reference":"Appointment/%s"}}]}"""
                .formatted(proposal);
        Answer held = call("$hold", hold, BookingAction.HOLD, List.of(slot));
        if (held.outcome() != Outcome.OK) {
            return;
        }
        String book = """
                {"resourceType":"Parameters","parameter":[{"name":"appointment-reference","valueReference":{"reference":"Appointment/%s"}},
                 {"name":"patient-resource","resource":{"resourceType":"Patient","id":"%s"}}]}""".formatted(held.appointmentId(), patient.substring(8));
        recordBook(slot, call("$book", book, BookingAction.BOOK, List.of(slot)));
    }

    /** Booking slots {@code b-i} at quarter hour i, churn slots {@code c<w>-<i>} from quarter hour 1000 + 100 w + i. */
    private OffsetDateTime startOf(String id) {
        long quarter;
        if (id.startsWith("b-")) {
            quarter = Long.parseLong(id.substring(2));
        } else {
            String[] parts = id.substring(1).split("-");
            quarter = 1000 + 100L * Long.parseLong(parts[0]) + Long.parseLong(parts[1]);
        }
        return firstStart.plusMinutes(15 * quarter);
    }

    private void recordBook(String slot, Answer answer) {
        if (answer.outcome() == Outcome.OK) {
            booked.put(slot, answer.appointmentId());
        }
    }

    private void cancel(String slot, String appointment) throws InterruptedException {
        String parameters = """
                {"resourceType":"Parameters","parameter":[{"name":"appointment-resource","resource":{"resourceType":"Appointment",
                 "id":"%s","status":"cancelled"}}]}""".formatted(appointment);
        Answer answer = call("$book", parameters, BookingAction.CANCEL, List.of(slot), appointment);
        if (answer.outcome() == Outcome.OK) {
            booked.remove(slot);
        }
    }

    private record Answer(Outcome outcome, String appointmentId) {
    }

    private Answer call(String operation, String parameters, BookingAction action, List<String> slots) throws InterruptedException {
        return call(operation, parameters, action, slots, null);
    }

    /**
     * One booking call under one {@code X-Request-Id}: a call without a definite answer (no answer, 5xx, 202) is
     * retried with the same id (the same id always gets the same outcome) for up to 60 s, then recorded as unknown.
     */
    private Answer call(String operation, String parameters, BookingAction action, List<String> slots, String appointment)
            throws InterruptedException {
        String requestId = action.name().toLowerCase() + "-" + UUID.randomUUID();
        long invoked = System.nanoTime();
        long deadline = invoked + Duration.ofSeconds(60).toNanos();
        Answer answer = new Answer(Outcome.UNKNOWN, appointment);
        while (answer.outcome() == Outcome.UNKNOWN && System.nanoTime() < deadline && running.get()) {
            answer = attempt(operation, parameters, requestId, appointment);
            if (answer.outcome() == Outcome.UNKNOWN) {
                Thread.sleep(1000);
            }
        }
        history.add(new Booking(requestId, action, answer.appointmentId(), slots, answer.outcome(), invoked, System.nanoTime()));
        return answer;
    }

    private Answer attempt(String operation, String parameters, String requestId, String appointment) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(bookingUrl + "/Appointment/" + operation))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofString(parameters)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Answer(response.statusCode() / 100 == 4 ? Outcome.FAILED : Outcome.UNKNOWN, appointment);
            }
            JsonNode body = JSON.readTree(response.body());
            for (JsonNode resource : resources(body)) {
                if (resource.path("resourceType").asText().equals("Appointment")) {
                    return new Answer(Outcome.OK, resource.path("id").asText());
                }
            }
            return new Answer(Outcome.FAILED, appointment); // a Bundle of only an OperationOutcome: refused (ITI-116/117)
        } catch (IOException e) {
            return new Answer(Outcome.UNKNOWN, appointment);
        }
    }

    private static List<JsonNode> resources(JsonNode body) {
        if (!body.path("resourceType").asText().equals("Bundle")) {
            return List.of(body);
        }
        List<JsonNode> resources = new ArrayList<>();
        body.path("entry").forEach(e -> resources.add(e.path("resource")));
        return resources;
    }

    /** Calls answered so far, by kind, for the scenario's printout. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new HashMap<>();
        history.writes().forEach(w -> counts.merge(w.kind() + " " + w.outcome(), 1L, Long::sum));
        history.bookings().forEach(b -> counts.merge(b.action() + " " + b.outcome(), 1L, Long::sum));
        return counts;
    }
}
