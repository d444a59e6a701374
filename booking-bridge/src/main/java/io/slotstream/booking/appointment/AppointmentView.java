package io.slotstream.booking.appointment;

import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingEventType;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.command.Referral;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Appointments folded from booking.events.v1 (every partition, from the beginning; see DecisionListener): the data of
 * ITI-118 search and read. An event older than the newest applied one of its appointment is ignored (the events of
 * one decision share a time; decisions on different slots may arrive interleaved). REJECTED creates nothing.
 */
@Component
public class AppointmentView {

    private final ConcurrentHashMap<String, StoredAppointment> appointments = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Registers a listener told the id of every appointment a decision changed, after the change, on the thread that
     * applies decisions (keep it short).
     */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Applies one decision. */
    public void apply(BookingEvent e) {
        if (e.getAppointmentId() == null) {
            return;
        }
        StoredAppointment before = appointments.get(e.getAppointmentId());
        StoredAppointment after = fold(e);
        if (after != before) {
            listeners.forEach(l -> l.accept(e.getAppointmentId()));
        }
    }

    private StoredAppointment fold(BookingEvent e) {
        return appointments.compute(e.getAppointmentId(), (id, old) -> {
            if (old != null && e.getEventTime().isBefore(old.lastUpdated())) {
                return old;
            }
            if (old != null && e.getType() == BookingEventType.CANCELLED && e.getRequestType() == BookingRequestType.RESCHEDULE
                    && "booked".equals(old.status()) && e.getEventTime().equals(old.lastUpdated())) {
                return old; // a modify keeping its id: the BOOKED of the same decision arrived first
            }
            String status;
            String reason = e.getReason();
            boolean conflict = old != null && old.conflict();
            switch (e.getType()) {
                case HOLD_PLACED -> status = "pending";
                case BOOKED -> status = "booked";
                case CANCELLED -> status = "cancelled";
                case HOLD_RELEASED -> status = "cancelled";
                case HOLD_EXPIRED -> {
                    status = "cancelled";
                    reason = "hold-expired";
                }
                case CONFLICT -> {
                    if (old == null) {
                        return null;
                    }
                    status = old.status();
                    conflict = true;
                }
                default -> {
                    return old; // REJECTED: nothing was created or changed
                }
            }
            if (old != null && "cancelled".equals(old.status()) && "cancelled".equals(status)) {
                return old;
            }
            return new StoredAppointment(id, status, reason, conflict,
                    first(e.getScheduleId(), old == null ? null : old.scheduleId()),
                    e.getSlotIds().isEmpty() && old != null ? old.slotIds() : e.getSlotIds(),
                    first(e.getAppointmentStart(), old == null ? null : old.start()),
                    first(e.getAppointmentEnd(), old == null ? null : old.end()),
                    first(e.getPatientReference(), old == null ? null : old.patient()),
                    first(e.getPatientResource(), old == null ? null : old.patientResource()),
                    e.getParticipants().isEmpty() && old != null ? old.participants() : e.getParticipants(),
                    first(e.getComment(), old == null ? null : old.comment()),
                    Referral.of(e).or(old == null ? Referral.NONE : old.referral()),
                    "pending".equals(status) ? e.getHoldExpiresAt() : null,
                    e.getEventTime());
        });
    }

    /** @return the appointment with that id */
    public Optional<StoredAppointment> get(String id) {
        return Optional.ofNullable(appointments.get(id));
    }

    /** @return every appointment (a live view; iterate, do not keep) */
    public Collection<StoredAppointment> all() {
        return appointments.values();
    }

    private static <T> T first(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
