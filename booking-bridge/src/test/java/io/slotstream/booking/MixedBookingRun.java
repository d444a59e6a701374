package io.slotstream.booking;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A randomized run of mixed ITI-115..117 calls by concurrent clients over a set of slots (issue 11, "Done when"). Each
 * client draws its operations from its own {@link Random} (seed + client number), so a seed replays the same choices;
 * the interleaving across clients is the machine's. Every call carries an {@code X-Request-Id}, so any of them can be
 * retried. A client only books, cancels and releases its own appointments, so it knows the final status each of its
 * successful calls implies ({@link #expectedStatus()}).
 */
final class MixedBookingRun {

    /** The operations drawn. */
    enum Op { FIND, HOLD, BOOK_HELD, BOOK_DIRECT, CANCEL, RELEASE, RETRY }

    /** HTTP access to booking-bridge. */
    interface Api {
        HttpResponse<String> post(String path, Parameters body, Map<String, String> headers) throws Exception;
    }

    /** A call as sent, for retries: path, body, request id and what it answered. */
    private record Sent(Op op, String path, Parameters body, String requestId, Answer answer) {
    }

    /** What a call answered: the Appointment (id, status) or the rejection's reason code. */
    record Answer(String appointmentId, String status, String reason) {

        boolean accepted() {
            return appointmentId != null;
        }
    }

    private final IParser json = FhirContext.forR4Cached().newJsonParser();
    private final Api api;
    private final long seed;
    private final String run;
    private final List<String> slotIds;
    private final Instant day;
    /** Proposals of the latest $find calls, slot id -> proposal id (shared: clients race for them). */
    private final Map<String, String> proposals = new ConcurrentHashMap<>();
    /** appointment id -> the final status the successful calls imply */
    private final Map<String, String> expected = new ConcurrentHashMap<>();
    /** held appointment id -> its slot, from the $hold answers */
    private final Map<String, String> heldSlot = new ConcurrentHashMap<>();
    /** successful BOOKED answers: appointment id -> slot id */
    private final Map<String, String> bookedSlot = new ConcurrentHashMap<>();
    private final Map<Op, AtomicInteger> successes = new EnumMap<>(Op.class);
    private final Map<Op, AtomicInteger> attempts = new EnumMap<>(Op.class);
    private final AtomicInteger retriesChecked = new AtomicInteger();

    MixedBookingRun(Api api, long seed, String run, List<String> slotIds, Instant day) {
        this.api = api;
        this.seed = seed;
        this.run = run;
        this.slotIds = List.copyOf(slotIds);
        this.day = day;
        for (Op op : Op.values()) {
            successes.put(op, new AtomicInteger());
            attempts.put(op, new AtomicInteger());
        }
    }

    /** Runs {@code operations} calls spread over {@code clients} concurrent clients; a failed assertion fails the run. */
    void run(int clients, int operations) throws Exception {
        List<Future<?>> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                int count = operations / clients + (c < operations % clients ? 1 : 0);
                all.add(pool.submit(() -> {
                    new Client(client, new Random(seed * 31 + client)).run(count);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
    }

    /** @return appointment id -> the status its client's successful calls imply (pending, booked, cancelled) */
    Map<String, String> expectedStatus() {
        return Collections.unmodifiableMap(expected);
    }

    /** @return appointment id -> slot, for every call answered BOOKED */
    Map<String, String> bookedSlots() {
        return Collections.unmodifiableMap(bookedSlot);
    }

    /** @return successful calls by operation */
    int successes(Op op) {
        return successes.get(op).get();
    }

    int retriesChecked() {
        return retriesChecked.get();
    }

    String summary() {
        StringBuilder s = new StringBuilder();
        for (Op op : Op.values()) {
            s.append(op).append(' ').append(successes.get(op)).append('/').append(attempts.get(op)).append("  ");
        }
        return s.append("retries checked ").append(retriesChecked).toString().trim();
    }

    /** One client: its own random choices and its own appointments. */
    private final class Client {
        private final int number;
        private final Random random;
        private final List<String> held = new ArrayList<>();
        private final List<String> booked = new ArrayList<>();
        private final List<Sent> sent = new ArrayList<>();
        private int next;

        Client(int number, Random random) {
            this.number = number;
            this.random = random;
        }

        void run(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                int r = random.nextInt(100);
                Op op = r < 10 ? Op.FIND : r < 30 ? Op.HOLD : r < 45 ? Op.BOOK_HELD : r < 65 ? Op.BOOK_DIRECT
                        : r < 75 ? Op.CANCEL : r < 85 ? Op.RELEASE : Op.RETRY;
                step(op);
            }
        }

        private void step(Op op) throws Exception {
            switch (op) {
                case FIND -> find();
                case HOLD -> {
                    List<String> open = new ArrayList<>(proposals.values());
                    if (open.isEmpty()) {
                        find();
                        return;
                    }
                    Parameters p = new Parameters();
                    p.addParameter().setName("appointment-reference")
                            .setValue(new Reference("Appointment/" + open.get(random.nextInt(open.size()))));
                    Answer a = call(op, "/fhir/Appointment/$hold", p);
                    if (a.accepted()) {
                        assertThat(a.status()).isEqualTo("pending");
                        held.add(a.appointmentId());
                        expected.put(a.appointmentId(), "pending");
                    }
                }
                case BOOK_HELD -> {
                    if (held.isEmpty()) {
                        step(Op.BOOK_DIRECT);
                        return;
                    }
                    String id = held.remove(random.nextInt(held.size()));
                    Parameters p = new Parameters();
                    p.addParameter().setName("appointment-reference").setValue(new Reference("Appointment/" + id));
                    p.addParameter().setName("patient-resource").setResource(patient());
                    Answer a = call(op, "/fhir/Appointment/$book", p);
                    // the hold is exclusive and does not lapse during the run: booking it must succeed
                    assertThat(a.accepted()).as("booking held Appointment/%s (seed %d): %s", id, seed, a).isTrue();
                    booked(a, heldSlot.get(id));
                }
                case BOOK_DIRECT -> {
                    String slot = slotIds.get(random.nextInt(slotIds.size()));
                    Appointment proposed = new Appointment().setStatus(Appointment.AppointmentStatus.PENDING);
                    proposed.addSlot(new Reference("Slot/" + slot));
                    Parameters p = new Parameters();
                    p.addParameter().setName("appointment-resource").setResource(proposed);
                    p.addParameter().setName("patient-resource").setResource(patient());
                    Answer a = call(op, "/fhir/Appointment/$book", p);
                    if (a.accepted()) {
                        booked(a, slot);
                    } else {
                        assertThat(a.reason()).as("why Slot/%s was not booked", slot)
                                .isIn("slot-booked", "slot-held");
                    }
                }
                case CANCEL, RELEASE -> {
                    List<String> mine = op == Op.CANCEL ? booked : held;
                    if (mine.isEmpty()) {
                        step(Op.BOOK_DIRECT);
                        return;
                    }
                    String id = mine.remove(random.nextInt(mine.size()));
                    Appointment cancel = new Appointment().setStatus(Appointment.AppointmentStatus.CANCELLED);
                    cancel.setId(id);
                    Parameters p = new Parameters();
                    p.addParameter().setName("appointment-resource").setResource(cancel);
                    Answer a = call(op, "/fhir/Appointment/$book", p);
                    assertThat(a.accepted()).as("%s of Appointment/%s (seed %d): %s", op, id, seed, a).isTrue();
                    assertThat(a.status()).isEqualTo("cancelled");
                    expected.put(id, "cancelled");
                }
                case RETRY -> {
                    List<Sent> retryable = sent.stream().filter(s -> s.op() != Op.FIND).toList();
                    if (retryable.isEmpty()) {
                        step(Op.BOOK_DIRECT);
                        return;
                    }
                    Sent first = retryable.get(random.nextInt(retryable.size()));
                    attempts.get(Op.RETRY).incrementAndGet();
                    Answer again = answer(api.post(first.path(), first.body(), Map.of("X-Request-Id", first.requestId())));
                    // the same request id gets the same decision: the same Appointment, or the same rejection
                    assertThat(again.appointmentId()).as("retry of %s %s (seed %d)", first.op(), first.requestId(), seed)
                            .isEqualTo(first.answer().appointmentId());
                    assertThat(again.reason()).isEqualTo(first.answer().reason());
                    successes.get(Op.RETRY).incrementAndGet();
                    retriesChecked.incrementAndGet();
                }
            }
        }

        private void find() throws Exception {
            Parameters p = new Parameters();
            p.addParameter("start", new DateTimeType(Date.from(day)));
            p.addParameter("end", new DateTimeType(Date.from(day.plus(1, ChronoUnit.DAYS))));
            attempts.get(Op.FIND).incrementAndGet();
            HttpResponse<String> r = api.post("/fhir/Appointment/$find?_count=100", p, Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Set<String> ours = Set.copyOf(slotIds);
            for (Bundle.BundleEntryComponent e : ((Bundle) parse(r.body())).getEntry()) {
                if (e.getResource() instanceof Appointment a && a.getSlot().size() == 1) {
                    String slot = a.getSlotFirstRep().getReferenceElement().getIdPart();
                    if (ours.contains(slot)) {
                        proposals.put(slot, a.getIdPart());
                    }
                }
            }
            successes.get(Op.FIND).incrementAndGet();
        }

        private void booked(Answer a, String slot) {
            assertThat(a.status()).isEqualTo("booked");
            booked.add(a.appointmentId());
            bookedSlot.put(a.appointmentId(), slot);
            expected.put(a.appointmentId(), "booked");
        }

        private Patient patient() {
            return (Patient) new Patient().setId(run + "-client-" + number);
        }

        private Answer call(Op op, String path, Parameters body) throws Exception {
            String requestId = run + "-c" + number + "-" + next++;
            attempts.get(op).incrementAndGet();
            HttpResponse<String> r = api.post(path, body, Map.of("X-Request-Id", requestId));
            Answer a = answer(r);
            sent.add(new Sent(op, path, body, requestId, a));
            if (a.accepted()) {
                successes.get(op).incrementAndGet();
            }
            return a;
        }

        private Answer answer(HttpResponse<String> r) {
            assertThat(r.statusCode()).as("answer %s (seed %d)", r.body(), seed).isEqualTo(200);
            Bundle b = (Bundle) parse(r.body());
            IBaseResource first = b.getEntryFirstRep().getResource();
            if (first instanceof Appointment a) {
                if (a.getStatus() == Appointment.AppointmentStatus.PENDING && a.getSlot().size() == 1) {
                    heldSlot.put(a.getIdPart(), a.getSlotFirstRep().getReferenceElement().getIdPart());
                }
                return new Answer(a.getIdPart(), a.getStatus().toCode(), null);
            }
            OperationOutcome oo = (OperationOutcome) first;
            return new Answer(null, null, oo.getIssueFirstRep().getDetails().getCodingFirstRep().getCode());
        }
    }

    private IBaseResource parse(String body) {
        return json.parseResource(body);
    }

    /** @return slot -> booked appointment ids among {@code appointments} (id -> (status, slots)) */
    static Map<String, List<String>> bookedBySlot(Map<String, Appointment> appointments) {
        Map<String, List<String>> bySlot = new LinkedHashMap<>();
        appointments.forEach((id, a) -> {
            if (a.getStatus() == Appointment.AppointmentStatus.BOOKED) {
                a.getSlot().forEach(s -> bySlot.computeIfAbsent(s.getReferenceElement().getIdPart(), k -> new ArrayList<>())
                        .add(id));
            }
        });
        return bySlot;
    }
}
