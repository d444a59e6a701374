package io.slotstream.bench.generator;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A practitioner's weekly template: fixed-length slots from {@code dayStart} to {@code lunchStart} and from the end
 * of lunch to {@code dayEnd} on working weekdays, and a morning session on Saturday if {@code saturdayMornings}.
 *
 * @param slotMinutes  15, 20 or 30
 * @param lunchMinutes 30, 45 or 60
 * @param busyShare    probability in [0, 1) that a generated slot is already {@code busy}
 */
public record SlotTemplate(int slotMinutes, LocalTime dayStart, LocalTime lunchStart, int lunchMinutes,
                           LocalTime dayEnd, Set<DayOfWeek> weekdays, boolean saturdayMornings, double busyShare) {

    private static final LocalTime SATURDAY_END = LocalTime.of(12, 0);

    /** @return the start times of the slots on {@code day}, in order; empty on days off */
    public List<LocalTime> startsOn(DayOfWeek day) {
        List<LocalTime> starts = new ArrayList<>(40);
        if (day == DayOfWeek.SATURDAY) {
            if (saturdayMornings) {
                addRange(starts, dayStart, SATURDAY_END);
            }
        } else if (weekdays.contains(day)) {
            addRange(starts, dayStart, lunchStart);
            addRange(starts, lunchStart.plusMinutes(lunchMinutes), dayEnd);
        }
        return starts;
    }

    /** The same template with another slot length (a template rebuild). */
    public SlotTemplate withSlotMinutes(int minutes) {
        return new SlotTemplate(minutes, dayStart, lunchStart, lunchMinutes, dayEnd, weekdays, saturdayMornings, busyShare);
    }

    private void addRange(List<LocalTime> starts, LocalTime from, LocalTime to) {
        for (LocalTime t = from; !t.plusMinutes(slotMinutes).isAfter(to) && !t.plusMinutes(slotMinutes).isBefore(t);
             t = t.plusMinutes(slotMinutes)) {
            starts.add(t);
        }
    }

    static Set<DayOfWeek> monToFri() {
        return EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    }
}
