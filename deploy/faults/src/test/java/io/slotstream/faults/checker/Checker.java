package io.slotstream.faults.checker;

import io.slotstream.faults.checker.FinalState.AppointmentState;
import io.slotstream.faults.checker.FinalState.SlotState;
import io.slotstream.faults.checker.History.Booking;
import io.slotstream.faults.checker.History.BookingAction;
import io.slotstream.faults.checker.History.Outcome;
import io.slotstream.faults.checker.History.Write;
import io.slotstream.faults.checker.History.WriteKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges a {@link History} against a {@link FinalState} with its own model of what the system promises; it shares
 * no code with the services (no ordering rule, no decision point):
 * <ul>
 *   <li>a resource's writes come from one client at a time, so their order is the order they were sent; the last
 *       acknowledged write is the least the resource must show, and a later write with no definite answer may have
 *       happened too;</li>
 *   <li>a version older than the last acknowledged PUT, or no value, is <b>lost</b>; a value after an acknowledged
 *       DELETE is <b>resurrected</b>; a value no write explains, or readers (topic, view, publication) disagreeing
 *       on version or status, is <b>divergent</b>; an id listed twice in one listing is <b>duplicated</b>;</li>
 *   <li>two accepted bookings of one slot are a <b>double booking</b> unless one was cancelled by a cancel that
 *       may have been decided before the other booking (sent before that booking's answer arrived); the Appointments
 *       topic holding two booked Appointments of one slot is one too; an accepted booking absent from it (not
 *       cancelled) is lost, an acknowledged cancel booked again is resurrected.</li>
 * </ul>
 */
public final class Checker {

    private static final long ABSENT = -1;

    /** @return every anomaly found; {@link Report#isClean()} when none */
    public Report check(History history, FinalState state) {
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> resurrected = new ArrayList<>();
        List<String> divergent = new ArrayList<>();
        List<String> doubleBookings = new ArrayList<>();

        Map<String, List<Write>> writesByResource = new LinkedHashMap<>();
        history.writes().stream().sorted(Comparator.comparingLong(Write::invoked))
                .forEach(w -> writesByResource.computeIfAbsent(w.resource(), r -> new ArrayList<>()).add(w));
        writesByResource.forEach((resource, writes) -> judgeWrites(resource, writes, state, lost, resurrected, divergent));

        Set<String> resources = new TreeSet<>(writesByResource.keySet());
        resources.addAll(state.topic().keySet());
        resources.addAll(state.view().slots().keySet());
        resources.addAll(state.publication().slots().keySet());
        for (String resource : resources) {
            SlotState topic = state.topic().get(resource);
            SlotState view = state.view().slots().get(resource);
            SlotState published = state.publication().slots().get(resource);
            if (!sameReading(topic, view) || !sameReading(topic, published)) {
                divergent.add(resource + ": topic " + describe(topic) + ", view " + describe(view) + ", publication " + describe(published));
            }
        }
        new TreeSet<>(state.view().repeated()).forEach(id -> duplicated.add(id + " listed more than once by the view search"));
        new TreeSet<>(state.publication().repeated()).forEach(id -> duplicated.add(id + " listed more than once in the publication"));

        judgeBookings(history.bookings(), state, lost, resurrected, divergent, doubleBookings);

        return new Report(lost, duplicated, resurrected, divergent, doubleBookings, state.deadLetters().size(),
                history.writes().size(), history.bookings().size());
    }

    private static void judgeWrites(String resource, List<Write> writes, FinalState state, List<String> lost,
                                    List<String> resurrected, List<String> divergent) {
        int lastOk = -1;
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).outcome() == Outcome.OK) {
                lastOk = i;
            }
        }
        Write acknowledged = lastOk < 0 ? null : writes.get(lastOk);
        long least = acknowledged == null ? ABSENT : stateAfter(acknowledged);
        Set<Long> allowed = new HashSet<>();
        allowed.add(least);
        for (int i = lastOk + 1; i < writes.size(); i++) {
            if (writes.get(i).outcome() == Outcome.UNKNOWN) {
                allowed.add(stateAfter(writes.get(i)));
            }
        }
        if (acknowledged != null && state.deadLetters().contains(resource)) {
            lost.add(resource + ": acknowledged, and dead-lettered");
        }
        SlotState topic = state.topic().get(resource);
        long observed = topic == null ? ABSENT : topic.version();
        if (allowed.contains(observed)) {
            return;
        }
        String told = acknowledged == null ? "no acknowledged write" : "acknowledged " + acknowledged.kind() + " v" + acknowledged.version();
        if (acknowledged != null && acknowledged.kind() == WriteKind.DELETE && observed != ABSENT) {
            resurrected.add(resource + ": " + told + ", topic holds v" + observed);
        } else if (acknowledged != null && acknowledged.kind() == WriteKind.PUT && (observed == ABSENT || observed < least)) {
            lost.add(resource + ": " + told + ", topic holds " + (observed == ABSENT ? "nothing" : "v" + observed));
        } else {
            divergent.add(resource + ": " + told + ", topic holds " + (observed == ABSENT ? "nothing" : "v" + observed)
                    + ", which no write explains");
        }
    }

    private static long stateAfter(Write write) {
        return write.kind() == WriteKind.DELETE ? ABSENT : write.version();
    }

    private static boolean sameReading(SlotState a, SlotState b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.version() == b.version() && Objects.equals(a.status(), b.status());
    }

    private static String describe(SlotState state) {
        return state == null ? "absent" : "v" + state.version() + " " + state.status();
    }

    private static void judgeBookings(List<Booking> bookings, FinalState state, List<String> lost, List<String> resurrected,
                                      List<String> divergent, List<String> doubleBookings) {
        List<Booking> booked = bookings.stream().filter(b -> b.action() == BookingAction.BOOK && b.outcome() == Outcome.OK).toList();
        Map<String, List<Booking>> cancels = new LinkedHashMap<>();
        bookings.stream().filter(b -> b.action() == BookingAction.CANCEL && b.outcome() != Outcome.FAILED)
                .forEach(b -> cancels.computeIfAbsent(b.appointmentId(), a -> new ArrayList<>()).add(b));

        Set<String> doubled = new TreeSet<>();
        Map<String, List<Booking>> bySlot = new LinkedHashMap<>();
        booked.forEach(b -> b.slots().forEach(s -> bySlot.computeIfAbsent(s, k -> new ArrayList<>()).add(b)));
        bySlot.forEach((slot, books) -> {
            for (int i = 0; i < books.size(); i++) {
                for (int j = i + 1; j < books.size(); j++) {
                    Booking a = books.get(i);
                    Booking b = books.get(j);
                    if (!a.appointmentId().equals(b.appointmentId())
                            && !cancelledBefore(cancels, a, b) && !cancelledBefore(cancels, b, a) && doubled.add(slot)) {
                        doubleBookings.add(slot + ": clients were told Appointment/" + a.appointmentId() + " and Appointment/"
                                + b.appointmentId() + " booked it, neither cancelled before the other");
                    }
                }
            }
        });
        Map<String, List<String>> bookedInTopic = new LinkedHashMap<>();
        state.appointments().forEach((id, appointment) -> {
            if ("booked".equals(appointment.status())) {
                appointment.slots().forEach(s -> bookedInTopic.computeIfAbsent(s, k -> new ArrayList<>()).add(id));
            }
        });
        bookedInTopic.forEach((slot, ids) -> {
            if (ids.size() > 1 && doubled.add(slot)) {
                doubleBookings.add(slot + ": appointment.v1 holds " + ids.size() + " booked Appointments " + ids);
            }
            SlotState topic = state.topic().get(slot);
            if (ids.size() == 1 && topic != null && (!"busy".equals(topic.status()) || !ids.getFirst().equals(topic.appointmentId()))) {
                divergent.add(slot + ": Appointment/" + ids.getFirst() + " booked it, slot.availability.v1 shows "
                        + topic.status() + " with Appointment " + topic.appointmentId());
            }
        });

        for (Booking b : booked) {
            AppointmentState now = state.appointments().get(b.appointmentId());
            boolean cancelTried = cancels.containsKey(b.appointmentId());
            if (!cancelTried && (now == null || !"booked".equals(now.status()))) {
                lost.add("Appointment/" + b.appointmentId() + ": booking of " + b.slots() + " accepted, appointment.v1 shows "
                        + (now == null ? "nothing" : now.status()));
            }
        }
        bookings.stream().filter(b -> b.action() == BookingAction.CANCEL && b.outcome() == Outcome.OK).forEach(c -> {
            AppointmentState now = state.appointments().get(c.appointmentId());
            if (now != null && "booked".equals(now.status())) {
                resurrected.add("Appointment/" + c.appointmentId() + ": cancel accepted, appointment.v1 shows it booked");
            }
        });
    }

    /** Whether {@code first} has a cancel (acknowledged or unknown) sent before {@code second}'s booking was answered. */
    private static boolean cancelledBefore(Map<String, List<Booking>> cancels, Booking first, Booking second) {
        return cancels.getOrDefault(first.appointmentId(), List.of()).stream().anyMatch(c -> c.invoked() < second.completed());
    }
}
