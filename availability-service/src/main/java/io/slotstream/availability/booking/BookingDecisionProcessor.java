package io.slotstream.availability.booking;

import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;

import io.slotstream.availability.store.ExpiryIndex;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.avro.SlotStatus;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The booking decision point (design.md, "Booking: commands in, one owner decides, outcomes out"). Schedule-partitioned:
 * it sees every booking.requests.v1 request and every source change (as {@link SlotFact}) of the slots of its
 * Schedules, so it alone accepts or rejects each request against the slot's effective state: source status, active
 * holds, bookings, and the {@link BookingRules} (minimum notice, horizon, one booking per patient per Schedule).
 * Outcomes go to booking.events.v1, one event per slot, keyed by slot id.
 * <ul>
 *   <li>All or nothing: a request over several slots is accepted only if every slot is admissible.</li>
 *   <li>Exclusive holds that expire: a hold blocks every other appointment until its expiry; a WALL_CLOCK_TIME
 *       punctuation writes HOLD_EXPIRED for each lapsed hold (range scan of the expiry index, no full-store scans).</li>
 *   <li>Idempotent: the events of each request id are kept ({@link BookingStores#OUTCOMES}) for the outcome
 *       retention (the idempotency window, default 24 h; pruned by wall-clock punctuation over the index
 *       {@link BookingStores#OUTCOME_EXPIRY}); the same request id within it gets exactly those events again, never a
 *       second decision.</li>
 *   <li>Reschedule: the replaced appointment is cancelled only if the new one is booked, in one decision.</li>
 *   <li>A source change that makes a held slot not free (or deletes it) ends the hold (HOLD_RELEASED, reason
 *       source-busy / slot-deleted). On a booked slot the echo rule below decides whether it is flagged as CONFLICT
 *       (event + metric).</li>
 *   <li>A slot that ended and left the view (SlotFactRouter's retirement) is forgotten: a hold on it lapses, and a
 *       booked appointment none of whose slots is known any more is forgotten too.</li>
 * </ul>
 * REJECTED events of a request that names no slot (a cancel of an unknown appointment) are keyed by the appointment id.
 *
 * <h2>The echo rule (issue 11 deliverable 4; design.md "Booking")</h2>
 * Once the source's EHR has our booking (forwarded upstream, ITI-117, or read from appointment.v1) it marks the Slot
 * {@code busy} and that change comes back through ingest: the echo of our own booking, not a conflict. A FHIR R4 Slot
 * does not say which Appointment occupies it (Appointment.slot points to the Slot, never the reverse; SMART Scheduling
 * Links §5.3 publishes only {@code status}), so the only evidence the EHR gives us is the status and when it changed
 * ({@code meta.lastUpdated}, carried as {@link SlotFact#sourceChangedMs}). A source change of a slot booked here is:
 * <ul>
 *   <li>an <b>echo</b> (no event) when it makes the slot {@code busy} or {@code busy-tentative} at or after the moment
 *       the slot became ours ({@link AppointmentLedger#claimedAtMs}: when its hold was placed, for an upstream EHR that
 *       is before the EHR saw the Appointment) minus the clock tolerance ({@code slotstream.booking.source-clock-tolerance});
 *       the EHR may have learnt of our booking by then;</li>
 *   <li>a <b>CONFLICT</b> (reason {@code source-busy}) when it made the slot busy <i>before</i> that moment: the EHR
 *       booked it for someone else before it could know of ours, and the change reached us late;</li>
 *   <li>a <b>CONFLICT</b> (reason {@code source-unavailable}) when it makes the slot {@code busy-unavailable} (also
 *       from an earlier echo's {@code busy}): the source closed the time, which no booking of ours does;</li>
 *   <li>a <b>CONFLICT</b> (reason {@code slot-deleted}) when it deletes the slot.</li>
 * </ul>
 * A slot that is only held here, not booked, has no booking the EHR could echo: a source change that makes it not free
 * is someone else taking it, and ends the hold, <b>except</b> for a hold whose Appointment booking-bridge is sending to
 * the source's upstream EHR ({@link AppointmentLedger#upstreamPending}, set by a HOLD with {@code upstreamPending}
 * before the EHR is called). The EHR books it, marks the Slot busy, and that echo can overtake the BOOK booking-bridge
 * writes once the EHR answered (ingest's path against one Kafka write). So a change of such a slot to {@code busy} or
 * {@code busy-tentative} at or after the hold's claim (minus the tolerance) keeps the hold, silently, until the BOOK
 * (which the slot's busy status then does not block), a RELEASE (the EHR refused or never answered) or the hold's own
 * expiry, whichever comes first; one changed before the claim, {@code busy-unavailable} or a delete ends it as for any
 * hold. The decision stays here, on the one ledger of the slot: booking-bridge only states that the EHR was asked.
 * What the rule cannot see: an EHR that books directly after our claim without our booking, and whose change reaches
 * us after our booking (or, for a forwarded hold, before it), looks like an echo; the EHR then refuses our create, and
 * the hold is released.
 */
final class BookingDecisionProcessor implements Processor<String, BookingInput, String, BookingEvent> {

    /** {@code source} of events the decision point causes itself (expiries, conflicts). */
    static final String SELF = "availability-service";
    static final int MAX_EXPIRIES_PER_RUN = 10_000;
    private static final byte[] EMPTY = new byte[0];

    private final BookingRulebook rulebook;
    private final Duration expiryInterval;
    private final long outcomeRetentionMs;
    private final long sourceClockToleranceMs;
    private final DecisionMetrics metrics;
    private ProcessorContext<String, BookingEvent> context;
    private KeyValueStore<String, SlotLedger> slots;
    private KeyValueStore<String, AppointmentLedger> appointments;
    private KeyValueStore<String, String> patientBookings;
    private KeyValueStore<Bytes, byte[]> expiries;
    private KeyValueStore<String, List<BookingEvent>> outcomes;
    private KeyValueStore<Bytes, byte[]> outcomeExpiries;

    BookingDecisionProcessor(BookingRulebook rulebook, Duration expiryInterval, Duration outcomeRetention,
                             Duration sourceClockTolerance, DecisionMetrics metrics) {
        this.rulebook = rulebook;
        this.expiryInterval = expiryInterval;
        this.outcomeRetentionMs = outcomeRetention.toMillis();
        this.sourceClockToleranceMs = sourceClockTolerance.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, BookingEvent> context) {
        this.context = context;
        slots = context.getStateStore(BookingStores.SLOTS);
        appointments = context.getStateStore(BookingStores.APPOINTMENTS);
        patientBookings = context.getStateStore(BookingStores.PATIENT_BOOKINGS);
        expiries = context.getStateStore(BookingStores.HOLD_EXPIRY);
        outcomes = context.getStateStore(BookingStores.OUTCOMES);
        outcomeExpiries = context.getStateStore(BookingStores.OUTCOME_EXPIRY);
        context.schedule(expiryInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            expireHolds(now);
            pruneOutcomes(now);
        });
    }

    @Override
    public void process(Record<String, BookingInput> record) {
        if (record.value() == null) {
            return;
        }
        switch (record.value()) {
            case BookingInput.Fact(SlotFact fact) -> onFact(fact);
            case BookingInput.Request(BookingRequest request) -> onRequest(request);
        }
    }

    private void onRequest(BookingRequest request) {
        if (request == null) {
            return;
        }
        List<BookingEvent> earlier = outcomes.get(request.getRequestId());
        if (earlier != null) {
            earlier.forEach(this::emit); // a retry: the same outcome again
            return;
        }
        long now = context.currentSystemTimeMs();
        List<BookingEvent> events = switch (request.getType()) {
            case HOLD -> hold(request, now);
            case BOOK -> book(request, now);
            case RELEASE -> release(request, now);
            case CANCEL -> cancel(request, now);
            case RESCHEDULE -> reschedule(request, now);
        };
        outcomes.put(request.getRequestId(), events);
        outcomeExpiries.put(ExpiryIndex.key(now + outcomeRetentionMs, request.getRequestId()), EMPTY);
        events.forEach(this::emit);
    }

    private List<BookingEvent> hold(BookingRequest request, long now) {
        String appointmentId = request.getAppointmentId();
        List<String> slotIds = distinct(request.getSlotIds());
        if (slotIds.isEmpty() && request.getUpstreamPending()) {
            return markForwarded(request, now);
        }
        if (slotIds.isEmpty()) {
            return reject(request, slotIds, BookingReason.NO_SLOTS, null, now);
        }
        Instant expiresAt = request.getHoldExpiresAt();
        if (expiresAt == null || expiresAt.toEpochMilli() <= now) {
            return reject(request, slotIds, BookingReason.HOLD_EXPIRY_INVALID, null, now);
        }
        AppointmentLedger existing = appointments.get(appointmentId);
        if (existing != null && existing.status() == AppointmentLedger.Status.BOOKED) {
            return reject(request, slotIds, BookingReason.APPOINTMENT_EXISTS, null, now);
        }
        List<BookingEvent> rejected = admitAll(request, slotIds, appointmentId, null, now);
        if (rejected != null) {
            return rejected;
        }
        if (existing != null && existing.status() == AppointmentLedger.Status.HELD) {
            dropHold(existing); // re-hold of the same appointment: the new slot set and expiry replace the old
        }
        long expiry = expiresAt.toEpochMilli();
        for (String slotId : slotIds) {
            slots.put(slotId, ledger(slotId).withHold(appointmentId, expiry));
        }
        appointments.put(appointmentId, new AppointmentLedger(appointmentId, request.getScheduleId(),
                AppointmentLedger.Status.HELD, slotIds, request.getPatientReference(), expiry, now,
                request.getUpstreamPending()));
        expiries.put(ExpiryIndex.key(expiry, appointmentId), EMPTY);
        return accept(request, slotIds, BookingEventType.HOLD_PLACED, appointmentId, expiresAt, now);
    }

    /**
     * A HOLD with {@code upstreamPending} and no slots: the appointment's active hold is being sent to the upstream EHR
     * (a {@code $book} of an earlier {@code $hold}). Its slots, expiry and claim stay; HOLD_PLACED again says so.
     */
    private List<BookingEvent> markForwarded(BookingRequest request, long now) {
        AppointmentLedger existing = appointments.get(request.getAppointmentId());
        if (existing == null || existing.status() != AppointmentLedger.Status.HELD || existing.holdExpiresAtMs() <= now) {
            return reject(request, existing == null ? List.of() : existing.slotIds(), BookingReason.NOT_HELD, null, now);
        }
        appointments.put(existing.appointmentId(), existing.forwardedUpstream());
        return accept(request, existing.slotIds(), BookingEventType.HOLD_PLACED, existing.appointmentId(),
                Instant.ofEpochMilli(existing.holdExpiresAtMs()), now);
    }

    private List<BookingEvent> book(BookingRequest request, long now) {
        String appointmentId = request.getAppointmentId();
        AppointmentLedger existing = appointments.get(appointmentId);
        List<String> slotIds = distinct(request.getSlotIds());
        if (slotIds.isEmpty() && existing != null) {
            slotIds = existing.slotIds(); // booking a held appointment by reference
        }
        if (slotIds.isEmpty()) {
            return reject(request, slotIds, BookingReason.NO_SLOTS, null, now);
        }
        if (existing != null && existing.status() == AppointmentLedger.Status.BOOKED) {
            return reject(request, slotIds, BookingReason.APPOINTMENT_EXISTS, null, now);
        }
        if (patientHasOtherBooking(request, appointmentId, null)) {
            return reject(request, slotIds, BookingReason.PATIENT_HAS_BOOKING, null, now);
        }
        List<BookingEvent> rejected = admitAll(request, slotIds, appointmentId, null, now);
        if (rejected != null) {
            return rejected;
        }
        long claimedAt = claimedAt(existing, now);
        if (existing != null && existing.status() == AppointmentLedger.Status.HELD) {
            dropHold(existing);
        }
        bookSlots(request, appointmentId, slotIds, claimedAt);
        return accept(request, slotIds, BookingEventType.BOOKED, appointmentId, null, now);
    }

    private List<BookingEvent> release(BookingRequest request, long now) {
        AppointmentLedger existing = appointments.get(request.getAppointmentId());
        if (existing == null || existing.status() != AppointmentLedger.Status.HELD || existing.holdExpiresAtMs() <= now) {
            return reject(request, existing == null ? request.getSlotIds() : existing.slotIds(), BookingReason.NOT_HELD,
                    null, now);
        }
        dropHold(existing);
        appointments.delete(existing.appointmentId());
        return accept(request, existing.slotIds(), BookingEventType.HOLD_RELEASED, existing.appointmentId(), null, now);
    }

    private List<BookingEvent> cancel(BookingRequest request, long now) {
        AppointmentLedger existing = appointments.get(request.getAppointmentId());
        if (existing != null && existing.status() == AppointmentLedger.Status.HELD && existing.holdExpiresAtMs() > now) {
            return release(request, now); // IHE: cancelling a held appointment releases the hold (ITI-117)
        }
        if (existing == null || existing.status() != AppointmentLedger.Status.BOOKED) {
            return reject(request, existing == null ? request.getSlotIds() : existing.slotIds(), BookingReason.NOT_BOOKED,
                    null, now);
        }
        unbook(existing);
        return accept(request, existing.slotIds(), BookingEventType.CANCELLED, existing.appointmentId(), null, now);
    }

    private List<BookingEvent> reschedule(BookingRequest request, long now) {
        String appointmentId = request.getAppointmentId();
        String replacedId = request.getReplacesAppointmentId();
        List<String> slotIds = distinct(request.getSlotIds());
        AppointmentLedger replaced = replacedId == null ? null : appointments.get(replacedId);
        if (replaced == null || replaced.status() != AppointmentLedger.Status.BOOKED) {
            return reject(request, slotIds, BookingReason.NOT_BOOKED, null, now);
        }
        if (slotIds.isEmpty()) {
            return reject(request, slotIds, BookingReason.NO_SLOTS, null, now);
        }
        AppointmentLedger existing = appointments.get(appointmentId);
        if (!appointmentId.equals(replacedId) && existing != null && existing.status() == AppointmentLedger.Status.BOOKED) {
            return reject(request, slotIds, BookingReason.APPOINTMENT_EXISTS, null, now);
        }
        if (patientHasOtherBooking(request, appointmentId, replacedId)) {
            return reject(request, slotIds, BookingReason.PATIENT_HAS_BOOKING, null, now);
        }
        List<BookingEvent> rejected = admitAll(request, slotIds, appointmentId, replacedId, now);
        if (rejected != null) {
            return rejected; // the replaced appointment stays booked
        }
        List<BookingEvent> events = new ArrayList<>();
        unbook(replaced);
        for (String slotId : replaced.slotIds()) {
            events.add(event(slotId, BookingEventType.CANCELLED, request, replacedId, replaced.slotIds(), null, null, now)
                    .build());
        }
        long claimedAt = claimedAt(existing, now);
        if (existing != null && existing.status() == AppointmentLedger.Status.HELD) {
            dropHold(existing);
        }
        bookSlots(request, appointmentId, slotIds, claimedAt);
        events.addAll(accept(request, slotIds, BookingEventType.BOOKED, appointmentId, null, now));
        return events;
    }

    /** @return the REJECTED events for the first inadmissible slot, or null when every slot is admissible */
    private List<BookingEvent> admitAll(BookingRequest request, List<String> slotIds, String appointmentId,
                                        String replacedId, long now) {
        BookingRules rules = rulebook.rulesFor(request.getScheduleId());
        AppointmentLedger own = request.getType() == BookingRequestType.BOOK ? appointments.get(appointmentId) : null;
        boolean forwardedHold = own != null && own.status() == AppointmentLedger.Status.HELD && own.upstreamPending();
        for (String slotId : slotIds) {
            BookingReason reason = admit(ledger(slotId), request.getScheduleId(), appointmentId, replacedId,
                    forwardedHold, rules, now);
            if (reason != null) {
                return reject(request, slotIds, reason, slotId, now);
            }
        }
        return null;
    }

    /**
     * @param forwardedHold the request BOOKs the appointment's hold that was sent to the upstream EHR: its own slots
     *                      may be busy (the EHR's echo kept the hold, see {@link #keepsForwardedHold})
     * @return why the slot cannot go to the appointment, or null when it can
     */
    static BookingReason admit(SlotLedger ledger, String scheduleId, String appointmentId, String replacedId,
                               boolean forwardedHold, BookingRules rules, long now) {
        SlotFact fact = ledger.fact();
        if (fact == null || fact.deleted()) {
            return BookingReason.SLOT_UNKNOWN;
        }
        if (!fact.scheduleId().equals(scheduleId)) {
            return BookingReason.SCHEDULE_MISMATCH;
        }
        String bookedBy = ledger.bookedAppointmentId();
        if (bookedBy != null && !bookedBy.equals(replacedId)) {
            return BookingReason.SLOT_BOOKED;
        }
        if (ledger.heldAt(now) && !ledger.holdAppointmentId().equals(appointmentId)) {
            return BookingReason.SLOT_HELD;
        }
        boolean ownEcho = forwardedHold && ledger.heldAt(now) && isEcho(fact.status());
        if (fact.status() != SlotStatus.FREE && !ownEcho) {
            return BookingReason.SLOT_BUSY;
        }
        BookingRules.Violation violation = rules.check(fact.startMs(), now);
        if (violation == null) {
            return null;
        }
        return switch (violation) {
            case MIN_NOTICE -> BookingReason.MIN_NOTICE;
            case HORIZON -> BookingReason.HORIZON;
        };
    }

    private boolean patientHasOtherBooking(BookingRequest request, String appointmentId, String replacedId) {
        String patient = request.getPatientReference();
        if (patient == null || !rulebook.rulesFor(request.getScheduleId()).oneBookingPerPatientPerSchedule()) {
            return false;
        }
        String other = patientBookings.get(patientKey(request.getScheduleId(), patient));
        return other != null && !other.equals(appointmentId) && !other.equals(replacedId);
    }

    /** @return when the slots of a booking decided now became ours: its active hold's claim, else now */
    private static long claimedAt(AppointmentLedger existing, long now) {
        boolean held = existing != null && existing.status() == AppointmentLedger.Status.HELD
                && existing.holdExpiresAtMs() > now;
        return held ? existing.claimedAtMs() : now;
    }

    private void bookSlots(BookingRequest request, String appointmentId, List<String> slotIds, long claimedAt) {
        for (String slotId : slotIds) {
            slots.put(slotId, ledger(slotId).booked(appointmentId));
        }
        appointments.put(appointmentId, new AppointmentLedger(appointmentId, request.getScheduleId(),
                AppointmentLedger.Status.BOOKED, slotIds, request.getPatientReference(), 0, claimedAt));
        if (request.getPatientReference() != null) {
            patientBookings.put(patientKey(request.getScheduleId(), request.getPatientReference()), appointmentId);
        }
    }

    /** Ends a booking: frees its slots, forgets the appointment and its patient-index entry. */
    private void unbook(AppointmentLedger booked) {
        for (String slotId : booked.slotIds()) {
            SlotLedger ledger = ledger(slotId);
            if (booked.appointmentId().equals(ledger.bookedAppointmentId())) {
                slots.put(slotId, ledger.withoutBooking());
            }
        }
        forget(booked);
    }

    /** Forgets a booked appointment and its patient-index entry. */
    private void forget(AppointmentLedger booked) {
        appointments.delete(booked.appointmentId());
        if (booked.patient() != null) {
            String key = patientKey(booked.scheduleId(), booked.patient());
            if (booked.appointmentId().equals(patientBookings.get(key))) {
                patientBookings.delete(key);
            }
        }
    }

    /** Removes a hold from its slots and the expiry index (the appointment ledger is the caller's business). */
    private void dropHold(AppointmentLedger held) {
        for (String slotId : held.slotIds()) {
            SlotLedger ledger = ledger(slotId);
            if (held.appointmentId().equals(ledger.holdAppointmentId())) {
                slots.put(slotId, ledger.withoutHold());
            }
        }
        expiries.delete(ExpiryIndex.key(held.holdExpiresAtMs(), held.appointmentId()));
    }

    private void onFact(SlotFact fact) {
        long now = context.currentSystemTimeMs();
        SlotLedger before = slots.get(fact.slotId());
        if (!fact.deleted()) {
            slots.put(fact.slotId(), (before == null ? SlotLedger.EMPTY : before).withFact(fact));
            SlotStatus was = before == null || before.fact() == null ? SlotStatus.FREE : before.fact().status();
            if (before != null && fact.status() != was && fact.status() != SlotStatus.FREE) {
                onSourceTaken(fact, was, before, now);
            }
            return;
        }
        if (before == null) {
            return;
        }
        slots.delete(fact.slotId()); // a deleted or retired slot leaves the decision point's state
        if (fact.retired()) {
            onRetired(before, now);
        } else {
            endBySource(fact.slotId(), before, BookingReason.SLOT_DELETED, now);
        }
    }

    /**
     * The source changed a slot from {@code was} to a status that is not free. A hold ends unless it is a forwarded
     * hold and this is the EHR's echo ({@link #keepsForwardedHold}); a booking is judged by the echo rule (class
     * Javadoc).
     */
    private void onSourceTaken(SlotFact fact, SlotStatus was, SlotLedger before, long now) {
        if (before.heldAt(now)) {
            if (!keepsForwardedHold(fact, appointments.get(before.holdAppointmentId()))) {
                endBySource(fact.slotId(), before, BookingReason.SOURCE_BUSY, now);
            }
            return;
        }
        AppointmentLedger booked = before.bookedAppointmentId() == null ? null
                : appointments.get(before.bookedAppointmentId());
        if (booked == null || booked.status() != AppointmentLedger.Status.BOOKED) {
            return;
        }
        BookingReason conflict = null;
        if (fact.status() == SlotStatus.BUSY_UNAVAILABLE) {
            conflict = BookingReason.SOURCE_UNAVAILABLE;
        } else if (was == SlotStatus.FREE && fact.sourceChangedMs() + sourceClockToleranceMs < booked.claimedAtMs()) {
            conflict = BookingReason.SOURCE_BUSY;
        }
        if (conflict != null) {
            flagConflict(fact.slotId(), booked, conflict, now);
        }
    }

    /**
     * @return whether a source change of a held slot to {@code fact}'s status is the upstream EHR's echo of the held
     * appointment it is being sent: the hold is marked {@code upstreamPending}, the status is busy or busy-tentative,
     * changed at or after the hold's claim minus the clock tolerance (class Javadoc)
     */
    private boolean keepsForwardedHold(SlotFact fact, AppointmentLedger held) {
        return held != null && held.status() == AppointmentLedger.Status.HELD && held.upstreamPending()
                && isEcho(fact.status()) && fact.sourceChangedMs() + sourceClockToleranceMs >= held.claimedAtMs();
    }

    /** @return whether a booking of ours can make the source state this status (busy, busy-tentative) */
    private static boolean isEcho(SlotStatus status) {
        return status == SlotStatus.BUSY || status == SlotStatus.BUSY_TENTATIVE;
    }

    /**
     * The source made a slot unavailable (busy, or deleted) while Slotstream held or booked it: someone else (the EHR)
     * took it. A hold ends (HOLD_RELEASED with the reason, on each of its slots); a booking stays but is flagged
     * (CONFLICT on the slot, counted), never silently.
     */
    private void endBySource(String slotId, SlotLedger before, BookingReason reason, long now) {
        if (before.heldAt(now)) {
            AppointmentLedger held = appointments.get(before.holdAppointmentId());
            if (held != null && held.status() == AppointmentLedger.Status.HELD) {
                dropHold(held);
                appointments.delete(held.appointmentId());
                for (String id : held.slotIds()) {
                    emit(systemEvent(id, BookingEventType.HOLD_RELEASED, held, reason, now));
                }
            }
        }
        if (before.bookedAppointmentId() != null) {
            AppointmentLedger booked = appointments.get(before.bookedAppointmentId());
            if (booked != null) {
                flagConflict(slotId, booked, reason, now);
            }
        }
    }

    /** A booking stays but is flagged: CONFLICT on the slot, counted. */
    private void flagConflict(String slotId, AppointmentLedger booked, BookingReason reason, long now) {
        metrics.conflict(reason.code());
        emit(systemEvent(slotId, BookingEventType.CONFLICT, booked, reason, now));
    }

    /**
     * A slot ended and left the view: a hold on it lapses (HOLD_EXPIRED, reason slot-retired); a booked appointment is
     * forgotten (with its patient-index entry) once none of its slots is known any more: it took place.
     */
    private void onRetired(SlotLedger before, long now) {
        if (before.holdAppointmentId() != null) {
            AppointmentLedger held = appointments.get(before.holdAppointmentId());
            if (held != null && held.status() == AppointmentLedger.Status.HELD) {
                dropHold(held);
                appointments.delete(held.appointmentId());
                for (String id : held.slotIds()) {
                    emit(systemEvent(id, BookingEventType.HOLD_EXPIRED, held, BookingReason.SLOT_RETIRED, now));
                }
            }
        }
        if (before.bookedAppointmentId() != null) {
            AppointmentLedger booked = appointments.get(before.bookedAppointmentId());
            if (booked != null && booked.slotIds().stream().noneMatch(id -> slots.get(id) != null)) {
                forget(booked);
            }
        }
    }

    /** Punctuation: every hold whose expiry is &le; now ends with HOLD_EXPIRED on each of its slots. */
    private void expireHolds(long nowMs) {
        for (Bytes key : ExpiryIndex.due(expiries, nowMs, MAX_EXPIRIES_PER_RUN)) {
            expiries.delete(key);
            AppointmentLedger held = appointments.get(ExpiryIndex.slotIdOf(key));
            if (held == null || held.status() != AppointmentLedger.Status.HELD
                    || held.holdExpiresAtMs() != ExpiryIndex.expiryOf(key)) {
                continue;
            }
            dropHold(held);
            appointments.delete(held.appointmentId());
            for (String slotId : held.slotIds()) {
                emit(systemEvent(slotId, BookingEventType.HOLD_EXPIRED, held, null, nowMs));
            }
        }
    }

    /** Punctuation: forgets the outcomes whose retention ended (index range scan up to now, bounded per run). */
    private void pruneOutcomes(long nowMs) {
        for (Bytes key : ExpiryIndex.due(outcomeExpiries, nowMs, MAX_EXPIRIES_PER_RUN)) {
            outcomeExpiries.delete(key);
            outcomes.delete(ExpiryIndex.slotIdOf(key));
        }
    }

    private SlotLedger ledger(String slotId) {
        SlotLedger ledger = slots.get(slotId);
        return ledger == null ? SlotLedger.EMPTY : ledger;
    }

    private List<BookingEvent> accept(BookingRequest request, List<String> slotIds, BookingEventType type,
                                      String appointmentId, Instant holdExpiresAt, long now) {
        List<BookingEvent> events = new ArrayList<>(slotIds.size());
        for (String slotId : slotIds) {
            events.add(event(slotId, type, request, appointmentId, slotIds, null, null, now)
                    .setHoldExpiresAt(holdExpiresAt).build());
        }
        return events;
    }

    private List<BookingEvent> reject(BookingRequest request, List<String> slotIds, BookingReason reason,
                                      String slotId, long now) {
        String text = slotId == null ? reason.text() : reason.text() + " (Slot/" + slotId + ")";
        List<String> keys = slotIds.isEmpty() ? List.of(request.getAppointmentId()) : slotIds;
        List<BookingEvent> events = new ArrayList<>(keys.size());
        for (String key : keys) {
            events.add(event(key, BookingEventType.REJECTED, request, request.getAppointmentId(), slotIds, reason, text,
                    now).build());
        }
        return events;
    }

    private BookingEvent.Builder event(String slotId, BookingEventType type, BookingRequest request,
                                       String appointmentId, List<String> slotIds, BookingReason reason,
                                       String reasonText, long now) {
        boolean holdEvent = type == BookingEventType.HOLD_PLACED || type == BookingEventType.HOLD_RELEASED;
        BookingEvent.Builder b = BookingEvent.newBuilder()
                .setEventId(request.getRequestId() + ":" + type + ":" + appointmentId + ":" + slotId)
                .setSlotId(slotId)
                .setType(type)
                .setHoldId(holdEvent ? appointmentId : null)
                .setAppointmentId(appointmentId)
                .setPatientReference(request.getPatientReference())
                // patient details only where the Appointment needs them: no PHI on rejections and releases
                .setPatientResource(type == BookingEventType.BOOKED || type == BookingEventType.HOLD_PLACED
                        ? request.getPatientResource() : null)
                .setEventTime(Instant.ofEpochMilli(now))
                .setSource(request.getRequester())
                .setRequestId(request.getRequestId())
                .setRequestType(request.getType())
                .setScheduleId(request.getScheduleId())
                .setSlotIds(slotIds)
                .setParticipants(request.getParticipants())
                .setReason(reason == null ? null : reason.code())
                .setReasonText(reasonText)
                .setComment(request.getComment())
                .setBookingSource(request.getBookingSource())
                .setBookingReferral(request.getBookingReferral())
                .setBookingState(request.getBookingState())
                .setReturnUrl(request.getReturnUrl());
        if (request.getType() == BookingRequestType.RESCHEDULE && type == BookingEventType.BOOKED) {
            b.setReplacedAppointmentId(request.getReplacesAppointmentId());
        }
        setPeriod(b, slotIds);
        return b;
    }

    private BookingEvent systemEvent(String slotId, BookingEventType type, AppointmentLedger appointment,
                                     BookingReason reason, long now) {
        BookingEvent.Builder b = BookingEvent.newBuilder()
                .setEventId(SELF + ":" + type + ":" + appointment.appointmentId() + ":" + slotId + ":" + now)
                .setSlotId(slotId)
                .setType(type)
                .setHoldId(type == BookingEventType.CONFLICT ? null : appointment.appointmentId())
                .setAppointmentId(appointment.appointmentId())
                .setPatientReference(appointment.patient())
                .setEventTime(Instant.ofEpochMilli(now))
                .setSource(SELF)
                .setScheduleId(appointment.scheduleId())
                .setSlotIds(appointment.slotIds())
                .setReason(reason == null ? null : reason.code())
                .setReasonText(reason == null ? null : reason.text());
        setPeriod(b, appointment.slotIds());
        return b.build();
    }

    /** Appointment start/end = earliest start / latest end of the slots the decision point knows. */
    private void setPeriod(BookingEvent.Builder b, List<String> slotIds) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (String slotId : slotIds) {
            SlotLedger ledger = slots.get(slotId);
            if (ledger != null && ledger.fact() != null) {
                start = Math.min(start, ledger.fact().startMs());
                end = Math.max(end, ledger.fact().endMs());
            }
        }
        if (start != Long.MAX_VALUE) {
            b.setAppointmentStart(Instant.ofEpochMilli(start)).setAppointmentEnd(Instant.ofEpochMilli(end));
        }
    }

    private void emit(BookingEvent event) {
        context.forward(new Record<>(event.getSlotId(), event, event.getEventTime().toEpochMilli()));
    }

    private static List<String> distinct(List<String> ids) {
        return ids == null ? List.of() : List.copyOf(new LinkedHashSet<>(ids));
    }

    private static String patientKey(String scheduleId, String patient) {
        return scheduleId + '\u0000' + patient;
    }
}
